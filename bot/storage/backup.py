"""Consistent online backups with SQLite's backup API, safe while the bot is writing.

The copy is made page by page from a read-only connection (WAL lets the bot keep writing),
checked with ``PRAGMA integrity_check``, and only then moved into place, so a failed or
interrupted backup never leaves a half-written file at the target path.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

__all__ = ["BackupError", "backup_database"]


class BackupError(Exception):
    """One line saying what went wrong and how to fix it."""


def backup_database(source: str | Path, target: str | Path, *, pages_per_step: int = 512) -> int:
    """Copy ``source`` to ``target``; returns the number of pages copied."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: check SECUREBASE_DB.")
    if target.resolve() == source.resolve():
        raise BackupError("The backup must go to a different file than the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    pages = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer, pages=pages_per_step, progress=progress, sleep=0.005)
        writer.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        verdict = writer.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"The copy failed its integrity check ({verdict}); nothing was written to {target}.")
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed ({error.__class__.__name__}); nothing was written to {target}.") from None
    finally:
        writer.close()
        reader.close()
    os.replace(partial, target)
    return pages
