"""``securebase run`` with credentials: every configured platform in one process, with one
scheduler, one database and one HTTP server, until SIGTERM or SIGINT.

Shutdown order: stop taking commands (adapters stop), let in-flight posts finish (the
scheduler stops), close the database.
"""

from __future__ import annotations

import asyncio
import importlib
import signal

import structlog

from bot.app import App, build_app
from bot.ports import Adapter
from bot.settings import Settings
from bot.web import WebServer

__all__ = ["make_adapters", "serve"]

log = structlog.get_logger("securebase.run")


ADAPTERS = {"discord": "adapters.discord:DiscordAdapter", "slack": "adapters.slack:SlackAdapter"}
"""Where each platform's adapter lives; imported only when its credentials are set, so the core
never loads a platform library it does not use."""


def make_adapters(settings: Settings) -> list[Adapter]:
    """One adapter per platform whose credentials are set."""
    wanted = {"discord": settings.discord_enabled, "slack": settings.slack_enabled}
    adapters: list[Adapter] = []
    for name, enabled in wanted.items():
        if enabled:
            module, _, attribute = ADAPTERS[name].partition(":")
            factory = getattr(importlib.import_module(module), attribute)
            adapters.append(factory(settings))
    return adapters


async def serve(settings: Settings, adapters: list[Adapter]) -> None:
    app = await build_app(settings, {adapter.name: adapter for adapter in adapters}, real_time=True)

    async def health() -> dict[str, bool]:
        return await _health(app, adapters)

    web = WebServer(settings.http_host, settings.http_port, health)
    app.web = web
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        for adapter in adapters:
            await adapter.start(app)  # adapters may mount routes on app.web before it starts
        await web.start()
        await app.start()
        log.info("ready", platforms=[adapter.name for adapter in adapters], port=web.port)
        await stop.wait()
        log.info("stopping")
    finally:
        for adapter in adapters:
            await adapter.stop()
        await web.stop()
        await app.close()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def _health(app: App, adapters: list[Adapter]) -> dict[str, bool]:
    try:
        database = await app.db.scalar("SELECT 1") == 1
    except Exception:  # any failure to answer is "down"
        database = False
    parts = {"database": database, "scheduler": app.scheduler.running}
    parts.update({adapter.name: adapter.connected for adapter in adapters})
    return parts
