"""``FakeDiscord``: a local Discord (REST and gateway) on 127.0.0.1 for tests and the benchmark.

Like httpx's mock transport, it ships with the adapter so anyone can test without the
internet. It speaks just enough of Discord's API v10 for discord.py 2.7: login, the
gateway (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatching events), command
sync, interaction callbacks and followups, channel messages, threads, DMs and history.
It records every request and can inject faults (429 with ``Via`` so discord.py retries,
5xx, 403) and enforce a rate limit. Facts it relies on are in ``shared/TESTING.md``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

__all__ = ["Call", "DiscordBot", "FakeDiscord", "Interaction", "discord_bot"]

JSON = dict[str, Any]
EPOCH_MS = 1420070400000
ALL_TEXT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 35) | (1 << 38)
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11


def snowflake(counter: itertools.count[int]) -> str:
    return str(((int(time.time() * 1000) - EPOCH_MS) << 22) + next(counter))


@dataclass
class Call:
    method: str
    path: str
    body: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Interaction:
    """One interaction sent to the bot and what the bot answered."""

    id: str
    token: str
    payload: JSON
    callback: JSON | None = None
    followups: list[JSON] = field(default_factory=list)
    edits: list[JSON] = field(default_factory=list)
    answered_at: float | None = None
    sent_at: float = 0.0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def callback_type(self) -> int:
        assert self.callback is not None
        return int(self.callback["type"])

    @property
    def messages(self) -> list[JSON]:
        """Every message the bot showed for this interaction, in order (callback, edits, followups)."""
        shown = []
        if self.callback and self.callback.get("data") and self.callback_type in (4, 7):
            shown.append(self.callback["data"])
        return shown + self.edits + self.followups

    def texts(self) -> str:
        parts: list[str] = []
        for message in self.messages:
            parts.append(str(message.get("content") or ""))
            for embed in message.get("embeds") or []:
                parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
                parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
                parts.append(str((embed.get("footer") or {}).get("text") or ""))
        return "\n".join(part for part in parts if part)

    def buttons(self, index: int = -1) -> list[tuple[str, str]]:
        """(label, custom_id) of the buttons on message ``index``."""
        message = self.messages[index]
        return [
            (str(button.get("label")), str(button["custom_id"]))
            for row in message.get("components") or []
            for button in row.get("components") or []
            if button.get("type") == 2
        ]


class FakeDiscord:
    def __init__(self, *, rate_limit_per_second: float | None = None, open_channels: bool = False) -> None:
        """``rate_limit_per_second`` answers channel posts beyond it with 429s (a sliding one-second
        window); ``open_channels`` accepts posts to any channel id (the benchmark's 10,000)."""
        self.open_channels = open_channels
        self._ids = itertools.count(1)
        self.application_id = "1000000000000000001"
        self.token = "MTAwMDAwMDAwMDAwMDAwMDAwMQ.fake.token"
        self.bot_user: JSON = _user(self.application_id, "Secure Base", bot=True)
        self.guild_id = "2000000000000000001"
        self.everyone_permissions = ALL_TEXT_PERMISSIONS
        self.channels: dict[str, JSON] = {}
        self.roles: dict[str, JSON] = {}
        self.calls: list[Call] = []
        self.messages: dict[str, list[JSON]] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.faults: list[tuple[re.Pattern[str], int, JSON, dict[str, str]]] = []
        self.delays: list[tuple[re.Pattern[str], float, asyncio.Event]] = []
        self.rate_limit = rate_limit_per_second
        self.rate_limited = 0
        self._window: list[float] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self._identified = asyncio.Event()
        self.synced = asyncio.Event()
        """Set when the bot has synced its commands."""
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.add_channel("general")
        self.add_channel("reflections")
        self.add_channel("mods")
        self.add_channel("locked", deny=SEND_MESSAGES)
        self.add_role("moderators")

    # --- set-up ------------------------------------------------------------------------

    def add_channel(self, name: str, *, deny: int = 0) -> str:
        channel_id = snowflake(self._ids)
        overwrites = [{"id": self.guild_id, "type": 0, "allow": "0", "deny": str(deny)}] if deny else []
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "guild_id": self.guild_id,
            "name": name,
            "position": len(self.channels),
            "permission_overwrites": overwrites,
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        self.messages[channel_id] = []
        return channel_id

    def add_role(self, name: str) -> str:
        role_id = snowflake(self._ids)
        self.roles[role_id] = _role(role_id, name, 0)
        return role_id

    def channel_id(self, name: str) -> str:
        return next(cid for cid, channel in self.channels.items() if channel.get("name") == name)

    def fail_next(self, method: str, path: str, status: int, *, body: JSON | None = None, via: bool = True) -> None:
        """The next request matching ``METHOD path-regex`` gets ``status``.

        429s carry ``Via`` (discord.py retries only then) and a short ``retry_after``."""
        headers = {"Via": "1.1 google"} if via else {}
        if status == 429:
            body = body or {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
            headers["Retry-After"] = "0.05"
        self.faults.append((re.compile(f"^{method} {path}$"), status, body or {"message": "fault", "code": 0}, headers))

    def delay_next(self, method: str, path: str, seconds: float) -> asyncio.Event:
        """Hold the next matching request ``seconds`` before answering; the event is set when it arrives."""
        arrived = asyncio.Event()
        self.delays.append((re.compile(f"^{method} {path}$"), seconds, arrived))
        return arrived

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- server ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def wait_identified(self) -> None:
        await asyncio.wait_for(self._identified.wait(), 10)

    # --- gateway -------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await socket.send_json({"op": 11})
            elif message["op"] in (2, 6):
                await self._send(socket, "READY", self._ready())
                await self._send(socket, "GUILD_CREATE", self._guild())
                self._identified.set()
        self._sockets.remove(socket)
        return socket

    async def _send(self, socket: web.WebSocketResponse, event: str, data: JSON) -> None:
        await socket.send_json({"op": 0, "t": event, "s": next(self._sequence), "d": data})

    async def dispatch(self, event: str, data: JSON) -> None:
        for socket in self._sockets:
            await self._send(socket, event, data)

    def _ready(self) -> JSON:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "shard": [0, 1],
        }

    def _guild(self) -> JSON:
        everyone = _role(self.guild_id, "@everyone", self.everyone_permissions)
        return {
            "id": self.guild_id,
            "name": "Support circle",
            "icon": None,
            "owner_id": "42",
            "roles": [everyone, *self.roles.values()],
            "channels": list(self.channels.values()),
            "threads": [],
            "members": [
                {
                    "user": self.bot_user,
                    "roles": [],
                    "joined_at": "2026-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "member_count": 3,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "unavailable": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }

    # --- interactions --------------------------------------------------------------------

    def member(self, user_id: str, *, manage_guild: bool = False, roles: tuple[str, ...] = ()) -> JSON:
        permissions = self.everyone_permissions | (MANAGE_GUILD if manage_guild else 0)
        return {
            "user": _user(user_id, f"user{user_id[-3:]}"),
            "roles": list(roles),
            "permissions": str(permissions),
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def _interaction(self, kind: int, data: JSON, member: JSON, channel: str, message: JSON | None) -> Interaction:
        interaction_id = snowflake(self._ids)
        token = f"tok{interaction_id}"
        payload: JSON = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": kind,
            "token": token,
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": data,
            "guild_id": self.guild_id,
            "channel_id": channel,
            "channel": {"id": channel, "type": 0, "guild_id": self.guild_id, "name": "x"},
            "member": member,
            "app_permissions": str(self.everyone_permissions),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
        }
        if message is not None:
            payload["message"] = message
        record = Interaction(interaction_id, token, payload)
        self.interactions[interaction_id] = record
        self.interactions[token] = record
        return record

    async def send(self, record: Interaction, *, wait: bool = True) -> Interaction:
        record.sent_at = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", record.payload)
        if wait:
            await asyncio.wait_for(record.done.wait(), 10)
            await asyncio.sleep(0.05)  # followups after a deferral or a modal arrive just after
        return record

    async def slash(
        self,
        name: str,
        options: JSON | None = None,
        *,
        member: JSON,
        channel: str | None = None,
        wait: bool = True,
    ) -> Interaction:
        """``/name`` or ``/setup sub`` with ``options`` (channel options given as channel ids)."""
        group, _, sub = name.partition(" ")
        resolved: JSON = {}
        opts = []
        for key, value in (options or {}).items():
            if key.endswith("channel") and str(value) in self.channels:
                opts.append({"name": key, "type": 7, "value": str(value)})
                resolved.setdefault("channels", {})[str(value)] = {**self.channels[str(value)], "permissions": "0"}
            elif key == "role":
                opts.append({"name": key, "type": 8, "value": str(value)})
                resolved.setdefault("roles", {})[str(value)] = self.roles[str(value)]
            elif isinstance(value, bool):
                opts.append({"name": key, "type": 5, "value": value})
            else:
                opts.append({"name": key, "type": 3, "value": str(value)})
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        command = self._command_id(group)
        data: JSON = {"id": command, "name": group, "type": 1, "options": opts, "guild_id": self.guild_id}
        if resolved:
            data["resolved"] = resolved
        record = self._interaction(2, data, member, channel or self.channel_id("general"), None)
        return await self.send(record, wait=wait)

    async def autocomplete(self, name: str, option: str, typed: str, *, member: JSON) -> list[JSON]:
        group, _, sub = name.partition(" ")
        focused = [{"name": option, "type": 3, "value": typed, "focused": True}]
        opts = [{"name": sub, "type": 1, "options": focused}] if sub else focused
        data = {"id": self._command_id(group), "name": group, "type": 1, "options": opts}
        record = self._interaction(4, data, member, self.channel_id("general"), None)
        await self.send(record)
        assert record.callback is not None and record.callback["type"] == 8
        return list(record.callback["data"]["choices"])

    async def press(self, shown: JSON, custom_id: str, *, member: JSON, channel: str | None = None) -> Interaction:
        """Press a button of a message the bot showed (from ``Interaction.messages`` or a channel)."""
        message = {**_message_defaults(self.bot_user), **shown}
        message.setdefault("id", snowflake(self._ids))
        message.setdefault("channel_id", channel or self.channel_id("general"))
        data = {"custom_id": custom_id, "component_type": 2}
        record = self._interaction(3, data, member, str(message["channel_id"]), message)
        return await self.send(record)

    async def submit(self, modal: JSON, values: dict[str, str], *, member: JSON) -> Interaction:
        """Submit a modal the bot opened (an interaction callback of type 9) with ``values``."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]} for key, value in values.items()
        ]
        data = {"custom_id": modal["custom_id"], "components": rows}
        record = self._interaction(5, data, member, self.channel_id("general"), None)
        return await self.send(record)

    async def say(self, channel: str, content: str, *, member: JSON) -> None:
        """A member writes ``content`` in ``channel`` (a thread): a MESSAGE_CREATE on the gateway."""
        author = member["user"]
        message = {
            **_message_defaults(author),
            "id": snowflake(self._ids),
            "channel_id": channel,
            "guild_id": self.guild_id,
            "content": content,
            "member": {key: value for key, value in member.items() if key != "user"},
        }
        self.messages.setdefault(channel, []).append(message)
        await self.dispatch("MESSAGE_CREATE", message)

    def _command_id(self, name: str) -> str:
        for synced in self.commands.values():
            for command in synced:
                if command["name"] == name:
                    return str(command["id"])
        return snowflake(self._ids)

    # --- REST ------------------------------------------------------------------------------

    def stats(self) -> JSON:
        """What a benchmark needs to know: requests, 429s, posts per channel."""
        channel_posts = [c for c in self.calls if c.method == "POST" and c.path.startswith("/channels/")]
        return {
            "requests": len(channel_posts),
            "rate_limited": self.rate_limited,
            "cpu_seconds": time.process_time(),
            "posts": {channel: len(messages) for channel, messages in self.messages.items() if messages},
        }

    async def _stats(self, request: web.Request) -> web.Response:
        return _json(self.stats())

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        self.calls.append(Call(request.method, path, body, files))
        key = f"{request.method} {path}"
        for index, (pattern, seconds, arrived) in enumerate(self.delays):
            if pattern.match(key):
                del self.delays[index]
                arrived.set()
                await asyncio.sleep(seconds)
                break
        for index, (pattern, status, payload, headers) in enumerate(self.faults):
            if pattern.match(key):
                del self.faults[index]
                return _json(payload, status, headers)
        if self.rate_limit and path.startswith("/channels/") and request.method == "POST":
            limited = self._limit()
            if limited is not None:
                return limited
        for method, route, handler in self._routes():
            match = re.fullmatch(route, path)
            if match and method == request.method:
                return await handler(request, body, files, *match.groups())
        return _json({"message": f"404: Not Found {key}", "code": 0}, 404)

    def _limit(self) -> web.Response | None:
        """A sliding one-second window: beyond the limit, a 429 that discord.py will honour and retry."""
        assert self.rate_limit is not None
        now = time.monotonic()
        self._window = [t for t in self._window if now - t < 1.0]
        if len(self._window) >= self.rate_limit:
            self.rate_limited += 1
            retry = max(0.001, 1.0 - (now - self._window[0]))
            return _json(
                {"message": "You are being rate limited.", "retry_after": retry, "global": False},
                429,
                {"Via": "1.1 google", "Retry-After": f"{retry:.3f}", "X-RateLimit-Scope": "user"},
            )
        self._window.append(now)
        return None

    def _routes(self) -> list[tuple[str, str, Callable[..., Awaitable[web.Response]]]]:
        return [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", self._gateway_bot),
            ("GET", r"/gateway", self._gateway_bot),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync_guild),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("POST", r"/channels/(\d+)/messages", self._post),
            ("GET", r"/channels/(\d+)/messages", self._history),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete),
            ("GET", r"/channels/(\d+)", self._channel),
            ("GET", r"/users/(\d+)", self._user),
            ("POST", r"/users/@me/channels", self._dm),
        ]

    async def _me(self, *_: Any) -> web.Response:
        return _json(self.bot_user)

    async def _application(self, *_: Any) -> web.Response:
        return _json(
            {
                "id": self.application_id,
                "name": "Secure Base",
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.bot_user,
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
            }
        )

    async def _gateway_bot(self, *_: Any) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
            }
        )

    async def _sync(self, request: web.Request, body: Any, files: Any, app_id: str) -> web.Response:
        return await self._store_commands("global", body)

    async def _sync_guild(self, request: web.Request, body: Any, files: Any, app_id: str, guild: str) -> web.Response:
        return await self._store_commands(guild, body)

    async def _store_commands(self, scope: str, body: Any) -> web.Response:
        stored = []
        for command in body:
            stored.append(
                {
                    **command,
                    "id": snowflake(self._ids),
                    "application_id": self.application_id,
                    "version": "1",
                    "type": command.get("type", 1),
                    "default_member_permissions": command.get("default_member_permissions"),
                }
            )
        self.commands[scope] = stored
        self.synced.set()
        return _json(stored)

    async def _callback(self, request: web.Request, body: Any, files: Any, iid: str, token: str) -> web.Response:
        record = self.interactions.get(iid)
        response_type = int(body["type"])
        data = body.get("data") or {}
        message: JSON | None = None
        if record is not None:
            record.callback = body
            record.answered_at = time.perf_counter()
            if response_type in (4, 5, 7):
                message = self._message(str(record.payload["channel_id"]), data, flags=data.get("flags", 0))
                message["interaction_files"] = [name for name, _ in files]
                if response_type == 4:
                    record.callback["data"] = {**data, "id": message["id"], "files": [name for name, _ in files]}
            record.done.set()
        result: JSON = {
            "interaction": {
                "id": iid,
                "type": record.payload["type"] if record else 2,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": response_type == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            }
        }
        if message is not None:
            result["resource"] = {"type": response_type, "message": message}
        return _json(result)

    async def _followup(self, request: web.Request, body: Any, files: Any, app: str, token: str) -> web.Response:
        record = self.interactions.get(token)
        channel = str(record.payload["channel_id"]) if record else self.channel_id("general")
        message = self._message(channel, body, flags=body.get("flags", 0))
        message["files"] = [name for name, _ in files]
        if record is not None:
            record.followups.append({**body, "id": message["id"], "files": message["files"]})
        return _json(message)

    async def _edit_original(self, request: web.Request, body: Any, files: Any, app: str, token: str) -> web.Response:
        record = self.interactions.get(token)
        channel = str(record.payload["channel_id"]) if record else self.channel_id("general")
        message = self._message(channel, body, store=False)
        if record is not None:
            record.edits.append({**body, "files": [name for name, _ in files]})
        return _json(message)

    def _message(self, channel: str, body: JSON, *, flags: int = 0, store: bool = True) -> JSON:
        message = {
            **_message_defaults(self.bot_user),
            "id": snowflake(self._ids),
            "channel_id": channel,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "flags": flags,
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if store and not flags & 64:
            self.messages.setdefault(channel, []).append(message)
        return message

    async def _post(self, request: web.Request, body: Any, files: Any, channel: str) -> web.Response:
        if channel not in self.channels and channel not in self.messages and not self.open_channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        message = self._message(channel, body)
        message["files"] = [name for name, _ in files]
        return _json(message)

    async def _history(self, request: web.Request, body: Any, files: Any, channel: str) -> web.Response:
        limit = int(request.query.get("limit", "50"))
        return _json(list(reversed(self.messages.get(channel, [])))[:limit])

    async def _thread(self, request: web.Request, body: Any, files: Any, channel: str, message: str) -> web.Response:
        thread_id = snowflake(self._ids)
        thread = {
            "id": thread_id,
            "type": 11,
            "guild_id": self.guild_id,
            "parent_id": channel,
            "name": body["name"],
            "owner_id": self.application_id,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": "2026-01-01T00:00:00+00:00",
                "locked": False,
            },
        }
        self.channels[thread_id] = thread
        self.messages[thread_id] = []
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        for posted in self.messages.get(channel, []):
            if posted["id"] == message:
                posted["thread"] = thread
        return _json(thread)

    async def _delete(self, request: web.Request, body: Any, files: Any, channel: str, message: str) -> web.Response:
        kept = [m for m in self.messages.get(channel, []) if m["id"] != message]
        if len(kept) == len(self.messages.get(channel, [])):
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        self.messages[channel] = kept
        return web.Response(status=204)

    async def _channel(self, request: web.Request, body: Any, files: Any, channel: str) -> web.Response:
        if channel not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(self.channels[channel])

    async def _user(self, request: web.Request, body: Any, files: Any, user: str) -> web.Response:
        return _json(_user(user, f"user{user[-3:]}"))

    async def _dm(self, request: web.Request, body: Any, files: Any) -> web.Response:
        dm_id = snowflake(self._ids)
        self.channels[dm_id] = {"id": dm_id, "type": 1, "recipients": [_user(body["recipient_id"], "member")]}
        self.messages[dm_id] = []
        return _json(self.channels[dm_id])

    def posts(self, channel_name: str) -> list[JSON]:
        return self.messages.get(self.channel_id(channel_name), [])

    def dms(self) -> list[JSON]:
        return [m for cid, ms in self.messages.items() if self.channels.get(cid, {}).get("type") == 1 for m in ms]


def _user(user_id: str, name: str, *, bot: bool = False) -> JSON:
    return {"id": user_id, "username": name, "discriminator": "0", "avatar": None, "global_name": name, "bot": bot}


def _role(role_id: str, name: str, permissions: int) -> JSON:
    return {
        "id": role_id,
        "name": name,
        "permissions": str(permissions),
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def _message_defaults(author: JSON) -> JSON:
    return {
        "author": author,
        "content": "",
        "timestamp": "2026-11-30T09:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Discord's exact ``Content-Type``: discord.py compares it literally (no charset)."""
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    if request.content_type == "multipart/form-data":
        body: Any = {}
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append((part.filename or "", bytes(await part.read())))  # type: ignore[union-attr]
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []


@dataclass
class DiscordBot:
    """The real app and the real discord.py client, connected to a ``FakeDiscord``."""

    fake: FakeDiscord
    adapter: Any
    app: Any
    admin: JSON
    member: JSON
    sleeps: list[float]


@asynccontextmanager
async def discord_bot(
    fake: FakeDiscord, db: Path, clock: Any = None, *, read_replies: bool = False
) -> AsyncIterator[DiscordBot]:
    """Start the adapter and the core on ``db`` against ``fake``; stop both after.

    The retry back-off is recorded, not slept, so fault tests stay fast. discord.py's
    process-wide REST base and gateway URL are restored afterwards.
    """
    import discord
    from discord.gateway import DiscordWebSocket

    from adapters.discord.adapter import DiscordAdapter
    from bot.app import build_app
    from bot.settings import Settings

    base, gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    settings = Settings(  # type: ignore[call-arg]
        SECUREBASE_DB=str(db),
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_READ_REPLIES=read_replies,
    )
    adapter = DiscordAdapter(settings, guild_ready_timeout=0.05)
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    app = await build_app(settings, {"discord": adapter}, clock=clock, real_time=clock is None, sleep=record_sleep)
    try:
        await adapter.start(app)
        await app.start()
        admin = fake.member("300000000000000001", manage_guild=True)
        yield DiscordBot(fake, adapter, app, admin, fake.member("300000000000000002"), sleeps)
    finally:
        await adapter.stop()
        await app.close()
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def _serve_forever(rate_limit: float | None, open_channels: bool) -> None:
    """Run a fake in its own process (the benchmark), until standard input closes."""
    import sys

    async with FakeDiscord(rate_limit_per_second=rate_limit, open_channels=open_channels) as fake:
        print(json.dumps({"port": fake.port, "token": fake.token}), flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A fake Discord on 127.0.0.1")
    parser.add_argument("--rate-limit", type=float, default=None)
    parser.add_argument("--open-channels", action="store_true")
    options = parser.parse_args()
    asyncio.run(_serve_forever(options.rate_limit, options.open_channels))
