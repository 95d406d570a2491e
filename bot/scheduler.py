"""Weekly posting, exactly once: APScheduler wakes us, the posts ledger decides.

APScheduler 3 (``AsyncIOScheduler`` + ``CronTrigger`` in the community's time zone) is the
alarm clock: one job per active schedule, replaced when the schedule changes. It fires
twice in a fall-back overlap and forgets runs missed while the bot was down, so it
decides nothing. Every wake-up, the catch-up at start and the console's ``advance`` run
the same ``tick``, which works out from the ledger which occurrences are owed:

* occurrences are the schedule's wall-clock times (``bot.schedule_times``) after the
  later of the schedule's last change and the newest occurrence in the ledger;
* the newest one owed is posted if it is within the catch-up window (late, after a
  restart); every older one, and a newest one beyond the window, is recorded as skipped,
  so several missed weeks collapse into one post;
* posting claims the occurrence in the ledger first (a UNIQUE row), so a second job, a
  restart or a second process on the same database posts nothing.

A post claimed but never confirmed (a crash between sending and recording) is resolved
at start, once its claim is older than ``CLAIM_GRACE`` (so a live process's in-flight
post is left alone): the platform's channel history is searched for the post's marker;
found, it is confirmed; surely absent, the claim is released and the occurrence is
decided afresh by the ordinary rule above.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock, SimulatedClock
from bot.events import ChannelRef
from bot.metrics import Metrics
from bot.ports import Platform
from bot.schedule_times import occurrences_between
from bot.services.posting import Outcome, PostingService, post_marker
from bot.storage.repository import CommunityRow, Repository, ScheduleRow

__all__ = ["CLAIM_GRACE", "Scheduler", "TickResult"]

log = structlog.get_logger("securebase.scheduler")

CLAIM_GRACE = timedelta(minutes=10)
"""Longer than any post with all its retries takes."""


def occurrence_key(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


TickResult = list[tuple[int, Outcome]]


class Scheduler:
    def __init__(
        self,
        repo: Repository,
        posting: PostingService,
        platforms: dict[str, Platform],
        clock: Clock,
        *,
        catchup: timedelta,
        real_time: bool,
        metrics: Metrics,
    ) -> None:
        self._repo = repo
        self._posting = posting
        self._platforms = platforms
        self._clock = clock
        self._catchup = catchup
        self._metrics = metrics
        self._aps: AsyncIOScheduler | None = (
            AsyncIOScheduler(
                timezone=UTC,
                job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
            if real_time
            else None
        )
        self._inflight: set[asyncio.Task[Any]] = set()
        self._armed: dict[WallClock, set[int]] = {}
        """Which schedules each alarm wakes: one APScheduler job per distinct wall-clock time."""
        self._alarm_of: dict[int, WallClock] = {}

    @property
    def running(self) -> bool:
        return self._aps is None or self._aps.running

    async def start(self) -> TickResult:
        """Resolve unconfirmed posts, catch up what was missed, then arm the alarms."""
        await self.recover()
        results = await self.run_due()
        schedules = await self._repo.active_schedules()
        if self._aps is not None:
            for schedule in schedules:
                self._arm(schedule)
            self._aps.start()
        log.info("scheduler_started", schedules=len(schedules), caught_up=len(results))
        return results

    async def stop(self, grace: float = 8.0) -> None:
        """Stop waking up, and give posts already under way ``grace`` seconds to finish and be recorded."""
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        pending = {task for task in self._inflight if not task.done()}
        if pending:
            log.info("waiting_for_posts", count=len(pending))
            await asyncio.wait(pending, timeout=grace)

    def schedule_changed(self, schedule: ScheduleRow) -> None:
        """Move the schedule to the alarm of its (new) time, or off every alarm if it is paused or off;
        called after every change a moderator makes."""
        if self._aps is None:
            return
        self._disarm(schedule.id)
        if schedule.active:
            self._arm(schedule)

    def jobs(self) -> dict[int, datetime | None]:
        """Each armed schedule's next wake-up (for tests and ``/healthz``)."""
        if self._aps is None:
            return {}
        result = {}
        for alarm, schedule_ids in self._armed.items():
            job = self._aps.get_job(_job_id(alarm))
            for schedule_id in schedule_ids:
                result[schedule_id] = job.next_run_time if job else None
        return result

    def _arm(self, schedule: ScheduleRow) -> None:
        """Schedules at the same wall-clock time share one alarm: thousands of communities posting
        on Monday at 18:00 Berlin time are one job that fans out, not thousands of jobs."""
        assert self._aps is not None
        alarm = WallClock(schedule.weekday, schedule.local_time, schedule.timezone)
        self._alarm_of[schedule.id] = alarm
        waking = self._armed.setdefault(alarm, set())
        waking.add(schedule.id)
        if len(waking) == 1:
            at = time.fromisoformat(alarm.local_time)
            trigger = CronTrigger(day_of_week=alarm.weekday, hour=at.hour, minute=at.minute, timezone=_zone(alarm.zone))
            self._aps.add_job(self._fire, trigger, args=[alarm], id=_job_id(alarm), replace_existing=True)

    def _disarm(self, schedule_id: int) -> None:
        assert self._aps is not None
        alarm = self._alarm_of.pop(schedule_id, None)
        if alarm is None:
            return
        waking = self._armed[alarm]
        waking.discard(schedule_id)
        if not waking:
            del self._armed[alarm]
            if self._aps.get_job(_job_id(alarm)):
                self._aps.remove_job(_job_id(alarm))

    async def _fire(self, alarm: WallClock) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await self._run(await self._repo.schedules_by_id(self._armed.get(alarm, set())))
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def run_due(self) -> TickResult:
        """Tick every active schedule at the clock's ``now`` (at start, and for a weekly fan-out).

        The ledger is read once for all schedules; only those owed something do more work, and
        they run concurrently (the posting service bounds how many posts are under way).
        """
        return await self._run(await self._repo.active_schedules())

    async def _run(self, schedules: list[ScheduleRow]) -> TickResult:
        now = self._clock.now()
        last = await self._repo.last_occurrences()
        owing = []
        for schedule in schedules:
            if not schedule.active:
                continue
            owed = self._owed_since(schedule, last.get((schedule.community_id, schedule.kind)), now)
            if owed:
                owing.append((schedule, owed))
        communities = await self._repo.communities_by_id({schedule.community_id for schedule, _ in owing})
        due = [self._settle(schedule, owed, now, communities[schedule.community_id]) for schedule, owed in owing]
        results: TickResult = []
        for outcome in await asyncio.gather(*due):
            results += outcome
        return results

    async def tick(self, schedule: ScheduleRow) -> TickResult:
        """Post the newest owed occurrence of ``schedule`` (if within the window); skip the rest."""
        if not schedule.active:
            return []
        now = self._clock.now()
        last = await self._repo.last_occurrence(schedule.community_id, schedule.kind)
        owed = self._owed_since(schedule, last, now)
        if not owed:
            return []
        community = await self._repo.community_by_id(schedule.community_id)
        assert community is not None
        return await self._settle(schedule, owed, now, community)

    async def _settle(
        self, schedule: ScheduleRow, owed: list[datetime], now: datetime, community: CommunityRow
    ) -> TickResult:
        newest, older = owed[-1], owed[:-1]
        for moment in older:
            await self._repo.skip_occurrence(community.id, schedule.kind, occurrence_key(moment), "collapsed", now)
        if newest < now - self._catchup:
            await self._repo.skip_occurrence(community.id, schedule.kind, occurrence_key(newest), "too late", now)
            log.info("occurrence_skipped", schedule_id=schedule.id, missed=len(owed))
            return []
        posted = await self._posting.publish(community, schedule, occurrence_key(newest))
        if posted.outcome is Outcome.POSTED:
            self._metrics.schedule_lag.observe(max(0.0, (self._clock.now() - newest).total_seconds()))
        elif posted.outcome is Outcome.BLOCKED:
            await self._block(schedule, posted.reason)
        elif posted.outcome is Outcome.FAILED:
            label = self._platforms[community.platform].channel_label(schedule.channel_id)
            await self._posting.tell_moderators(
                community,
                schedule,
                f"I couldn't post this week's {schedule.kind[:-1]} in {label}: the platform kept failing "
                f"({posted.reason}). Try setup post-now what:{schedule.kind[:-1]} in a little while.",
            )
        return [(schedule.id, posted.outcome)]

    @staticmethod
    def _owed_since(schedule: ScheduleRow, last: str | None, now: datetime) -> list[datetime]:
        """Occurrences after the later of the schedule's last change and its newest ledger entry."""
        since = datetime.fromisoformat(schedule.updated_at)
        if last is not None:
            since = max(since, datetime.fromisoformat(last))
        at = time.fromisoformat(schedule.local_time)
        return occurrences_between(schedule.weekday, at, _zone(schedule.timezone), since, now)

    async def _block(self, schedule: ScheduleRow, reason: str) -> None:
        """A lasting failure: pause the schedule, record why, and tell the moderators what to fix."""
        community = await self._repo.community_by_id(schedule.community_id)
        assert community is not None
        paused = await self._repo.set_paused(community.id, schedule.kind, True, reason, self._clock.now())
        if paused is not None:
            self.schedule_changed(paused)
        label = self._platforms[community.platform].channel_label(schedule.channel_id)
        noun = "reflection prompts" if schedule.kind == "prompts" else "lessons"
        await self._posting.tell_moderators(
            community,
            schedule,
            f"I paused the weekly {noun} because I couldn't post in {label}: {reason}. "
            f"Once that is fixed, restart them with setup resume what:{schedule.kind}.",
        )
        log.warning("schedule_paused", schedule_id=schedule.id, reason=reason)

    async def recover(self) -> int:
        """Resolve posts claimed but never confirmed (see the module docstring); returns how many."""
        stale = await self._repo.unconfirmed_posts(self._clock.now() - CLAIM_GRACE)
        for post in stale:
            community = await self._repo.community_by_id(post.community_id)
            platform = self._platforms.get(community.platform) if community else None
            if community is None or platform is None or post.channel_id is None:
                continue
            channel = ChannelRef(community.platform, community.workspace_id, post.channel_id)
            found = await platform.find_post(channel, post_marker(post.id))
            if found is not None:
                await self._posting.confirm_found(post.id, post.kind, found)
                log.info("post_recovered", post_id=post.id, found=True)
            else:
                await self._repo.release_claim(post.id)
                log.info("post_recovered", post_id=post.id, found=False)
        return len(stale)

    async def advance(self, clock: SimulatedClock, delta: timedelta) -> TickResult:
        """Move a simulated clock forward, firing each due occurrence at its own moment, in order.

        This is what APScheduler does in real time; the console and the tests use it.
        """
        end = clock.now() + delta
        results: TickResult = []
        while True:
            upcoming = await self._next_due(clock.now(), end)
            if upcoming is None:
                break
            moment, schedule_id = upcoming
            clock.set(moment)
            schedule = await self._repo.schedule_by_id(schedule_id)
            if schedule is not None:
                results += await self.tick(schedule)
        clock.set(end)
        return results

    async def _next_due(self, start: datetime, end: datetime) -> tuple[datetime, int] | None:
        best: tuple[datetime, int] | None = None
        for schedule in await self._repo.active_schedules():
            at = time.fromisoformat(schedule.local_time)
            moments = occurrences_between(schedule.weekday, at, ZoneInfo(schedule.timezone), start, end)
            if moments and (best is None or moments[0] < best[0]):
                best = (moments[0], schedule.id)
        return best


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class WallClock(NamedTuple):
    """A weekly wall-clock time in a zone: what an alarm is set for."""

    weekday: int
    local_time: str
    zone: str

    @classmethod
    def of(cls, schedule: ScheduleRow) -> WallClock:
        return cls(schedule.weekday, schedule.local_time, schedule.timezone)


def _job_id(alarm: WallClock) -> str:
    return f"alarm:{alarm.weekday}:{alarm.local_time}:{alarm.zone}"
