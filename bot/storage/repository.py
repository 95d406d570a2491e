"""Every query the bot makes, in one place, returning small typed rows.

Services never write SQL; this module never decides anything. Member-written text
arrives here already sealed (``bytes``) and leaves sealed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.storage.db import Database

__all__ = [
    "EMPTY_SUMMARY",
    "AttemptRow",
    "CommunityRow",
    "CustomLessonRow",
    "CustomPromptRow",
    "JournalRow",
    "MemberRow",
    "MemberSummary",
    "PostRow",
    "Repository",
    "ScheduleRow",
    "ShareRow",
]

ScheduleKind = Literal["prompts", "lessons"]


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class CommunityRow:
    id: int
    platform: str
    workspace_id: str
    region: str
    alerts_channel: str | None


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    community_id: int
    user_id: str
    consented_at: str | None


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    id: int
    community_id: int
    kind: ScheduleKind
    channel_id: str
    weekday: int
    local_time: str
    timezone: str
    track_id: str | None
    enabled: bool
    paused: bool
    pause_reason: str | None
    configured_by: str | None
    updated_at: str = ""
    """When the schedule last changed or was resumed: occurrences before it are not owed."""

    @property
    def active(self) -> bool:
        return self.enabled and not self.paused


@dataclass(frozen=True, slots=True)
class AttemptRow:
    id: int
    member_id: int
    quiz_id: str
    position: int
    answers: list[int]
    score: int | None
    total: int | None
    status: str
    started_at: str
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class JournalRow:
    id: int
    title: bytes
    body: bytes
    prompt_id: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class PostRow:
    id: int
    community_id: int
    kind: ScheduleKind
    occurrence: str
    item_id: str | None
    status: str
    channel_id: str | None
    message_id: str | None
    thread_id: str | None
    posted_at: str | None


@dataclass(frozen=True, slots=True)
class MemberSummary:
    lessons_done: frozenset[str]
    best_scores: list[tuple[str, int, int, int]]
    """(quiz id, best score, out of, times finished)"""
    reflections: list[tuple[float, float, str]]
    """(anxiety, avoidance, date), oldest first"""
    journal_entries: int


EMPTY_SUMMARY = MemberSummary(frozenset(), [], [], 0)


@dataclass(frozen=True, slots=True)
class CustomPromptRow:
    id: int
    text: str


@dataclass(frozen=True, slots=True)
class CustomLessonRow:
    id: int
    title: str
    summary: str
    body: str
    try_this: str


def _schedule(row: sqlite3.Row | dict[str, Any]) -> ScheduleRow:
    return ScheduleRow(
        id=row["id"],
        community_id=row["community_id"],
        kind=row["kind"],
        channel_id=row["channel_id"],
        weekday=row["weekday"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        track_id=row["track_id"],
        enabled=bool(row["enabled"]),
        paused=bool(row["paused"]),
        pause_reason=row["pause_reason"],
        configured_by=row["configured_by"],
        updated_at=row["updated_at"],
    )


def _attempt(row: sqlite3.Row) -> AttemptRow:
    return AttemptRow(
        id=row["id"],
        member_id=row["member_id"],
        quiz_id=row["quiz_id"],
        position=row["position"],
        answers=json.loads(row["answers"]),
        score=row["score"],
        total=row["total"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _post(row: sqlite3.Row) -> PostRow:
    return PostRow(
        id=row["id"],
        community_id=row["community_id"],
        kind=row["kind"],
        occurrence=row["occurrence"],
        item_id=row["item_id"],
        status=row["status"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        posted_at=row["posted_at"],
    )


MEMBER_CACHE_SIZE = 50_000
CACHE_SECONDS = 30.0
"""How long community configuration read from the database is trusted. Changes made through this
process are seen at once (the cache is dropped); a second process's changes within this bound."""


