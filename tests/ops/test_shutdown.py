"""SIGTERM during a scheduled post: the post finishes, is confirmed in the ledger, and the process exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.discord.testing import FakeDiscord
from bot.storage.db import Database
from bot.storage.repository import Repository, ScheduleRow
from bot.testing import free_port


async def _schedule_due_an_hour_ago(db_path: Path, guild: str, channel: str) -> None:
    """A weekly schedule whose latest occurrence was an hour ago: the bot owes it on start."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    due = now - timedelta(hours=1)
    db = await Database.open(db_path)
    repo = Repository(db)
    community = await repo.community("discord", guild, now - timedelta(days=10))
    schedule = ScheduleRow(
        id=0,
        community_id=community.id,
        kind="prompts",
        channel_id=channel,
        weekday=due.weekday(),
        local_time=due.strftime("%H:%M"),
        timezone="UTC",
        track_id=None,
        enabled=True,
        paused=False,
        pause_reason=None,
        configured_by=None,
    )
    await repo.save_schedule(schedule, now - timedelta(days=2))
    await db.close()


async def test_sigterm_during_a_post_confirms_it_and_exits_cleanly(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        db_path = tmp_path / "bot.db"
        reflections = fake.channel_id("reflections")
        await _schedule_due_an_hour_ago(db_path, fake.guild_id, reflections)
        arrived = fake.delay_next("POST", f"/channels/{reflections}/messages", 1.5)
        env = {
            **os.environ,
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "SECUREBASE_DB": str(db_path),
            "SECUREBASE_HTTP_HOST": "127.0.0.1",
            "SECUREBASE_HTTP_PORT": str(free_port()),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        await asyncio.wait_for(arrived.wait(), 30)  # the post is on the wire, not yet answered
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
        elapsed = time.monotonic() - sent
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert elapsed < 10
    with sqlite3.connect(db_path) as check:
        rows = check.execute("SELECT status, message_id FROM posts").fetchall()
    assert len(rows) == 1 and rows[0][0] == "posted" and rows[0][1]
    assert len(fake.posts("reflections")) == 1
