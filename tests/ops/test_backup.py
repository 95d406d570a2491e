"""``securebase db backup`` while the bot writes: a consistent, complete, restorable copy."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.db import Database
from bot.storage.repository import Repository

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def test_backup_during_writes_restores_every_committed_row(tmp_path: Path) -> None:
    db_path = tmp_path / "live.db"
    db = await Database.open(db_path)
    repo = Repository(db)
    community = await repo.community("test", "w1", NOW)
    committed = 0

    async def write(count: int) -> None:
        nonlocal committed
        for index in range(count):
            await repo.audit(community.id, "mia", "setup test", f"row {index}", NOW)
            committed += 1
            await asyncio.sleep(0)

    await write(2000)
    before = committed
    writer = asyncio.create_task(write(3000))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "db",
        "backup",
        str(tmp_path / "copy.db"),
        env={**os.environ, "SECUREBASE_DB": str(db_path)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    await writer
    await db.close()
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith(f"Backed up {db_path} to {tmp_path / 'copy.db'}")
    restored = sqlite3.connect(tmp_path / "copy.db")
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = restored.execute("SELECT COUNT(*), MAX(id) FROM audit_log").fetchone()
    assert before <= rows[0] <= committed and rows[0] == rows[1]  # a prefix of the writes, no gaps
    assert not (tmp_path / "copy.db.partial").exists()
    restored.close()


def test_backup_names_the_problem(tmp_path: Path) -> None:
    import subprocess

    missing = subprocess.run(
        [sys.executable, "-m", "bot", "db", "backup", str(tmp_path / "x.db")],
        env={**os.environ, "SECUREBASE_DB": str(tmp_path / "nothing.db")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"There is no database at {tmp_path / 'nothing.db'}: check SECUREBASE_DB."
