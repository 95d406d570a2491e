"""A member command through the core, against one bare aiosqlite point query, in the same run."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

from bench.seed import SEED_NOW, Seeded
from bot.app import build_app
from bot.catalog import Catalog
from bot.clock import SimulatedClock
from bot.events import ButtonPress, ChannelRef, Command, Reply, UserRef
from bot.settings import Settings
from bot.testing import RecordingPlatform

__all__ = ["measure_commands", "percentile"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(samples, 0.50) * 1000, "p99_ms": percentile(samples, 0.99) * 1000}


async def _timed(count: int, make: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for index in range(count):
        started = time.perf_counter()
        await make(index)
        samples.append(time.perf_counter() - started)
    return samples


async def measure_commands(
    seeded: Seeded, catalog: Catalog, *, samples: int, seed_value: int = 11
) -> dict[str, object]:
    rng = random.Random(seed_value)
    platform = RecordingPlatform(name=seeded.platform)
    settings = Settings(SECUREBASE_DB=str(seeded.path))  # type: ignore[call-arg]
    app = await build_app(
        settings, {platform.name: platform}, clock=SimulatedClock(SEED_NOW), catalog=catalog, real_time=False
    )
    dispatcher = app.dispatcher

    def who(member: int) -> tuple[UserRef, ChannelRef]:
        community = 1 + (member - 1) % seeded.communities
        workspace = str(10_000_000 + community)
        return UserRef(seeded.platform, workspace, str(20_000_000 + member)), ChannelRef(
            seeded.platform, workspace, "c"
        )

    members = rng.sample(range(1, seeded.members + 1), samples)
    try:

        async def bare(index: int) -> object:
            return await app.db.fetchone("SELECT id, consented_at FROM members WHERE id = ?", (members[index],))

        async def command(name: str, index: int) -> Reply:
            user, channel = who(members[index])
            return await dispatcher.handle(Command(user, channel, name, {}))

        async def command_quiz(index: int) -> Reply:
            user, channel = who(members[index])
            return await dispatcher.handle(Command(user, channel, "quiz", {"name": "attachment-basics"}))

        async def answer(index: int) -> Reply:
            user, channel, action = pending[index]
            return await dispatcher.handle(ButtonPress(user, channel, action))

        def with_ratio(samples_: list[float], baseline: dict[str, float]) -> dict[str, float]:
            summary = _summary(samples_)
            summary["p99_ratio_to_bare"] = summary["p99_ms"] / baseline["p99_ms"]
            summary["p50_ratio_to_bare"] = summary["p50_ms"] / baseline["p50_ms"]
            return summary

        results: dict[str, object] = {}
        # "cold": each member's first command since the process started (their community's
        # configuration and their member row not yet cached).
        baseline = _summary(await _timed(samples, bare))
        results["bare_point_query_cold"] = baseline
        results["lesson_cold"] = with_ratio(await _timed(samples, lambda i: command("lesson", i)), baseline)
        # "warm": an active member's next commands (caches last CACHE_SECONDS).
        pending: list[tuple[UserRef, ChannelRef, str]] = []
        for index in range(samples):  # start one quiz each (not timed), to time one answer each
            started = await command_quiz(index)
            pending.append((*who(members[index]), started.messages[-1].buttons[0].action_id))
        baseline = _summary(await _timed(samples, bare))
        results["bare_point_query"] = baseline
        for name, run in (
            ("lesson", lambda i: command("lesson", i)),
            ("quiz_answer", answer),
            ("progress", lambda i: command("progress", i)),
        ):
            results[name] = with_ratio(await _timed(samples, run), baseline)
        return results
    finally:
        await app.close()
