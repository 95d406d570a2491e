"""The weekly fan-out: every community's prompt due at once, posted through a real adapter
(discord.py or slack-bolt) to a local fake that enforces a rate limit."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench.seed import SEED_NOW, seed
from bot.app import build_app
from bot.catalog import Catalog
from bot.clock import SimulatedClock
from bot.runner import mount_web
from bot.settings import Settings

__all__ = ["measure_fanout"]

PACE_SHARE = 0.95
"""The adapter paces itself at this share of the fake's limit; with its burst (3 % of the rate)
no second can exceed the limit."""


def _same_time(path: Path, platform: str) -> None:
    """Every community's prompt at Monday 09:00 UTC, lessons off, channel ids the platform accepts."""
    con = sqlite3.connect(path)
    with con:
        channel = "CAST(30000000 + community_id AS TEXT)" if platform == "discord" else "'C' || community_id"
        con.execute(
            f"UPDATE schedules SET weekday = 0, local_time = '09:00', timezone = 'UTC', channel_id = {channel} "
            "WHERE kind = 'prompts'"
        )
        con.execute("UPDATE schedules SET enabled = 0 WHERE kind = 'lessons'")
        con.execute("UPDATE communities SET platform = ?", (platform,))
    con.close()


async def measure_fanout(
    folder: Path, catalog: Catalog, *, platform: str, communities: int, limit: float
) -> dict[str, Any]:
    path = folder / f"fanout-{platform}.db"
    seed(path, catalog, communities=communities, members=communities, platform=platform)
    _same_time(path, platform)
    clock = SimulatedClock(SEED_NOW + timedelta(seconds=1))  # just after Monday 09:00 UTC
    pace = limit * PACE_SHARE
    if platform == "discord":
        return await _discord(path, catalog, clock, communities, limit, pace)
    return await _slack(path, catalog, clock, communities, limit, pace)


CPU: dict[str, float] = {}


async def _run(app: Any) -> tuple[float, list[Any]]:
    started, cpu = time.perf_counter(), time.process_time()
    results = await app.scheduler.run_due()
    elapsed = time.perf_counter() - started
    CPU["share"] = (time.process_time() - cpu) / elapsed
    return elapsed, results


@asynccontextmanager
async def fake_process(module: str, limit: float) -> AsyncIterator[dict[str, Any]]:
    """A fake platform in its own process, as a real platform would be: it does not share our CPU."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--rate-limit",
        str(limit),
        "--open-channels",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    line = await asyncio.wait_for(process.stdout.readline(), 30)
    info: dict[str, Any] = json.loads(line)
    try:
        yield info
    finally:
        process.stdin.close()
        await asyncio.wait_for(process.wait(), 30)


async def _stats(port: int) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/_fake/stats") as response:
        stats: dict[str, Any] = await response.json()
        return stats


def _figures(
    elapsed: float,
    before: dict[str, Any],
    after: dict[str, Any],
    limit: float,
    communities: int,
    outcomes: list[Any],
    wanted: Callable[[str], bool],
) -> dict[str, Any]:
    requests = after["requests"] - before["requests"]
    refused = after["rate_limited"] - before["rate_limited"]
    accepted = requests - refused
    posts = {channel: count for channel, count in after["posts"].items() if wanted(channel)}
    return {
        "communities": communities,
        "limit_per_second": limit,
        "seconds": round(elapsed, 2),
        "requests": requests,
        "throughput_per_second": round(accepted / elapsed, 1),
        "throughput_share_of_limit": round(accepted / elapsed / limit, 3),
        "rate_limited_429": refused,
        "share_429": round(refused / max(1, requests), 4),
        "posted_channels": len(posts),
        "duplicates": sum(count - 1 for count in posts.values() if count > 1),
        "missing": communities - len(posts),
        "outcomes": dict(Counter(str(outcome.value) for _, outcome in outcomes)),
        "fake_cpu_share": round((after["cpu_seconds"] - before["cpu_seconds"]) / elapsed, 2),
        "bot_cpu_share": round(CPU["share"], 2),
    }


async def _discord(
    path: Path, catalog: Catalog, clock: SimulatedClock, communities: int, limit: float, pace: float
) -> dict[str, Any]:
    import discord
    from discord.gateway import DiscordWebSocket

    from adapters.discord import DiscordAdapter

    base, gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with fake_process("adapters.discord.testing", limit) as fake:
        settings = Settings(  # type: ignore[call-arg]
            SECUREBASE_DB=str(path),
            DISCORD_TOKEN=fake["token"],
            DISCORD_API_BASE=f"http://127.0.0.1:{fake['port']}/api/v10",
            DISCORD_REQUESTS_PER_SECOND=pace,
        )
        adapter = DiscordAdapter(settings, guild_ready_timeout=0.05)
        app = await build_app(settings, {"discord": adapter}, clock=clock, catalog=catalog, real_time=False)
        try:
            await adapter.start(app)
            before = await _stats(fake["port"])
            elapsed, outcomes = await _run(app)
            after = await _stats(fake["port"])
        finally:
            await adapter.stop()
            await app.close()
            discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway
    return _figures(
        elapsed, before, after, limit, communities, outcomes, lambda c: c.isdigit() and int(c) >= 30_000_000
    )


async def _slack(
    path: Path, catalog: Catalog, clock: SimulatedClock, communities: int, limit: float, pace: float
) -> dict[str, Any]:
    from adapters.slack import SlackAdapter

    async with fake_process("adapters.slack.testing", limit) as fake:
        settings = Settings(  # type: ignore[call-arg]
            SECUREBASE_DB=str(path),
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET="bench-secret",
            SLACK_API_URL=fake["api_url"],
            SLACK_REQUESTS_PER_SECOND=pace,
        )
        adapter = SlackAdapter(settings)
        app = await build_app(settings, {"slack": adapter}, clock=clock, catalog=catalog, real_time=False)
        server = mount_web(app, [adapter], "127.0.0.1", 0)
        try:
            await adapter.start(app)
            await server.start()
            before = await _stats(fake["port"])
            elapsed, outcomes = await _run(app)
            after = await _stats(fake["port"])
        finally:
            await adapter.stop()
            await server.stop()
            await app.close()
    return _figures(elapsed, before, after, limit, communities, outcomes, lambda c: c.startswith("C"))
