"""The console adapter: the whole bot in a terminal, with a simulated clock.

It speaks the Slack grammar without the prefix (``/lesson pursuer-withdrawer``) plus a few
words of its own: ``press``, ``submit``, ``as``, ``advance``, ``quit`` and ``#`` comments.
Every message prints with a header naming where it went; buttons print as ``[1] Label``;
files (the self-reflection picture, data exports) are saved and their path printed.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.app import App, build_app
from bot.clock import Clock, SimulatedClock
from bot.errors import UserError
from bot.events import Button, ButtonPress, ChannelRef, Form, FormSubmit, Message, PostedRef, Reply, UserRef
from bot.settings import Settings

__all__ = ["ConsolePlatform", "ConsoleSession", "parse_duration"]

WORKSPACE = "demo"
HOME_CHANNEL = "general"
_CHANNEL = re.compile(r"^#?([a-z0-9][a-z0-9_-]{0,79})$")
_USER = re.compile(r"^@?([a-z0-9][a-z0-9_.-]{0,31})$")
_DURATION = re.compile(r"^(\d+)\s*([dhm])$")


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise UserError(f'advance needs a duration such as 7d, 3h or 30m, got "{text}".')
    amount, unit = int(match.group(1)), match.group(2)
    return {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[unit]


@dataclass
class _Shown:
    """A message with buttons, and who can press them (``None``: everyone in the channel)."""

    audience: str | None
    buttons: tuple[Button, ...]
    channel: ChannelRef


class ConsolePlatform:
    """The ``Platform`` port for a terminal: posts are printed, channels are ``#names``."""

    name = "console"
    command_prefix = "/"

    def __init__(self, out: TextIO, files_dir: Path, clock: Clock) -> None:
        self._out = out
        self._files_dir = files_dir
        self._clock = clock
        self._ids = itertools.count(1)
        self.shown: list[_Shown] = []

    # --- the port ---------------------------------------------------------------------

    async def post(self, channel: ChannelRef, message: Message) -> PostedRef:
        where = f"#{channel.channel_id}" + (f" › thread {channel.thread_id}" if channel.thread_id else "")
        where += f" · {self._clock.now():%a %d %b %H:%M} UTC"
        self.print_message(message, where, audience=None, channel=channel)
        return PostedRef(channel, f"m{next(self._ids)}")

    async def open_thread(self, posted: PostedRef, name: str) -> ChannelRef:
        thread_id = f"t{next(self._ids)}"
        self._write(f"── #{posted.channel.channel_id} › thread {thread_id} “{name}” opened ──")
        return ChannelRef(posted.channel.platform, posted.channel.workspace_id, posted.channel.channel_id, thread_id)

    async def send_private(self, user: UserRef, message: Message) -> None:
        self.print_message(
            message,
            f"direct message to {user.user_id}",
            audience=user.user_id,
            channel=ChannelRef(self.name, user.workspace_id, f"dm-{user.user_id}"),
        )

    async def delete_message(self, channel: ChannelRef, message_id: str) -> None:
        where = f"#{channel.channel_id}" + (f" › thread {channel.thread_id}" if channel.thread_id else "")
        self._write(f"── {where}: message {message_id} deleted ──")

    async def check_channel(self, workspace_id: str, channel_id: str) -> None:
        return None

    async def find_post(self, channel: ChannelRef, marker: str) -> PostedRef | None:
        return None  # the console keeps no history across runs: a post not confirmed was not shown

    def parse_channel(self, raw: str) -> str:
        match = _CHANNEL.match(raw.strip().lower())
        if not match:
            raise UserError(f'Channels look like #reflections (letters, digits, - and _), got "{raw}".')
        return match.group(1)

    def parse_users(self, raw: str) -> tuple[str, ...]:
        names = []
        for word in raw.replace(",", " ").split():
            match = _USER.match(word.lower())
            if not match:
                raise UserError(f'Name members like @sam, got "{word}".')
            names.append(match.group(1))
        return tuple(dict.fromkeys(names))

    def channel_label(self, channel_id: str) -> str:
        return f"#{channel_id}"

    # --- printing ----------------------------------------------------------------------

    def print_message(self, message: Message, where: str, *, audience: str | None, channel: ChannelRef) -> None:
        lines = [f"── {where} ──"]
        if message.title:
            lines.append(message.title)
        if message.body:
            lines.append(message.body)
        lines += [f"{f.name}: {f.value}" for f in message.fields]
        for attachment in message.files:
            path = self._save(attachment.filename, attachment.data)
            kind = "picture" if attachment.filename == message.image else "file"
            lines.append(f"({kind} saved: {path})")
        if message.buttons:
            lines.append("   ".join(f"[{i}] {b.label}" for i, b in enumerate(message.buttons, start=1)))
            self.shown.append(_Shown(audience, message.buttons, channel))
        if message.footer:
            lines.append(f"ⓘ {message.footer}")
        self._write(_plain_mentions("\n".join(lines)))

    def print_form(self, form: Form, user: str) -> None:
        fields = "; ".join(f"{f.key}={'…' if f.required else '(optional)'}" for f in form.fields)
        labels = "\n".join(f"  {f.key}: {f.label}" for f in form.fields)
        self._write(f"── form for {user}: {form.title} ──\n{labels}\nFill it in with: submit {fields}")

    def _save(self, filename: str, data: bytes) -> Path:
        self._files_dir.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = filename.rpartition(".")
        path = self._files_dir / f"{stem}-{next(self._ids)}{dot}{suffix}"
        path.write_bytes(data)
        return path

    def _write(self, text: str) -> None:
        self._out.write(text + "\n\n")
        self._out.flush()


