"""A fake Slack on 127.0.0.1: the Web API methods the adapter calls, ``response_url`` targets,
file uploads and a Socket Mode websocket, recording every call for the tests to inspect.

It behaves like Slack where the adapter depends on it: ``chat.postMessage`` refuses channels
the bot is not in, history returns metadata only when asked, a queued fault (a 429 with
``Retry-After``) answers the next call of a method.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["Call", "FakeSlack", "Fault", "text_in"]

TEAM = "T0TEAM"
BOT_USER = "UBOT0001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Fault:
    status: int
    error: str
    headers: dict[str, str] = field(default_factory=dict)


def _json(data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(data), content_type="application/json", headers=headers)


def text_in(blocks: list[dict[str, Any]]) -> str:
    """Everything a person would read in ``blocks``."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"].get("text", ""))
        for item in block.get("fields") or []:
            parts.append(item.get("text", ""))
        for element in block.get("elements") or []:
            if isinstance(element.get("text"), dict):
                parts.append(element["text"].get("text", ""))
            elif isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


class FakeSlack:
    def __init__(self, *, rate_limit_per_second: float | None = None, open_channels: bool = False) -> None:
        """``rate_limit_per_second`` answers ``chat.postMessage`` beyond it with 429s (a sliding
        one-second window); ``open_channels`` lets the bot post in any channel (the benchmark)."""
        self.rate_limit = rate_limit_per_second
        self.rate_limited = 0
        self.open_channels = open_channels
        self._window: list[float] = []
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []
        """(response_url key, body) for every POST to a ``response_url``."""
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.uploads: dict[str, bytes] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.expired: set[str] = set()
        """``response_url`` keys that answer 404, as Slack does after 30 minutes or five uses."""
        self.socket_acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._sockets: list[web.WebSocketResponse] = []
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{key}", self._response)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/_fake/stats", self._stats)
        self._app = app

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{key}"

    # --- set-up helpers ------------------------------------------------------------------------

    def add_channel(self, channel_id: str, name: str, *, member: bool = True, archived: bool = False) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name, "is_member": member, "is_archived": archived}

    def fail(self, method: str, status: int = 429, error: str = "ratelimited", retry_after: str | None = "0") -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.faults.setdefault(method, []).append(Fault(status, error, headers))

    # --- inspection -----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What a benchmark needs to know: requests, 429s, top-level posts per channel."""
        return {
            "requests": len(self.calls_to("chat.postMessage")),
            "rate_limited": self.rate_limited,
            "cpu_seconds": time.process_time(),
            "posts": {channel: len(self.posts(channel)) for channel in self.messages if self.posts(channel)},
        }

    async def _stats(self, request: web.Request) -> web.Response:
        return _json(self.stats())

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def replies(self, key: str) -> list[dict[str, Any]]:
        return [body for k, body in self.responses if k == key]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in ``channel`` (not thread replies), oldest first."""
        return [m for m in self.messages.get(channel, []) if not m.get("thread_ts")]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == ts]

    # --- Web API ----------------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("view", "blocks", "metadata"):  # form-encoded calls carry these as JSON text
            if isinstance(args.get(key), str) and args[key]:
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call(method, args, auth.removeprefix("Bearer ") or None))
        if self.rate_limit and method == "chat.postMessage":
            now = time.monotonic()
            self._window = [t for t in self._window if now - t < 1.0]
            if len(self._window) >= self.rate_limit:
                self.rate_limited += 1
                retry = max(1, round(1.0 - (now - self._window[0])))
                return _json({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry)})
            self._window.append(now)
        queued = self.faults.get(method)
        if queued:
            fault = queued.pop(0)
            return _json({"ok": False, "error": fault.error}, fault.status, fault.headers)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"}, 404)
        result: dict[str, Any] = await handler(args)
        return _json(result)

    async def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "team_id": TEAM, "team": "Test team", "user_id": BOT_USER, "bot_id": "B0BOT", "user": "sb"}

    async def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = args.get("user", "")
        return {"ok": True, "user": {"id": user, "team_id": TEAM, **self.users.get(user, {})}}

    def _check_postable(self, channel: str) -> str | None:
        if channel.startswith("D") or self.open_channels:
            return None
        known = self.channels.get(channel)
        if known is None:
            return "channel_not_found"
        if known.get("is_archived"):
            return "is_archived"
        if not known.get("is_member"):
            return "not_in_channel"
        return None

    async def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        kept = [m for m in self.messages.get(channel, []) if m["ts"] != ts]
        if len(kept) == len(self.messages.get(channel, [])):
            return {"ok": False, "error": "message_not_found"}
        self.messages[channel] = kept
        return {"ok": True, "channel": channel, "ts": ts}

    async def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        error = self._check_postable(channel)
        if error:
            return {"ok": False, "error": error}
        ts = f"1700000000.{next(self._ts):06d}"
        message = {
            "type": "message",
            "ts": ts,
            "user": BOT_USER,
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
            "thread_ts": args.get("thread_ts"),
            "metadata": args.get("metadata"),
        }
        self.messages.setdefault(channel, []).append(message)
        if args.get("thread_ts"):
            for parent in self.messages[channel]:
                if parent["ts"] == args["thread_ts"]:
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    async def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._check_postable(str(args.get("channel", "")))
        if error:
            return {"ok": False, "error": error}
        return {"ok": True, "message_ts": f"1700000001.{next(self._ts):06d}"}

    async def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": {**args.get("view", {}), "id": f"V{next(self._ids)}"}}

    async def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {**args.get("view", {}), "id": f"V{next(self._ids)}"}}

    async def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).lstrip("UW")}}

    async def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        known = self.channels.get(str(args.get("channel", "")))
        if known is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": known}

    async def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        newest_first = list(reversed(self.posts(str(args.get("channel", "")))))
        messages = [
            {key: value for key, value in m.items() if key != "metadata" or with_metadata} for m in newest_first
        ]
        return {"ok": True, "messages": messages, "has_more": False}

    async def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):05d}"
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}

    async def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(args.get("files", "[]"))
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    async def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    # --- uploads, response_url, socket --------------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.uploads[request.match_info["file_id"]] = data
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _response(self, request: web.Request) -> web.Response:
        if request.match_info["key"] in self.expired:
            return web.Response(status=404, text="expired_url", content_type="text/plain")
        self.responses.append((request.match_info["key"], await request.json()))
        return web.Response(text="ok", content_type="text/plain")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await self.socket_acks.put(json.loads(frame.data))
        return ws

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        """Push an envelope (a slash command, an interaction) down the open Socket Mode connection."""
        for _ in range(100):
            if self._sockets and not self._sockets[-1].closed:
                await self._sockets[-1].send_str(json.dumps(envelope))
                return
            await asyncio.sleep(0.05)
        raise AssertionError("no Socket Mode connection")


async def _serve_forever(rate_limit: float | None, open_channels: bool) -> None:
    """Run a fake in its own process (the benchmark), until standard input closes."""
    import sys

    fake = FakeSlack(rate_limit_per_second=rate_limit, open_channels=open_channels)
    await fake.start()
    try:
        print(json.dumps({"port": fake.port, "api_url": fake.api_url}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await fake.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A fake Slack Web API on 127.0.0.1")
    parser.add_argument("--rate-limit", type=float, default=None)
    parser.add_argument("--open-channels", action="store_true")
    options = parser.parse_args()
    asyncio.run(_serve_forever(options.rate_limit, options.open_channels))
