"""Drive the real Bolt app over HTTP as Slack would: signed slash commands, block actions,
view submissions and events, each timed from request to acknowledgement."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.slack import SlackAdapter
from adapters.slack.testing import TEAM, FakeSlack, text_in
from bot.app import App, build_app
from bot.clock import SimulatedClock
from bot.settings import Settings
from bot.web import WebServer

__all__ = ["SECRET", "TOKEN", "Acked", "SlackBot", "running_bot", "sign", "slack_settings"]

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday
MEMBER = "UMEMBER01"
ADMIN = "UADMIN001"
GENERAL = "CGENERAL01"


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: ``v0=HMAC_SHA256(secret, "v0:{ts}:{body}")``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slack_settings(db: Path, fake: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "SECUREBASE_DB": str(db),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        **extra,
    }
    return Settings(**values)


@dataclass(frozen=True)
class Acked:
    """Bolt's HTTP answer and how long it took: what Slack's 3-second clock measures."""

    status: int
    body: str
    seconds: float
    response_url: str = ""
    key: str = ""


@dataclass
class SlackBot:
    app: App
    adapter: SlackAdapter
    web: WebServer
    fake: FakeSlack
    session: aiohttp.ClientSession
    acks: list[float] = field(default_factory=list)
    _keys: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.web.port}/slack/events"

    async def send(
        self, body: str, content_type: str, *, headers: dict[str, str] | None = None, wait: bool = True
    ) -> tuple[int, str, float]:
        started = time.perf_counter()
        async with self.session.post(
            self.events_url,
            data=body.encode(),
            headers={"Content-Type": content_type, **(headers if headers is not None else sign(body))},
        ) as response:
            text = await response.text()
            elapsed = time.perf_counter() - started
        if wait:
            await self.adapter.idle()
        return response.status, text, elapsed

    def _key(self) -> str:
        return f"r{next(self._keys)}"

    async def command(
        self,
        text: str,
        *,
        user: str = MEMBER,
        channel: str = GENERAL,
        headers: dict[str, str] | None = None,
        slash: str = "/securebase",
    ) -> Acked:
        key = self._key()
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": slash,
            "text": text,
            "api_app_id": "A0APP",
            "response_url": self.fake.response_url(key),
            "trigger_id": f"trigger-{key}",
        }
        body = urlencode(form)
        status, answer, seconds = await self.send(body, "application/x-www-form-urlencoded", headers=headers)
        self.acks.append(seconds)
        return Acked(status, answer, seconds, self.fake.response_url(key), key)

    async def _interaction(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        body = urlencode({"payload": json.dumps(payload)})
        status, answer, seconds = await self.send(body, "application/x-www-form-urlencoded")
        self.acks.append(seconds)
        return status, answer, seconds

    async def press(self, value: str, *, user: str = MEMBER, channel: str | None = GENERAL) -> Acked:
        """A block_actions payload for a button whose ``value`` is ``value`` (the core's action id)."""
        key = self._key()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0APP",
            "trigger_id": f"trigger-{key}",
            "response_url": self.fake.response_url(key),
            "container": {"type": "message", "message_ts": "1.0", "channel_id": channel, "is_ephemeral": True},
            "actions": [
                {
                    "type": "button",
                    "action_id": "securebase:1",
                    "block_id": "b1",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        if channel:
            payload["channel"] = {"id": channel, "name": "general"}
        else:  # a press on the App Home tab: no channel, no response_url
            payload["container"] = {"type": "view", "view_id": "V0HOME"}
            del payload["response_url"]
        status, answer, seconds = await self._interaction(payload)
        return Acked(status, answer, seconds, payload.get("response_url", ""), key)

    async def submit(self, view: dict[str, Any], values: dict[str, str], *, user: str = MEMBER) -> Acked:
        """A view_submission of the modal ``view`` (as sent to ``views.open``) with ``values`` typed in."""
        state = {
            block["block_id"]: {"value": {"type": "plain_text_input", "value": values.get(block["block_id"])}}
            for block in view["blocks"]
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "test"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0APP",
            "trigger_id": "trigger-submit",
            "view": {
                "id": "V0MODAL",
                "type": "modal",
                "team_id": TEAM,
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
                "state": {"values": state},
            },
        }
        status, answer, seconds = await self._interaction(payload)
        return Acked(status, answer, seconds)

    async def event(self, event: dict[str, Any]) -> Acked:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0APP",
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{next(self._keys)}",
                "event_time": int(time.time()),
            }
        )
        status, answer, seconds = await self.send(body, "application/json")
        return Acked(status, answer, seconds)

    # --- reading answers ------------------------------------------------------------------------

    def replies(self, acked: Acked) -> list[dict[str, Any]]:
        return self.fake.replies(acked.key)

    def said(self, acked: Acked) -> str:
        """Everything the bot answered through this interaction's ``response_url``."""
        return "\n".join(text_in(body.get("blocks") or []) or body.get("text", "") for body in self.replies(acked))

    def buttons(self, acked: Acked) -> dict[str, str]:
        """Label → value of every button in the answers, the last message's winning."""
        found: dict[str, str] = {}
        for body in self.replies(acked):
            for block in body.get("blocks") or []:
                if block.get("type") == "actions":
                    for element in block["elements"]:
                        found[element["text"]["text"]] = element["value"]
        return found

    def button(self, acked: Acked, label: str) -> str:
        buttons = self.buttons(acked)
        for name, value in buttons.items():
            if name == label or name.startswith(label):
                return value
        raise AssertionError(f"no button {label!r} in {list(buttons)}")

    def last_modal(self) -> dict[str, Any]:
        opened = self.fake.calls_to("views.open")
        assert opened, "no modal was opened"
        view: dict[str, Any] = opened[-1].args["view"]
        return view


@asynccontextmanager
async def running_bot(folder: Path, fake: FakeSlack, **extra: Any) -> AsyncIterator[SlackBot]:
    """The real app (SQLite in ``folder``) with the Slack adapter served on 127.0.0.1; start it
    again on the same folder to simulate a restart."""
    settings = slack_settings(folder / "securebase.db", fake, **extra)
    adapter = SlackAdapter(settings)

    async def no_sleep(seconds: float) -> None:
        return None

    app = await build_app(settings, {"slack": adapter}, clock=SimulatedClock(START), real_time=False, sleep=no_sleep)

    async def health() -> dict[str, bool]:
        return {"database": True, "slack": adapter.connected}

    web = WebServer("127.0.0.1", 0, health)
    app.web = web
    try:
        await adapter.start(app)
        await web.start()
        await app.start()
        async with aiohttp.ClientSession() as session:
            yield SlackBot(app, adapter, web, fake, session)
    finally:
        await adapter.stop()
        await web.stop()
        await app.close()
