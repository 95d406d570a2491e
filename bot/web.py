"""The bot's one HTTP server (aiohttp): ``/healthz`` here, ``/slack/events`` mounted by the
Slack adapter, ``/metrics`` beside them. One server, one port, in the bot's own loop."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

__all__ = ["HealthCheck", "WebServer"]

HealthCheck = Callable[[], Awaitable[dict[str, bool]]]
"""Returns each part's state, e.g. ``{"database": True, "scheduler": True, "discord": False}``."""


class WebServer:
    def __init__(self, host: str, port: int, health: HealthCheck) -> None:
        self.host = host
        self.port = port
        self._health = health
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)
        self._runner: web.AppRunner | None = None

    def add_route(
        self, method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> None:
        """Mount a handler (the Slack adapter's ``/slack/events``) before ``start``."""
        self.app.router.add_route(method, path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an OS-chosen port (tests): report the real one
            server = site._server
            sockets = getattr(server, "sockets", None) or []
            if sockets:
                self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        parts = await self._health()
        healthy = all(parts.values())
        body = {"status": "ok" if healthy else "unavailable", "parts": parts}
        return web.Response(status=200 if healthy else 503, text=json.dumps(body), content_type="application/json")