@dataclass
class _Actor:
    name: str
    moderator: bool


@dataclass
class ConsoleSession:
    """Reads console lines and drives the real core through the dispatcher."""

    app: App
    platform: ConsolePlatform
    clock: SimulatedClock
    out: TextIO
    actor: _Actor = field(default_factory=lambda: _Actor("alex", True))
    forms: dict[str, Form] = field(default_factory=dict)

    @property
    def user(self) -> UserRef:
        return UserRef("console", WORKSPACE, self.actor.name, self.actor.name)

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef("console", WORKSPACE, HOME_CHANNEL)

    async def run(self, lines: Iterable[str], *, echo: bool) -> None:
        for line in lines:
            if echo:
                self.out.write(f"{self.actor.name}> {line.rstrip()}\n")
            if not await self.run_line(line):
                return

    async def run_line(self, line: str) -> bool:
        """Handle one line; ``False`` means the session should end."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word, _, rest = text.partition(" ")
        word = word.lower()
        try:
            if word in ("quit", "exit"):
                return False
            if word == "as":
                self._become(rest)
            elif word == "press":
                await self._press(rest)
            elif word == "submit":
                await self._submit(rest)
            elif word == "advance":
                await self._advance(rest)
            elif text.startswith("/"):
                reply = await self.app.dispatcher.handle_line(
                    self.user, self.channel, text, is_admin=self.actor.moderator
                )
                self.show(reply)
            else:
                raise UserError(
                    f'I don\'t understand "{_clip(text)}". Commands start with / (try /help); '
                    "or use press, submit, as, advance, quit."
                )
        except UserError as problem:
            self.note(problem.message)
        return True

    def show(self, reply: Reply) -> None:
        if reply.form is not None:
            self.forms[self.actor.name] = reply.form
            self.platform.print_form(reply.form, self.actor.name)
        for message in reply.messages:
            where = f"private to {self.actor.name}" if message.private else f"#{HOME_CHANNEL}"
            audience = self.actor.name if message.private else None
            self.platform.print_message(message, where, audience=audience, channel=self.channel)

    def note(self, text: str) -> None:
        self.out.write(f"── private to {self.actor.name} ──\n{text}\n\n")
        self.out.flush()

    def _become(self, rest: str) -> None:
        words = rest.lower().split()
        if not words or not _USER.match(words[0]) or words[1:] not in ([], ["mod"]):
            raise UserError('Use "as sam" to act as a member, or "as mia mod" for a moderator.')
        self.actor = _Actor(words[0].lstrip("@"), moderator=words[1:] == ["mod"])
        role = "a moderator" if self.actor.moderator else "a member"
        self.out.write(f"── you are now {self.actor.name} ({role}) ──\n\n")

    async def _press(self, rest: str) -> None:
        visible = [shown for shown in self.platform.shown if shown.audience in (None, self.actor.name)]
        if not visible:
            raise UserError("There are no buttons to press yet: run a command first, e.g. /lesson.")
        shown = visible[-1]
        choice = rest.strip()
        button: Button | None = None
        if choice.isdigit() and 1 <= int(choice) <= len(shown.buttons):
            button = shown.buttons[int(choice) - 1]
        else:
            button = next((b for b in shown.buttons if b.label.casefold() == choice.casefold()), None)
        if button is None:
            labels = ", ".join(f"{i} ({b.label})" for i, b in enumerate(shown.buttons, start=1))
            raise UserError(f'No button "{choice}" on the last message. Press one of: {labels}.')
        event = ButtonPress(self.user, shown.channel, button.action_id, is_admin=self.actor.moderator)
        self.show(await self.app.dispatcher.handle(event))

    async def _submit(self, rest: str) -> None:
        form = self.forms.get(self.actor.name)
        if form is None:
            raise UserError("There is no open form: open one first, e.g. /journal then press Write an entry.")
        values: dict[str, str] = {}
        keys = {f.key for f in form.fields}
        for part in rest.split(";"):
            if not part.strip():
                continue
            key, eq, value = part.partition("=")
            key = key.strip()
            if not eq or key not in keys:
                raise UserError(
                    f'The form "{form.title}" has the fields {", ".join(sorted(keys))}; got "{_clip(key)}".'
                )
            values[key] = value.strip()
        missing = [f.key for f in form.fields if f.required and not values.get(f.key)]
        if missing:
            raise UserError(f"Please fill in {', '.join(missing)}: submit {missing[0]}=…")
        del self.forms[self.actor.name]
        event = FormSubmit(self.user, self.channel, form.form_id, values, is_admin=self.actor.moderator)
        self.show(await self.app.dispatcher.handle(event))

    async def _advance(self, rest: str) -> None:
        """Move the simulated clock; the scheduler posts whatever falls due, at its own moment."""
        await self.app.scheduler.advance(self.clock, parse_duration(rest))
        self.out.write(f"── the clock is now {self.clock.now():%a %d %b %Y %H:%M} UTC ──\n\n")


_MENTION = re.compile(r"<@&?([\w.-]+)>")


def _plain_mentions(text: str) -> str:
    """Platform mention syntax (``<@sam>``, ``<@&role>``) reads as ``@sam`` in a terminal."""
    return _MENTION.sub(r"@\1", text)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def run_console(settings: Settings, script: list[str] | None, files_dir: Path) -> None:
    """Build the app around a console platform and read lines until the end of input.

    ``script`` lines run non-interactively (echoed, like a transcript); without one, lines
    come from standard input until it ends.
    """
    out = sys.stdout
    clock = SimulatedClock()
    platform = ConsolePlatform(out, files_dir, clock)
    app = await build_app(settings, {"console": platform}, clock=clock, real_time=False)
    session = ConsoleSession(app, platform, clock, out)
    try:
        await app.start()
        if script is not None:
            await session.run(script, echo=True)
            return
        interactive = sys.stdin.isatty()
        if interactive:
            out.write("Secure Base console. You are alex, a moderator. Try /help; 'quit' leaves.\n\n")
        while True:
            line = await asyncio.to_thread(_read_line, f"{session.actor.name}> " if interactive else "")
            if line is None or not await session.run_line(line):
                return
    finally:
        await app.close()


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
