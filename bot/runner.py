"""``securebase run`` with credentials: every configured platform in one process, with one
scheduler, one database and one HTTP server, until SIGTERM or SIGINT.

Shutdown order: stop taking commands (adapters stop), let in-flight posts finish (the
scheduler stops), close the database.
"""

from __future__ import annotations

import asyncio
import importlib
import signal
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from bot.app import App, build_app
from bot.metrics import CONTENT_TYPE
from bot.ports import Adapter
from bot.settings import Settings
from bot.web import WebServer

__all__ = ["health_parts", "make_adapters", "mount_web", "serve"]

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

    server = mount_web(app, adapters, settings.http_host, settings.http_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        for adapter in adapters:
            await adapter.start(app)  # adapters may mount routes on app.web before it starts
        await server.start()
        await app.start()
        log.info("ready", platforms=[adapter.name for adapter in adapters], port=server.port)
        await stop.wait()
        log.info("stopping")
    finally:
        for adapter in adapters:
            await adapter.stop()
        await server.stop()
        await app.close()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def mount_web(app: App, adapters: list[Adapter], host: str, port: int) -> WebServer:
    """The HTTP server with ``/healthz`` and ``/metrics``; adapters add their routes in ``start``."""

    async def health() -> dict[str, bool]:
        return await health_parts(app, adapters)

    server = WebServer(host, port, health)
    server.add_route("GET", "/metrics", _metrics_handler(app))
    app.web = server
    return server


async def health_parts(app: App, adapters: list[Adapter]) -> dict[str, bool]:
    """Each part's state: the database answers, the scheduler runs, every adapter is connected."""
    try:
        database = await app.db.scalar("SELECT 1") == 1
    except Exception:  # any failure to answer is "down"
        database = False
    parts = {"database": database, "scheduler": app.scheduler.running}
    parts.update({adapter.name: adapter.connected for adapter in adapters})
    return parts


def _metrics_handler(app: App) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=app.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    return metrics
