"""Weekly posting exactly once: DST, restarts, catch-up, two processes, faults.

All of it runs on a simulated clock through the real scheduler, ledger and SQLite; the
last test checks that APScheduler's real-time jobs reach the same ``tick``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.events import ChannelRef, UserRef
from bot.ports import PostFailed
from bot.services.posting import Outcome
from bot.testing import BotHarness, RecordingPlatform, text_of

WEEK = timedelta(days=7)


async def posted_local(bot: BotHarness, zone: str) -> list[str]:
    rows = await bot.app.db.fetchall(
        "SELECT occurrence FROM posts WHERE status = 'posted' AND occurrence NOT LIKE 'manual:%' ORDER BY occurrence"
    )
    tz = ZoneInfo(zone)
    return [datetime.fromisoformat(row[0]).astimezone(tz).strftime("%Y-%m-%d %a %H:%M %Z") for row in rows]


async def setup(bot: BotHarness, day: str, at: str, zone: str, what: str = "prompts") -> None:
    bot.as_("mia", admin=True)
    reply = await bot.command(f"setup {what} channel:#reflections day:{day} time:{at} timezone:{zone}")
    assert "saved" in text_of(reply), text_of(reply)


@pytest.mark.parametrize(
    ("zone", "day", "start", "expected"),
    [
        # Berlin springs forward 29 Mar 2026 and falls back 25 Oct 2026.
        ("Europe/Berlin", "sunday", datetime(2026, 3, 15, tzinfo=UTC), ["09:00 CET"] * 2 + ["09:00 CEST"] * 3),
        ("Europe/Berlin", "sunday", datetime(2026, 10, 11, tzinfo=UTC), ["09:00 CEST"] * 2 + ["09:00 CET"] * 3),
        # New York springs forward 8 Mar 2026 and falls back 1 Nov 2026.
        ("America/New_York", "sunday", datetime(2026, 2, 22, tzinfo=UTC), ["09:00 EST"] * 2 + ["09:00 EDT"] * 3),
        ("America/New_York", "sunday", datetime(2026, 10, 18, tzinfo=UTC), ["09:00 EDT"] * 2 + ["09:00 EST"] * 3),
        # Sydney falls back 5 Apr 2026 and springs forward 4 Oct 2026.
        ("Australia/Sydney", "sunday", datetime(2026, 3, 21, tzinfo=UTC), ["09:00 AEDT"] * 2 + ["09:00 AEST"] * 3),
        ("Australia/Sydney", "sunday", datetime(2026, 9, 19, tzinfo=UTC), ["09:00 AEST"] * 2 + ["09:00 AEDT"] * 3),
    ],
)
async def test_wall_clock_holds_across_both_transitions(
    tmp_path: Path, zone: str, day: str, start: datetime, expected: list[str]
) -> None:
    async with BotHarness.start(tmp_path, now=start) as bot:
        await setup(bot, day, "09:00", zone)
        await bot.advance(5 * WEEK)
        got = await posted_local(bot, zone)
        assert [text.split(" ", 2)[2] for text in got] == expected
        assert all(" Sun " in text for text in got)


@pytest.mark.parametrize(
    ("zone", "start", "at", "expected"),
    [
        ("Europe/Berlin", datetime(2026, 3, 27, tzinfo=UTC), "02:30", "2026-03-29 Sun 03:30 CEST"),
        ("America/New_York", datetime(2026, 3, 6, tzinfo=UTC), "02:30", "2026-03-08 Sun 03:30 EDT"),
        ("Australia/Sydney", datetime(2026, 10, 2, tzinfo=UTC), "02:30", "2026-10-04 Sun 03:30 AEDT"),
    ],
)
async def test_spring_forward_gap_posts_once_at_the_shifted_time(
    tmp_path: Path, zone: str, start: datetime, at: str, expected: str
) -> None:
    async with BotHarness.start(tmp_path, now=start) as bot:
        await setup(bot, "sunday", at, zone)
        await bot.advance(timedelta(days=3))
        assert await posted_local(bot, zone) == [expected]
        assert len(bot.platform.posts()) == 1


@pytest.mark.parametrize(
    ("zone", "start", "at"),
    [
        ("Europe/Berlin", datetime(2026, 10, 23, tzinfo=UTC), "02:30"),
        ("America/New_York", datetime(2026, 10, 30, tzinfo=UTC), "01:30"),
        ("Australia/Sydney", datetime(2026, 4, 3, tzinfo=UTC), "02:30"),
    ],
)
async def test_fall_back_overlap_posts_exactly_once(tmp_path: Path, zone: str, start: datetime, at: str) -> None:
    async with BotHarness.start(tmp_path, now=start) as bot:
        await setup(bot, "sunday", at, zone)
        await bot.advance(timedelta(days=3))
        # APScheduler would fire at both instances of the repeated hour: tick again an hour later.
        schedule = await bot.app.services.repo.schedule(1, "prompts")
        assert schedule is not None
        bot.clock.set(
            datetime.fromisoformat((await bot.app.services.repo.last_occurrence(1, "prompts")) or "")
            + timedelta(hours=1)
        )
        assert await bot.app.scheduler.tick(schedule) == []
        assert len(bot.platform.posts()) == 1


MONDAY_0900 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


async def _configured(folder: Path, platform: RecordingPlatform) -> None:
    async with BotHarness.start(folder, now=MONDAY_0900 - timedelta(days=1), platform=platform) as bot:
        await setup(bot, "monday", "09:00", "Europe/Berlin")


async def _statuses(bot: BotHarness) -> list[str]:
    rows = await bot.app.db.fetchall("SELECT status FROM posts ORDER BY occurrence")
    return [row[0] for row in rows]


async def test_down_across_one_occurrence_posts_once_late(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(hours=5), platform=platform) as bot:
        assert len(platform.posts()) == 1
        assert await _statuses(bot) == ["posted"]
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(hours=6), platform=platform) as bot:
        assert len(platform.posts()) == 1  # restart again: nothing new
        assert await _statuses(bot) == ["posted"]


async def test_down_across_three_occurrences_posts_one_and_skips_the_rest(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + 2 * WEEK + timedelta(hours=1), platform=platform) as bot:
        assert len(platform.posts()) == 1
        assert await _statuses(bot) == ["skipped", "skipped", "posted"]
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + 2 * WEEK + timedelta(hours=2), platform=platform) as bot:
        assert len(platform.posts()) == 1
        assert await _statuses(bot) == ["skipped", "skipped", "posted"]


async def test_down_longer_than_the_window_posts_nothing_and_records_all(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + 2 * WEEK + timedelta(hours=30), platform=platform) as bot:
        assert platform.posts() == []
        assert await _statuses(bot) == ["skipped", "skipped", "skipped"]
        errors = [row[0] for row in await bot.app.db.fetchall("SELECT error FROM posts ORDER BY occurrence")]
        assert errors == ["collapsed", "collapsed", "too late"]
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + 2 * WEEK + timedelta(hours=31), platform=platform) as bot:
        assert platform.posts() == []
        assert len(await _statuses(bot)) == 3
        await bot.advance(WEEK)  # and the schedule carries on next week
        assert len(platform.posts()) == 1


async def test_catchup_window_is_configurable(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(hours=3), platform=platform, catchup_hours=2):
        assert platform.posts() == []


async def test_two_instances_on_one_database_post_each_occurrence_once(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    start = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "America/Sao_Paulo"]
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    async with BotHarness.start(tmp_path, now=start, platform=platform) as first:
        for index, zone in enumerate(zones):
            mia = UserRef("test", f"w{index}", "mia")
            here = ChannelRef("test", f"w{index}", "general")
            for kind, day, at in (
                ("prompts", days[index], f"0{index}:15"),
                ("lessons", days[-index - 1], f"1{index}:45"),
            ):
                line = f"setup {kind} channel:#{kind}-{index} day:{day} time:{at} timezone:{zone}"
                assert "saved" in text_of(await first.app.dispatcher.handle_line(mia, here, line, is_admin=True))
        async with BotHarness.start(tmp_path, now=start, platform=platform) as second:
            await asyncio.gather(first.advance(WEEK), second.advance(WEEK))
            rows = await first.app.db.fetchall("SELECT status, COUNT(*) FROM posts GROUP BY status")
    assert {row[0]: row[1] for row in rows} == {"posted": 12}
    channels = [sent.target.channel_id for sent in platform.posts()]  # type: ignore[union-attr]
    assert len(channels) == 12 and len(set(channels)) == 12


async def test_passing_failures_are_retried_to_one_post(tmp_path: Path) -> None:
    platform = RecordingPlatform(
        faults=[PostFailed("429 rate limited", lasting=False, retry_after=2.5), PostFailed("502", lasting=False)]
    )
    async with BotHarness.start(tmp_path, now=MONDAY_0900 - timedelta(hours=1), platform=platform) as bot:
        await setup(bot, "monday", "09:00", "Europe/Berlin")
        assert await bot.advance(timedelta(hours=2)) == [(1, Outcome.POSTED)]
        assert len(platform.posts()) == 1 and platform.attempts == 3
        assert bot.sleeps[0] == 2.5 and 0.5 <= bot.sleeps[1] <= 3.0  # Retry-After honoured, then back-off
        assert await _statuses(bot) == ["posted"]


async def test_lasting_failure_pauses_and_tells_the_moderators(tmp_path: Path) -> None:
    platform = RecordingPlatform(faults=[PostFailed("I need the Send Messages permission there", lasting=True)])
    async with BotHarness.start(tmp_path, now=MONDAY_0900 - timedelta(hours=1), platform=platform) as bot:
        await setup(bot, "monday", "09:00", "Europe/Berlin")
        assert await bot.advance(timedelta(hours=2)) == [(1, Outcome.BLOCKED)]
        assert platform.attempts == 1  # a lasting failure is not retried
        told = [sent for sent in platform.sent if sent.kind == "dm"]
        assert len(told) == 1 and told[0].target.user_id == "mia"  # type: ignore[union-attr]
        assert told[0].message is not None
        assert "I paused the weekly reflection prompts because I couldn't post in #reflections" in told[0].message.body
        show = text_of(await bot.command("setup show"))
        assert "**paused** (I need the Send Messages permission there)" in show
        await bot.advance(WEEK)
        assert platform.posts() == []
        await bot.command("setup resume what:prompts")
        await bot.advance(WEEK)
        assert len(platform.posts()) == 1


async def test_alerts_channel_is_told_when_set(tmp_path: Path) -> None:
    platform = RecordingPlatform(faults=[PostFailed("the channel is gone", lasting=True)])
    async with BotHarness.start(tmp_path, now=MONDAY_0900 - timedelta(hours=1), platform=platform) as bot:
        await setup(bot, "monday", "09:00", "Europe/Berlin")
        await bot.command("setup safety alerts_channel:#mods")
        await bot.advance(timedelta(hours=2))
        (alert,) = platform.posts()
        assert alert.target.channel_id == "mods"  # type: ignore[union-attr]


async def test_claimed_but_unconfirmed_post_is_found_or_redone(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 - timedelta(hours=2), platform=platform) as bot:
        repo = bot.app.services.repo
        # A crash right after claiming: the claim stays, nothing was sent.
        await repo.claim_post(1, "prompts", "2026-11-30T08:00:00+00:00", "reflections", bot.clock.now())
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(minutes=20), platform=platform) as bot:
        assert len(platform.posts()) == 1  # released and posted once, late
        assert await _statuses(bot) == ["posted"]
        # A crash after sending, before confirming: found by its marker, not posted again.
        await bot.app.db.execute("UPDATE posts SET status = 'claimed', message_id = NULL")
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(hours=1), platform=platform) as bot:
        assert len(platform.posts()) == 1
        row = await bot.app.db.fetchone("SELECT status, message_id, thread_id FROM posts")
        assert row is not None and row[0] == "posted" and row[1].startswith("found-") and row[2]


async def test_a_fresh_claim_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    platform = RecordingPlatform()
    await _configured(tmp_path, platform)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 - timedelta(minutes=1), platform=platform) as bot:
        await bot.app.services.repo.claim_post(1, "prompts", "2026-11-30T08:00:00+00:00", "reflections", MONDAY_0900)
    async with BotHarness.start(tmp_path, now=MONDAY_0900 + timedelta(minutes=2), platform=platform) as bot:
        assert platform.posts() == []
        assert await _statuses(bot) == ["claimed"]


async def test_apscheduler_jobs_follow_schedule_changes(tmp_path: Path) -> None:
    """The real AsyncIOScheduler: one job per active schedule, re-armed on change, removed on pause."""
    from bot.app import build_app
    from bot.clock import SimulatedClock
    from bot.settings import Settings

    platform = RecordingPlatform()
    clock = SimulatedClock(MONDAY_0900 - timedelta(hours=1))
    settings = Settings(SECUREBASE_DB=str(tmp_path / "real.db"))  # type: ignore[call-arg]
    app = await build_app(settings, {"test": platform}, clock=clock, real_time=True)
    try:
        await app.start()
        assert app.scheduler.running
        user = UserRef("test", "w1", "mia")
        channel = ChannelRef("test", "w1", "general")
        await app.dispatcher.handle_line(
            user, channel, "setup prompts channel:#r day:monday time:09:00 timezone:Europe/Berlin", is_admin=True
        )
        jobs = app.scheduler.jobs()
        assert list(jobs) == [1]
        next_run = jobs[1]
        assert (
            next_run is not None and next_run.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") == "Mon 09:00"
        )
        await app.dispatcher.handle_line(user, channel, "setup prompts time:18:30", is_admin=True)
        moved = app.scheduler.jobs()[1]
        assert moved is not None and moved.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "18:30"
        await app.dispatcher.handle_line(user, channel, "setup pause prompts", is_admin=True)
        assert app.scheduler.jobs() == {}
        await app.dispatcher.handle_line(user, channel, "setup resume prompts", is_admin=True)
        assert list(app.scheduler.jobs()) == [1]
        # Fire the real job now, with the clock at the occurrence: it reaches the same tick.
        clock.set(datetime(2026, 11, 30, 17, 30, 5, tzinfo=UTC))
        assert app.scheduler._aps is not None
        (alarm,) = app.scheduler._aps.get_jobs()
        app.scheduler._aps.modify_job(alarm.id, next_run_time=datetime.now(UTC))
        for _ in range(100):
            if platform.posts():
                break
            await asyncio.sleep(0.02)
        assert len(platform.posts()) == 1
    finally:
        await app.close()


async def test_schedules_at_the_same_wall_clock_share_one_alarm(tmp_path: Path) -> None:
    """Thousands of communities posting on Monday at 18:00 Berlin are one job that fans out."""
    from bot.app import build_app
    from bot.clock import SimulatedClock
    from bot.settings import Settings

    platform = RecordingPlatform()
    clock = SimulatedClock(MONDAY_0900 - timedelta(hours=1))
    app = await build_app(Settings(SECUREBASE_DB=str(tmp_path / "a.db")), {"test": platform}, clock=clock)  # type: ignore[call-arg]
    try:
        await app.start()
        for workspace in ("w1", "w2", "w3"):
            line = "setup prompts channel:#r day:monday time:18:00 timezone:Europe/Berlin"
            await app.dispatcher.handle_line(
                UserRef("test", workspace, "mia"), ChannelRef("test", workspace, "g"), line, is_admin=True
            )
        assert app.scheduler._aps is not None
        assert len(app.scheduler._aps.get_jobs()) == 1 and len(app.scheduler.jobs()) == 3
        await app.dispatcher.handle_line(
            UserRef("test", "w3", "mia"), ChannelRef("test", "w3", "g"), "setup prompts time:19:00", is_admin=True
        )
        assert len(app.scheduler._aps.get_jobs()) == 2
        clock.set(datetime(2026, 11, 30, 17, 0, 5, tzinfo=UTC))  # 18:00 in Berlin
        (shared,) = [job for job in app.scheduler._aps.get_jobs() if "18:00" in job.id]
        app.scheduler._aps.modify_job(shared.id, next_run_time=datetime.now(UTC))
        for _ in range(100):
            if len(platform.posts()) == 2:
                break
            await asyncio.sleep(0.02)
        assert sorted(sent.target.workspace_id for sent in platform.posts()) == ["w1", "w2"]  # type: ignore[union-attr]
    finally:
        await app.close()
