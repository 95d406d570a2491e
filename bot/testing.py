"""``BotHarness``: drive the real core in-process, as a platform would.

Like errbot's ``testbot`` or httpx's mock transport, this is public: the project's own
tests use it, and so can anyone extending the bot. It wires the real app (SQLite,
content, services, dispatcher) around a recording platform and a simulated clock.

    async with BotHarness.start(tmp_path) as bot:
        reply = await bot.command("lesson pursuer-withdrawer")
        reply = await bot.press(reply, "Mark as done")
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App, build_app
from bot.catalog import Catalog
from bot.clock import SimulatedClock
from bot.errors import UserError
from bot.events import (
    Button,
    ButtonPress,
    ChannelRef,
    Command,
    FormSubmit,
    Message,
    MessagePosted,
    PostedRef,
    Reply,
    UserRef,
)
from bot.ports import PostFailed
from bot.services.posting import Outcome
from bot.settings import Settings

__all__ = ["BotHarness", "RecordingPlatform", "Sent", "find_button", "free_port", "text_of"]

PLATFORM = "test"
WORKSPACE = "w1"
DEFAULT_START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class Sent:
    """Something the core sent on its own: a post, a thread, or a direct message."""

    kind: str
    target: ChannelRef | UserRef
    message: Message | None = None
    name: str = ""


@dataclass
class RecordingPlatform:
    """A ``Platform`` that records what it is asked to do; channels are plain names."""

    name: str = PLATFORM
    command_prefix: str = "/"
    sent: list[Sent] = field(default_factory=list)
    missing_permission: set[str] = field(default_factory=set)
    faults: list[PostFailed] = field(default_factory=list)
    """Raised, in order, by the next ``post`` calls: inject 429s, 5xx and 403s."""
    attempts: int = 0
    undeletable: set[str] = field(default_factory=set)
    """Message ids that ``delete_message`` refuses, as a platform without the permission would."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, channel: ChannelRef, message: Message) -> PostedRef:
        self.attempts += 1
        if self.faults:
            raise self.faults.pop(0)
        self.sent.append(Sent("post", channel, message))
        return PostedRef(channel, f"m{next(self._ids)}")

    async def find_post(self, channel: ChannelRef, marker: str) -> PostedRef | None:
        for index, sent in enumerate(self.sent):
            if sent.kind == "post" and sent.message is not None and sent.message.marker == marker:
                return PostedRef(channel, f"found-{index}")
        return None

    async def open_thread(self, posted: PostedRef, name: str) -> ChannelRef:
        thread = ChannelRef(
            posted.channel.platform,
            posted.channel.workspace_id,
            posted.channel.channel_id,
            f"t{next(self._ids)}",
        )
        self.sent.append(Sent("thread", thread, name=name))
        return thread

    async def send_private(self, user: UserRef, message: Message) -> None:
        self.sent.append(Sent("dm", user, message))

    async def delete_message(self, channel: ChannelRef, message_id: str) -> None:
        if message_id in self.undeletable:
            raise PostFailed("missing permission: Manage Messages", lasting=True)
        self.sent.append(Sent("delete", channel, name=message_id))

    async def check_channel(self, workspace_id: str, channel_id: str) -> None:
        if channel_id in self.missing_permission:
            raise UserError(
                f"I can't post in #{channel_id}: I need the Send Messages and Create Public Threads permissions there."
            )

    def parse_channel(self, raw: str) -> str:
        name = raw.strip().lstrip("#")
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise UserError(f'Channels look like #reflections, got "{raw}".')
        return name

    def parse_users(self, raw: str) -> tuple[str, ...]:
        return tuple(word.lstrip("@") for word in raw.split())

    def channel_label(self, channel_id: str) -> str:
        return f"#{channel_id}"

    def posts(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.kind == "post"]


