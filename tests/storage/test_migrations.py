"""Every released schema upgrades to the newest."""

from __future__ import annotations

from pathlib import Path

from bot.storage.db import Database, migrations


async def test_each_migration_step_upgrades_to_the_newest(tmp_path: Path) -> None:
    steps = migrations()
    newest = steps[-1].version
    fresh = await Database.open(tmp_path / "fresh.db")
    expected = await fresh.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    await fresh.close()
    for stop_at in range(0, newest + 1):
        path = tmp_path / f"at-{stop_at}.db"
        old = await Database.open(path, upgrade_to=stop_at)
        assert await old.schema_version() == stop_at
        await old.close()
        upgraded = await Database.open(path)
        assert await upgraded.schema_version() == newest
        schema = await upgraded.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        assert [tuple(row) for row in schema] == [tuple(row) for row in expected]
        assert (await upgraded.fetchone("PRAGMA integrity_check"))[0] == "ok"
        assert (await upgraded.fetchone("PRAGMA journal_mode"))[0] == "wal"
        await upgraded.close()


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in migrations()] == list(range(1, len(migrations()) + 1))


async def test_reopening_applies_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "x.db")
    assert await db.migrate() == []
    await db.close()
