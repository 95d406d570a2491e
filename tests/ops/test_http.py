"""``/healthz`` and ``/metrics`` on the bot's own HTTP server."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App, build_app
from bot.clock import SimulatedClock
from bot.events import ChannelRef, UserRef
from bot.runner import mount_web
from bot.settings import Settings
from bot.testing import DEFAULT_START, RecordingPlatform
from bot.web import WebServer


@dataclass
class ToggleAdapter(RecordingPlatform):
    """A recording platform whose connection can be cut, as an adapter would report it."""

    connected: bool = True

    async def start(self, app: App) -> None:
        return None

    async def stop(self) -> None:
        return None


@dataclass
class Served:
    app: App
    adapter: ToggleAdapter
    server: WebServer

    async def get(self, path: str) -> tuple[int, Any]:
        url = f"http://127.0.0.1:{self.server.port}{path}"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            body = await (response.json() if path == "/healthz" else response.text())
            return response.status, body


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    adapter = ToggleAdapter(name="discord")
    settings = Settings(SECUREBASE_DB=str(tmp_path / "h.db"))  # type: ignore[call-arg]
    app = await build_app(settings, {"discord": adapter}, clock=SimulatedClock(DEFAULT_START), real_time=False)
    server = mount_web(app, [adapter], "127.0.0.1", 0)
    await server.start()
    await app.start()
    try:
        yield Served(app, adapter, server)
    finally:
        await server.stop()
        await app.close()


async def test_healthz_reports_each_part_and_recovers(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    assert await served.get("/healthz") == (
        200,
        {"status": "ok", "parts": {"database": True, "scheduler": True, "discord": True}},
    )
    served.adapter.connected = False
    status, body = await served.get("/healthz")
    assert status == 503 and body["status"] == "unavailable" and body["parts"]["discord"] is False
    served.adapter.connected = True

    async def unreachable(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(served.app.db, "scalar", unreachable)
    status, body = await served.get("/healthz")
    assert status == 503 and body["parts"] == {"database": False, "scheduler": True, "discord": True}
    monkeypatch.undo()
    assert (await served.get("/healthz"))[0] == 200


async def test_metrics_parse_and_count_commands_without_member_text(served: Served) -> None:
    user, channel = UserRef("discord", "g1", "u1"), ChannelRef("discord", "g1", "c1")
    await served.app.dispatcher.handle_line(user, channel, "lesson")
    await served.app.dispatcher.handle_line(user, channel, "lesson bananas-and-secrets")
    status, text = await served.get("/metrics")
    assert status == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    ok = ("securebase_commands_total", (("command", "lesson"), ("outcome", "ok"), ("platform", "discord")))
    refused = ("securebase_commands_total", (("command", "lesson"), ("outcome", "refused"), ("platform", "discord")))
    assert samples[ok] == 1 and samples[refused] == 1
    assert samples[("securebase_command_seconds_count", (("platform", "discord"),))] == 2
    assert "bananas" not in text and "secrets" not in text
    for name in (
        "securebase_posts",
        "securebase_post_retries",
        "securebase_schedule_lag_seconds",
        "securebase_crisis_responses",
    ):
        assert f"# HELP {name}" in text, name