@dataclass
class BotHarness:
    app: App
    platform: RecordingPlatform
    clock: SimulatedClock
    user: str = "alex"
    admin: bool = False
    sleeps: list[float] = field(default_factory=list)
    """Back-off waits the posting service asked for (not slept: tests stay fast)."""

    @classmethod
    @asynccontextmanager
    async def start(
        cls,
        folder: Path,
        *,
        now: datetime = DEFAULT_START,
        catalog: Catalog | None = None,
        db_name: str = "securebase.db",
        platform: RecordingPlatform | None = None,
        catchup_hours: int = 24,
    ) -> AsyncIterator[BotHarness]:
        """A bot on a database in ``folder``; start it again on the same folder to simulate a restart."""
        settings = Settings(SECUREBASE_DB=str(folder / db_name), SECUREBASE_CATCHUP_HOURS=catchup_hours)  # type: ignore[call-arg]
        clock = SimulatedClock(now)
        platform = platform or RecordingPlatform()
        harness_sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            harness_sleeps.append(seconds)

        app = await build_app(
            settings, {platform.name: platform}, clock=clock, catalog=catalog, real_time=False, sleep=sleep
        )
        try:
            await app.start()
            yield cls(app, platform, clock, sleeps=harness_sleeps)
        finally:
            await app.close()

    async def advance(self, delta: timedelta) -> list[tuple[int, Outcome]]:
        """Move the clock, firing due occurrences in order, as APScheduler would in real time."""
        return await self.app.scheduler.advance(self.clock, delta)

    def as_(self, user: str, *, admin: bool = False) -> BotHarness:
        self.user, self.admin = user, admin
        return self

    @property
    def user_ref(self) -> UserRef:
        return UserRef(PLATFORM, WORKSPACE, self.user, self.user)

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef(PLATFORM, WORKSPACE, "general")

    async def command(self, line: str) -> Reply:
        """A command in the text grammar: ``setup prompts channel:#x day:monday …``."""
        return await self.app.dispatcher.handle_line(self.user_ref, self.channel, line, is_admin=self.admin)

    async def run(self, name: str, **args: str) -> Reply:
        """A command with structured options, as Discord delivers them."""
        return await self.app.dispatcher.handle(Command(self.user_ref, self.channel, name, args, is_admin=self.admin))

    async def press(self, reply: Reply | Message, label_or_index: str | int) -> Reply:
        """Press a button of the last message of ``reply`` that has buttons."""
        button = find_button(reply, label_or_index)
        return await self.press_id(button.action_id)

    async def press_id(self, action_id: str) -> Reply:
        return await self.app.dispatcher.handle(
            ButtonPress(self.user_ref, self.channel, action_id, is_admin=self.admin)
        )

    async def reply_in_thread(self, channel: ChannelRef, text: str, message_id: str | None = None) -> Reply | None:
        """A reply posted in a thread, as an adapter delivers it where the community reads replies."""
        return await self.app.dispatcher.handle_message(MessagePosted(self.user_ref, channel, text, message_id))

    async def submit(self, reply: Reply, **values: str) -> Reply:
        assert reply.form is not None, "that reply opened no form"
        return await self.app.dispatcher.handle(
            FormSubmit(self.user_ref, self.channel, reply.form.form_id, values, is_admin=self.admin)
        )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for servers started in subprocesses)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_button(reply: Reply | Message, label_or_index: str | int) -> Button:
    messages = reply.messages if isinstance(reply, Reply) else (reply,)
    with_buttons = [message for message in messages if message.buttons]
    assert with_buttons, f"no buttons in {reply!r}"
    buttons = with_buttons[-1].buttons
    if isinstance(label_or_index, int):
        return buttons[label_or_index - 1]
    for button in buttons:
        if button.label == label_or_index or button.label.startswith(label_or_index):
            return button
    raise AssertionError(f"no button {label_or_index!r} in {[b.label for b in buttons]}")


def text_of(reply: Reply) -> str:
    """Everything a person would read in ``reply``, for assertions."""
    parts = []
    for message in reply.messages:
        parts += [
            message.title,
            message.body,
            *(f"{f.name}: {f.value}" for f in message.fields),
            message.footer,
        ]
    return "\n".join(part for part in parts if part)
