"""A realistic database at scale: communities with schedules, members with progress.

Seeding goes through the real migrations, then bulk inserts with the standard library's
sqlite3 in one transaction, which is a hundred times faster than going through the bot.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.schedule_times import occurrences_between
from bot.storage.db import migrations

__all__ = ["SEED_NOW", "Seeded", "seed"]

SEED_NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC", "Asia/Kolkata", "America/Sao_Paulo")


@dataclass(frozen=True)
class Seeded:
    path: Path
    communities: int
    members: int
    platform: str


def seed(
    path: Path, catalog: Catalog, *, communities: int, members: int, platform: str = "discord", seed_value: int = 7
) -> Seeded:
    """``communities`` each with weekly prompts and lessons; ``members`` spread across them with progress."""
    _migrate(path)
    rng = random.Random(seed_value)
    lessons = list(catalog.default_track.lessons)
    knowledge = [quiz_id for quiz_id, quiz in catalog.quizzes.items() if getattr(quiz, "kind", "") == "knowledge"]
    created = (SEED_NOW - timedelta(days=60)).isoformat(timespec="seconds")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    with con:
        con.executemany(
            "INSERT INTO communities (id, platform, workspace_id, region, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                (i, platform, str(10_000_000 + i), rng.choice(("US", "UK", "INTL")), created)
                for i in range(1, communities + 1)
            ),
        )
        schedules = []
        for i in range(1, communities + 1):
            zone = ZONES[i % len(ZONES)]
            schedules.append((i, "prompts", f"c{i}", 0, "09:00", zone, created))
            schedules.append((i, "lessons", f"l{i}", 3, "18:30", zone, created))
        con.executemany(
            "INSERT INTO schedules (community_id, kind, channel_id, weekday, local_time, timezone, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            schedules,
        )
        con.executemany(
            "INSERT INTO posts (community_id, kind, occurrence, item_id, status, channel_id, message_id, thread_id, "
            "claimed_at, posted_at) VALUES (?, ?, ?, ?, 'posted', ?, ?, ?, ?, ?)",
            _last_weeks_posts(schedules, catalog),
        )
        con.executemany(
            "INSERT INTO members (id, community_id, user_id, consented_at, created_at) VALUES (?, ?, ?, ?, ?)",
            ((m, 1 + (m - 1) % communities, str(20_000_000 + m), created, created) for m in range(1, members + 1)),
        )
        progress = []
        attempts = []
        reflections = []
        for m in range(1, members + 1):
            done = rng.randint(0, len(lessons))
            progress += [(m, lesson, created) for lesson in lessons[:done]]
            if knowledge and rng.random() < 0.4:
                total = 6
                attempts.append(
                    (m, rng.choice(knowledge), total, "[]", rng.randint(2, total), total, "finished", created, created)
                )
            if rng.random() < 0.3:
                reflections.append((m, round(rng.uniform(1, 7), 1), round(rng.uniform(1, 7), 1), created[:10]))
        con.executemany("INSERT INTO lesson_progress (member_id, lesson_id, done_at) VALUES (?, ?, ?)", progress)
        con.executemany(
            "INSERT INTO quiz_attempts (member_id, quiz_id, position, answers, score, total, status, started_at, "
            "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attempts,
        )
        con.executemany(
            "INSERT INTO reflection_results (member_id, anxiety, avoidance, taken_on) VALUES (?, ?, ?, ?)", reflections
        )
    con.execute("PRAGMA optimize")
    con.close()
    return Seeded(path, communities, members, platform)


def _last_weeks_posts(
    schedules: list[tuple[int, str, str, int, str, str, str]], catalog: Catalog
) -> list[tuple[object, ...]]:
    """The ledger of a bot that has been running: each schedule's latest occurrence, posted."""
    prompt = next(iter(catalog.prompts))
    lesson = catalog.default_track.lessons[0]
    rows: list[tuple[object, ...]] = []
    for community, kind, channel, weekday, at, zone, _ in schedules:
        moments = occurrences_between(
            weekday, time.fromisoformat(at), ZoneInfo(zone), SEED_NOW - timedelta(days=8), SEED_NOW - timedelta(hours=1)
        )
        key = moments[-1].isoformat(timespec="seconds")
        item = prompt if kind == "prompts" else lesson
        rows.append((community, kind, key, item, channel, f"m{community}{kind[0]}", None, key, key))
    return rows


def _migrate(path: Path) -> None:
    """The same numbered migrations the bot applies at start, run synchronously."""
    con = sqlite3.connect(path)
    for migration in migrations():
        con.executescript(f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;")
    con.close()