CONFIGURATION_COLUMNS = """
    (SELECT json_group_array(json_array(kind, ref)) FROM (
        SELECT kind, ref FROM moderators WHERE community_id = c.id ORDER BY kind, ref)),
    (SELECT json_group_array(json_object(
        'id', id, 'community_id', community_id, 'kind', kind, 'channel_id', channel_id, 'weekday', weekday,
        'local_time', local_time, 'timezone', timezone, 'track_id', track_id, 'enabled', enabled,
        'paused', paused, 'pause_reason', pause_reason, 'configured_by', configured_by, 'updated_at', updated_at))
        FROM (SELECT * FROM schedules WHERE community_id = c.id ORDER BY kind)),
    (SELECT json_group_array(content_id) FROM content_toggles WHERE community_id = c.id AND enabled = 0),
    (SELECT json_group_array(json_array(id, text)) FROM (
        SELECT id, text FROM custom_prompts WHERE community_id = c.id ORDER BY id)),
    (SELECT json_group_array(json_array(id, title, summary, body, try_this)) FROM (
        SELECT id, title, summary, body, try_this FROM custom_lessons WHERE community_id = c.id ORDER BY id)),
    c.read_replies
"""
"""A community's whole configuration as columns of a query over ``communities c``."""


class Repository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._communities: dict[tuple[str, str], tuple[float, CommunityRow]] = {}
        self._config: dict[int, dict[str, tuple[float, Any]]] = {}
        self._members: OrderedDict[tuple[int, str], tuple[float, MemberRow | None]] = OrderedDict()

    # --- the configuration cache -------------------------------------------------------
    # Member commands read a community's configuration (moderators, schedules, content
    # toggles, custom items) on every call; it changes only through `setup`.

    def _cached(self, community_id: int, key: str) -> tuple[bool, Any]:
        entry = self._config.get(community_id, {}).get(key)
        if entry is not None and entry[0] > time.monotonic():
            return True, entry[1]
        return False, None

    def _remember(self, community_id: int, key: str, value: Any) -> Any:
        self._config.setdefault(community_id, {})[key] = (time.monotonic() + CACHE_SECONDS, value)
        return value

    async def _setting(self, community_id: int, key: str) -> Any:
        hit, value = self._cached(community_id, key)
        if not hit:
            await self._load_configuration(community_id)
            hit, value = self._cached(community_id, key)
        return value

    async def _load_configuration(self, community_id: int) -> None:
        """A community's whole configuration in one round trip, so a member's first command in a
        community costs one query for it, not one per setting."""
        row = await self.db.fetchone(
            f"SELECT {CONFIGURATION_COLUMNS} FROM communities c WHERE c.id = :c",
            {"c": community_id},
        )
        assert row is not None
        self._remember_configuration(community_id, row)

    def _remember_configuration(self, community_id: int, row: Sequence[Any]) -> None:
        self._remember(community_id, "moderators", [(kind, ref) for kind, ref in json.loads(row[0])])
        self._remember(community_id, "schedules", [_schedule(item) for item in json.loads(row[1])])
        self._remember(community_id, "disabled", frozenset(json.loads(row[2])))
        self._remember(community_id, "custom_prompts", [CustomPromptRow(*item) for item in json.loads(row[3])])
        self._remember(community_id, "custom_lessons", [CustomLessonRow(*item) for item in json.loads(row[4])])
        self._remember(community_id, "read_replies", bool(row[5]))

    def forget(self, community_id: int) -> None:
        """Drop everything cached about a community (after any change to its configuration)."""
        self._config.pop(community_id, None)
        for key, (_, row) in list(self._communities.items()):
            if row.id == community_id:
                del self._communities[key]

    # --- communities and members ---------------------------------------------------

    async def community(self, platform: str, workspace_id: str, now: datetime) -> CommunityRow:
        """The community, created on first contact."""
        community, _ = await self.community_and_member(platform, workspace_id, None, now)
        return community

    async def community_and_member(
        self, platform: str, workspace_id: str, user_id: str | None, now: datetime
    ) -> tuple[CommunityRow, MemberRow | None]:
        """Who is asking, and where: every event starts here, so on a cold cache the community,
        its whole configuration and the member's row come back in one round trip."""
        cached = self._communities.get((platform, workspace_id))
        if cached is not None and cached[0] > time.monotonic():
            community = cached[1]
            return community, (await self.find_member(community.id, user_id) if user_id is not None else None)
        sql = (
            f"SELECT c.id, c.platform, c.workspace_id, c.region, c.alerts_channel, {CONFIGURATION_COLUMNS}, "
            "(SELECT json_array(m.id, m.consented_at) FROM members m WHERE m.community_id = c.id AND m.user_id = :u) "
            "FROM communities c WHERE c.platform = :p AND c.workspace_id = :w"
        )
        params = {"p": platform, "w": workspace_id, "u": user_id}
        row = await self.db.fetchone(sql, params)
        if row is None:
            await self.db.execute(
                "INSERT INTO communities (platform, workspace_id, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (platform, workspace_id) DO NOTHING",
                (platform, workspace_id, _iso(now)),
            )
            row = await self.db.fetchone(sql, params)
            assert row is not None
        values = tuple(row)
        community = CommunityRow(*values[:5])
        self._communities[(platform, workspace_id)] = (time.monotonic() + CACHE_SECONDS, community)
        self._remember_configuration(community.id, values[5:-1])
        if user_id is None:
            return community, None
        found = json.loads(values[-1]) if values[-1] else None
        member = MemberRow(found[0], community.id, user_id, found[1]) if found else None
        self._remember_member(community.id, user_id, member)
        return community, member

    async def community_by_id(self, community_id: int) -> CommunityRow | None:
        row = await self.db.fetchone(
            "SELECT id, platform, workspace_id, region, alerts_channel FROM communities WHERE id = ?",
            (community_id,),
        )
        return CommunityRow(*row) if row else None

    async def communities_by_id(self, ids: set[int]) -> dict[int, CommunityRow]:
        """Many communities in one round trip (the weekly fan-out settles thousands at once)."""
        if not ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT id, platform, workspace_id, region, alerts_channel FROM communities "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(ids)),),
        )
        return {row[0]: CommunityRow(*row) for row in rows}

    async def set_safety(self, community_id: int, *, region: str | None, alerts_channel: str | None) -> None:
        self.forget(community_id)
        if region is not None:
            await self.db.execute("UPDATE communities SET region = ? WHERE id = ?", (region, community_id))
        if alerts_channel is not None:
            await self.db.execute(
                "UPDATE communities SET alerts_channel = ? WHERE id = ?", (alerts_channel, community_id)
            )

    async def member(self, community_id: int, user_id: str, now: datetime) -> MemberRow:
        """The member's row, created when something is about to be stored for them."""
        found = await self.find_member(community_id, user_id)
        if found is not None:
            return found
        await self.db.execute(
            "INSERT INTO members (community_id, user_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (community_id, user_id) DO NOTHING",
            (community_id, user_id, _iso(now)),
        )
        self._members.pop((community_id, user_id), None)
        created = await self.find_member(community_id, user_id)
        assert created is not None
        return created

    async def find_member(self, community_id: int, user_id: str) -> MemberRow | None:
        """Every event looks its member up, so rows (and absences) are kept for ``CACHE_SECONDS``."""
        key = (community_id, user_id)
        cached = self._members.get(key)
        if cached is not None and cached[0] > time.monotonic():
            self._members.move_to_end(key)
            return cached[1]
        row = await self.db.fetchone(
            "SELECT id, community_id, user_id, consented_at FROM members WHERE community_id = ? AND user_id = ?",
            key,
        )
        found = MemberRow(*row) if row else None
        self._remember_member(community_id, user_id, found)
        return found

    def _remember_member(self, community_id: int, user_id: str, member: MemberRow | None) -> None:
        self._members[(community_id, user_id)] = (time.monotonic() + CACHE_SECONDS, member)
        if len(self._members) > MEMBER_CACHE_SIZE:
            self._members.popitem(last=False)

    async def set_consent(self, member_id: int, when: datetime | None) -> None:
        await self.db.execute(
            "UPDATE members SET consented_at = ? WHERE id = ?", (_iso(when) if when else None, member_id)
        )
        for key, (_, row) in list(self._members.items()):
            if row is not None and row.id == member_id:
                del self._members[key]

    async def moderators(self, community_id: int) -> list[tuple[str, str]]:
        return list(await self._setting(community_id, "moderators"))

    async def replace_moderators(self, community_id: int, kind: str, refs: Sequence[str]) -> None:
        self.forget(community_id)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM moderators WHERE community_id = ? AND kind = ?", (community_id, kind))
            await tx.executemany(
                "INSERT INTO moderators (community_id, kind, ref) VALUES (?, ?, ?)",
                [(community_id, kind, ref) for ref in refs],
            )

    # --- schedules -------------------------------------------------------------------

    async def schedule(self, community_id: int, kind: ScheduleKind) -> ScheduleRow | None:
        return next((row for row in await self.schedules(community_id) if row.kind == kind), None)

    async def schedules(self, community_id: int) -> list[ScheduleRow]:
        return list(await self._setting(community_id, "schedules"))

    async def save_schedule(self, schedule: ScheduleRow, now: datetime) -> ScheduleRow:
        self.forget(schedule.community_id)
        await self.db.execute(
            """
            INSERT INTO schedules (community_id, kind, channel_id, weekday, local_time, timezone, track_id,
                                   enabled, paused, pause_reason, configured_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (community_id, kind) DO UPDATE SET
                channel_id = excluded.channel_id, weekday = excluded.weekday,
                local_time = excluded.local_time, timezone = excluded.timezone,
                track_id = excluded.track_id, enabled = excluded.enabled, paused = excluded.paused,
                pause_reason = excluded.pause_reason, configured_by = excluded.configured_by,
                updated_at = excluded.updated_at
            """,
            (
                schedule.community_id,
                schedule.kind,
                schedule.channel_id,
                schedule.weekday,
                schedule.local_time,
                schedule.timezone,
                schedule.track_id,
                int(schedule.enabled),
                int(schedule.paused),
                schedule.pause_reason,
                schedule.configured_by,
                _iso(now),
            ),
        )
        saved = await self.schedule(schedule.community_id, schedule.kind)
        assert saved is not None
        return saved

    async def set_paused(
        self, community_id: int, kind: ScheduleKind, paused: bool, reason: str | None, now: datetime
    ) -> ScheduleRow | None:
        """Pause or resume; resuming restarts the schedule from ``now`` (nothing owed from the pause)."""
        self.forget(community_id)
        changed = await self.db.execute(
            "UPDATE schedules SET paused = ?, pause_reason = ?, updated_at = ? WHERE community_id = ? AND kind = ?",
            (int(paused), reason, _iso(now), community_id, kind),
        )
        return await self.schedule(community_id, kind) if changed else None

    async def schedule_by_id(self, schedule_id: int) -> ScheduleRow | None:
        row = await self.db.fetchone("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        return _schedule(row) if row else None

    async def schedules_by_id(self, ids: set[int]) -> list[ScheduleRow]:
        """Many schedules in one round trip (an alarm wakes every schedule set for its time)."""
        if not ids:
            return []
        rows = await self.db.fetchall(
            "SELECT * FROM schedules WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(sorted(ids)),),
        )
        return [_schedule(row) for row in rows]

    async def active_schedules(self) -> list[ScheduleRow]:
        rows = await self.db.fetchall("SELECT * FROM schedules WHERE enabled = 1 AND paused = 0 ORDER BY id")
        return [_schedule(row) for row in rows]

    # --- lessons ---------------------------------------------------------------------

    async def lessons_done(self, member_id: int) -> set[str]:
        rows = await self.db.fetchall("SELECT lesson_id FROM lesson_progress WHERE member_id = ?", (member_id,))
        return {row[0] for row in rows}

    async def mark_lesson_done(self, member_id: int, lesson_id: str, now: datetime) -> bool:
        """True the first time; a repeated press changes nothing."""
        changed = await self.db.execute(
            "INSERT INTO lesson_progress (member_id, lesson_id, done_at) VALUES (?, ?, ?) "
            "ON CONFLICT (member_id, lesson_id) DO NOTHING",
            (member_id, lesson_id, _iso(now)),
        )
        return changed > 0

    # --- quizzes ---------------------------------------------------------------------

    async def start_attempt(self, member_id: int, quiz_id: str, now: datetime) -> AttemptRow:
        """A fresh attempt; an unfinished earlier one of the same quiz is abandoned."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE quiz_attempts SET status = 'abandoned', answers = '[]' "
                "WHERE member_id = ? AND quiz_id = ? AND status = 'active'",
                (member_id, quiz_id),
            )
            attempt_id = await tx.insert(
                "INSERT INTO quiz_attempts (member_id, quiz_id, started_at) VALUES (?, ?, ?)",
                (member_id, quiz_id, _iso(now)),
            )
        attempt = await self.attempt(attempt_id)
        assert attempt is not None
        return attempt

    async def attempt(self, attempt_id: int) -> AttemptRow | None:
        row = await self.db.fetchone("SELECT * FROM quiz_attempts WHERE id = ?", (attempt_id,))
        return _attempt(row) if row else None

    async def record_answer(self, attempt: AttemptRow, choice: int) -> bool:
        """Store the answer for ``attempt.position`` only if nobody moved the attempt on meanwhile.

        The ``WHERE position = ?`` makes a double click or a replayed press a no-op.
        """
        answers = json.dumps([*attempt.answers, choice])
        changed = await self.db.execute(
            "UPDATE quiz_attempts SET position = position + 1, answers = ? "
            "WHERE id = ? AND status = 'active' AND position = ?",
            (answers, attempt.id, attempt.position),
        )
        return changed > 0

    async def finish_attempt(
        self, attempt_id: int, *, score: int | None, total: int | None, keep_answers: bool, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE quiz_attempts SET status = 'finished', score = ?, total = ?, finished_at = ?, "
            "answers = CASE WHEN ? THEN answers ELSE '[]' END WHERE id = ?",
            (score, total, _iso(now), int(keep_answers), attempt_id),
        )

    async def delete_attempt(self, attempt_id: int) -> None:
        await self.db.execute("DELETE FROM quiz_attempts WHERE id = ?", (attempt_id,))

    async def member_summary(self, member_id: int) -> MemberSummary:
        """Everything ``progress`` shows, in one round trip."""
        row = await self.db.fetchone(
            """
            SELECT
              (SELECT json_group_array(lesson_id) FROM lesson_progress WHERE member_id = :m),
              (SELECT json_group_array(json_array(quiz_id, best, out_of, times)) FROM (
                 SELECT quiz_id, MAX(score) AS best, MAX(total) AS out_of, COUNT(*) AS times FROM quiz_attempts
                 WHERE member_id = :m AND status = 'finished' AND score IS NOT NULL
                 GROUP BY quiz_id ORDER BY quiz_id)),
              (SELECT json_group_array(json_array(anxiety, avoidance, taken_on)) FROM (
                 SELECT anxiety, avoidance, taken_on FROM reflection_results WHERE member_id = :m ORDER BY id)),
              (SELECT COUNT(*) FROM journal_entries WHERE member_id = :m)
            """,
            {"m": member_id},
        )
        assert row is not None
        return MemberSummary(
            lessons_done=frozenset(json.loads(row[0])),
            best_scores=[(str(q), int(best), int(out_of), int(times)) for q, best, out_of, times in json.loads(row[1])],
            reflections=[(float(anx), float(avo), str(day)) for anx, avo, day in json.loads(row[2])],
            journal_entries=int(row[3]),
        )

    async def add_reflection_result(self, member_id: int, anxiety: float, avoidance: float, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO reflection_results (member_id, anxiety, avoidance, taken_on) VALUES (?, ?, ?, ?)",
            (member_id, anxiety, avoidance, now.date().isoformat()),
        )

    async def reflection_results(self, member_id: int) -> list[tuple[float, float, str]]:
        rows = await self.db.fetchall(
            "SELECT anxiety, avoidance, taken_on FROM reflection_results WHERE member_id = ? ORDER BY id",
            (member_id,),
        )
        return [(row[0], row[1], row[2]) for row in rows]

    # --- journal -----------------------------------------------------------------------

    async def add_journal_entry(
        self, member_id: int, title: bytes, body: bytes, prompt_id: str | None, now: datetime
    ) -> int:
        return await self.db.insert(
            "INSERT INTO journal_entries (member_id, title, body, prompt_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (member_id, title, body, prompt_id, _iso(now)),
        )

    async def journal_count(self, member_id: int) -> int:
        return int(await self.db.scalar("SELECT COUNT(*) FROM journal_entries WHERE member_id = ?", (member_id,)))

    async def journal_entries(self, member_id: int, limit: int | None = None) -> list[JournalRow]:
        rows = await self.db.fetchall(
            "SELECT id, title, body, prompt_id, created_at FROM journal_entries WHERE member_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (member_id, -1 if limit is None else limit),
        )
        return [JournalRow(*row) for row in rows]

    # --- posts ledger ----------------------------------------------------------------------

    async def claim_post(
        self, community_id: int, kind: ScheduleKind, occurrence: str, channel_id: str, now: datetime
    ) -> int | None:
        """Claim an occurrence before posting it; ``None`` if someone already did.

        The UNIQUE (community, kind, occurrence) constraint makes this the one place where two
        jobs, a restart or a second process racing for the same occurrence are told apart.
        """
        try:
            return await self.db.insert(
                "INSERT INTO posts (community_id, kind, occurrence, status, channel_id, claimed_at) "
                "VALUES (?, ?, ?, 'claimed', ?, ?)",
                (community_id, kind, occurrence, channel_id, _iso(now)),
            )
        except sqlite3.IntegrityError:
            return None

    async def skip_occurrence(
        self, community_id: int, kind: ScheduleKind, occurrence: str, reason: str, now: datetime
    ) -> None:
        """Record an occurrence that will not be posted (missed beyond catch-up, or collapsed)."""
        await self.db.execute(
            "INSERT INTO posts (community_id, kind, occurrence, status, claimed_at, error) "
            "VALUES (?, ?, ?, 'skipped', ?, ?) ON CONFLICT (community_id, kind, occurrence) DO NOTHING",
            (community_id, kind, occurrence, _iso(now), reason),
        )

    async def last_occurrence(self, community_id: int, kind: ScheduleKind) -> str | None:
        """The newest scheduled occurrence in the ledger (manual posts excluded), whatever its status."""
        value = await self.db.scalar(
            "SELECT MAX(occurrence) FROM posts WHERE community_id = ? AND kind = ? AND occurrence NOT LIKE 'manual:%'",
            (community_id, kind),
        )
        return str(value) if value else None

    async def last_occurrences(self) -> dict[tuple[int, ScheduleKind], str]:
        """``last_occurrence`` for every (community, kind) at once, for the start-up and fan-out sweep."""
        rows = await self.db.fetchall(
            "SELECT community_id, kind, MAX(occurrence) FROM posts WHERE occurrence NOT LIKE 'manual:%' "
            "GROUP BY community_id, kind"
        )
        return {(row[0], row[1]): str(row[2]) for row in rows}

    async def unconfirmed_posts(self, claimed_before: datetime) -> list[PostRow]:
        rows = await self.db.fetchall(
            "SELECT * FROM posts WHERE status = 'claimed' AND claimed_at < ? ORDER BY id", (_iso(claimed_before),)
        )
        return [_post(row) for row in rows]

    async def release_claim(self, post_id: int) -> None:
        """Forget a claim whose post surely never went out, so the occurrence can be decided afresh."""
        await self.db.execute("DELETE FROM posts WHERE id = ? AND status = 'claimed'", (post_id,))

    async def confirm_post(
        self,
        post_id: int,
        *,
        item_id: str,
        channel_id: str,
        message_id: str,
        thread_id: str | None,
        now: datetime,
    ) -> None:
        await self.db.execute(
            "UPDATE posts SET status = 'posted', item_id = ?, channel_id = ?, message_id = ?, thread_id = ?, "
            "posted_at = ?, error = NULL WHERE id = ?",
            (item_id, channel_id, message_id, thread_id, _iso(now), post_id),
        )

    async def set_post_item(self, post_id: int, item_id: str) -> None:
        """Record what a claimed post will carry before sending, so recovery knows what it was."""
        await self.db.execute("UPDATE posts SET item_id = ? WHERE id = ?", (item_id, post_id))

    async def fail_post(self, post_id: int, error: str) -> None:
        """``error`` is our own description (status codes, permission names), never member text."""
        await self.db.execute("UPDATE posts SET status = 'failed', error = ? WHERE id = ?", (error, post_id))

    async def latest_post(self, community_id: int, kind: ScheduleKind) -> PostRow | None:
        row = await self.db.fetchone(
            "SELECT * FROM posts WHERE community_id = ? AND kind = ? AND status = 'posted' "
            "ORDER BY posted_at DESC, id DESC LIMIT 1",
            (community_id, kind),
        )
        return _post(row) if row else None

    async def post(self, post_id: int) -> PostRow | None:
        row = await self.db.fetchone("SELECT * FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def times_posted(self, community_id: int, kind: ScheduleKind) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT item_id, COUNT(*) FROM posts WHERE community_id = ? AND kind = ? AND status = 'posted' "
            "GROUP BY item_id",
            (community_id, kind),
        )
        return {row[0]: row[1] for row in rows}

    # --- anonymous shares ---------------------------------------------------------------------

    async def add_share(
        self,
        community_id: int,
        post_id: int | None,
        author: str,
        status: str,
        message_id: str | None,
        now: datetime,
    ) -> int:
        return await self.db.insert(
            "INSERT INTO anonymous_shares (community_id, post_id, author, status, message_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (community_id, post_id, author, status, message_id, _iso(now)),
        )

    async def share_blocked(self, community_id: int, author: str) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM share_blocks WHERE community_id = ? AND author = ?", (community_id, author)
        )
        return row is not None

    # --- content ---------------------------------------------------------------------------------

    async def disabled_content(self, community_id: int) -> set[str]:
        return set(await self._setting(community_id, "disabled"))

    async def set_content_enabled(self, community_id: int, content_id: str, enabled: bool) -> None:
        self.forget(community_id)
        await self.db.execute(
            "INSERT INTO content_toggles (community_id, content_id, enabled) VALUES (?, ?, ?) "
            "ON CONFLICT (community_id, content_id) DO UPDATE SET enabled = excluded.enabled",
            (community_id, content_id, int(enabled)),
        )

    async def add_custom_prompt(self, community_id: int, text: str, now: datetime) -> int:
        self.forget(community_id)
        return await self.db.insert(
            "INSERT INTO custom_prompts (community_id, text, created_at) VALUES (?, ?, ?)",
            (community_id, text, _iso(now)),
        )

    async def custom_prompts(self, community_id: int) -> list[CustomPromptRow]:
        return list(await self._setting(community_id, "custom_prompts"))

    async def add_custom_lesson(
        self, community_id: int, title: str, summary: str, body: str, try_this: str, now: datetime
    ) -> int:
        self.forget(community_id)
        return await self.db.insert(
            "INSERT INTO custom_lessons (community_id, title, summary, body, try_this, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (community_id, title, summary, body, try_this, _iso(now)),
        )

    async def custom_lessons(self, community_id: int) -> list[CustomLessonRow]:
        return list(await self._setting(community_id, "custom_lessons"))

    # --- audit and stats --------------------------------------------------------------------------

    async def audit(self, community_id: int, actor_id: str, action: str, detail: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO audit_log (community_id, actor_id, action, detail, created_at) VALUES (?, ?, ?, ?, ?)",
            (community_id, actor_id, action, detail, _iso(now)),
        )

    async def stats(self, community_id: int) -> dict[str, int]:
        """Counts over the whole community; nothing here can single out a member."""
        queries = {
            "posts": "SELECT COUNT(*) FROM posts WHERE community_id = ? AND status = 'posted'",
            "members": "SELECT COUNT(*) FROM members WHERE community_id = ?",
            "lessons_done": "SELECT COUNT(*) FROM lesson_progress JOIN members m ON m.id = member_id "
            "WHERE m.community_id = ?",
            "quizzes_finished": "SELECT COUNT(*) FROM quiz_attempts JOIN members m ON m.id = member_id "
            "WHERE m.community_id = ? AND status = 'finished'",
            "reflections": "SELECT COUNT(*) FROM reflection_results JOIN members m ON m.id = member_id "
            "WHERE m.community_id = ?",
            "journal_entries": "SELECT COUNT(*) FROM journal_entries JOIN members m ON m.id = member_id "
            "WHERE m.community_id = ?",
            "anonymous_shares": "SELECT COUNT(*) FROM anonymous_shares WHERE community_id = ? AND status = 'posted'",
        }
        return {name: int(await self.db.scalar(sql, (community_id,))) for name, sql in queries.items()}

    # --- privacy ----------------------------------------------------------------------------------------

    async def member_rows(
        self, community_id: int, member_id: int, author_link: str, user_id: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Every stored row that names the member in this community, table by table (``mydata export``).

        The same scope as ``delete_member``: a person in two communities has two separate records.
        """
        queries = {
            "members": ("SELECT * FROM members WHERE id = ?", (member_id,)),
            "lesson_progress": ("SELECT * FROM lesson_progress WHERE member_id = ?", (member_id,)),
            "quiz_attempts": ("SELECT * FROM quiz_attempts WHERE member_id = ?", (member_id,)),
            "reflection_results": ("SELECT * FROM reflection_results WHERE member_id = ?", (member_id,)),
            "journal_entries": ("SELECT * FROM journal_entries WHERE member_id = ?", (member_id,)),
            "anonymous_shares": ("SELECT * FROM anonymous_shares WHERE author = ?", (author_link,)),
            "share_blocks": ("SELECT * FROM share_blocks WHERE author = ?", (author_link,)),
            "moderators": (
                "SELECT * FROM moderators WHERE community_id = ? AND kind = 'user' AND ref = ?",
                (community_id, user_id),
            ),
            "schedules": (
                "SELECT * FROM schedules WHERE community_id = ? AND configured_by = ?",
                (community_id, user_id),
            ),
            "audit_log": ("SELECT * FROM audit_log WHERE community_id = ? AND actor_id = ?", (community_id, user_id)),
            "safety_responses": ("SELECT * FROM safety_responses WHERE member_link = ?", (author_link,)),
        }
        result: dict[str, list[dict[str, Any]]] = {}
        for table, (sql, params) in queries.items():
            rows = await self.db.fetchall(sql, params)
            result[table] = [dict(row) for row in rows]
        return result

    async def delete_member(self, member: MemberRow, author_link: str) -> None:
        """Remove every row that names the member; moderator records keep the change, not the name."""
        self.forget(member.community_id)
        self._members.pop((member.community_id, member.user_id), None)
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM members WHERE id = ?", (member.id,))  # cascades to their own rows
            await tx.execute("DELETE FROM anonymous_shares WHERE author = ?", (author_link,))
            await tx.execute("DELETE FROM share_blocks WHERE author = ?", (author_link,))
            await tx.execute("DELETE FROM safety_responses WHERE member_link = ?", (author_link,))
            await tx.execute(
                "DELETE FROM moderators WHERE community_id = ? AND kind = 'user' AND ref = ?",
                (member.community_id, member.user_id),
            )
            await tx.execute(
                "UPDATE schedules SET configured_by = NULL WHERE community_id = ? AND configured_by = ?",
                (member.community_id, member.user_id),
            )
            await tx.execute(
                "UPDATE audit_log SET actor_id = NULL WHERE community_id = ? AND actor_id = ?",
                (member.community_id, member.user_id),
            )

    # --- safety -------------------------------------------------------------------------------------

    async def claim_safety_response(
        self, community_id: int, member_link: str, now: datetime, due_before: datetime
    ) -> bool:
        """Record a support message for the member unless one went out after ``due_before``.

        One statement decides and records, so two crisis texts arriving together still get one reply.
        """
        changed = await self.db.execute(
            "INSERT INTO safety_responses (community_id, member_link, responded_at) VALUES (?, ?, ?) "
            "ON CONFLICT (community_id, member_link) DO UPDATE SET responded_at = excluded.responded_at "
            "WHERE safety_responses.responded_at <= ?",
            (community_id, member_link, _iso(now), _iso(due_before)),
        )
        return changed > 0

    async def reads_replies(self, community_id: int) -> bool:
        return bool(await self._setting(community_id, "read_replies"))

    async def set_read_replies(self, community_id: int, on: bool) -> None:
        self.forget(community_id)
        await self.db.execute("UPDATE communities SET read_replies = ? WHERE id = ?", (int(on), community_id))

    async def prompt_post_by_thread(self, community_id: int, channel_id: str, thread_id: str) -> PostRow | None:
        """The prompt post whose thread this is: only prompt threads have their replies read."""
        row = await self.db.fetchone(
            "SELECT * FROM posts WHERE community_id = ? AND kind = 'prompts' AND status = 'posted' "
            "AND channel_id = ? AND thread_id = ? ORDER BY id DESC LIMIT 1",
            (community_id, channel_id, thread_id),
        )
        return _post(row) if row else None

    async def share(self, share_id: int) -> ShareRow | None:
        row = await self.db.fetchone(
            "SELECT id, community_id, post_id, author, status, message_id FROM anonymous_shares WHERE id = ?",
            (share_id,),
        )
        return ShareRow(*row) if row else None

    async def share_posted(self, share_id: int, message_id: str) -> None:
        await self.db.execute(
            "UPDATE anonymous_shares SET status = 'posted', message_id = ? WHERE id = ?", (message_id, share_id)
        )

    async def forget_share(self, share_id: int) -> None:
        """Drop a share row whose post never went out."""
        await self.db.execute("DELETE FROM anonymous_shares WHERE id = ? AND status = 'held'", (share_id,))

    async def remove_share_and_block(self, share: ShareRow, now: datetime) -> bool:
        """Mark a posted share removed and block its author link; False if it was already removed."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE anonymous_shares SET status = 'removed' WHERE id = ? AND status = 'posted'", (share.id,)
            )
            await tx.execute(
                "INSERT INTO share_blocks (community_id, author, blocked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (community_id, author) DO NOTHING",
                (share.community_id, share.author, _iso(now)),
            )
        return changed > 0


@dataclass(frozen=True, slots=True)
class ShareRow:
    """An anonymous share: its author only as the keyed link, its text never stored."""

    id: int
    community_id: int
    post_id: int | None
    author: str
    status: str
    message_id: str | None
