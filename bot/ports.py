"""What the core needs from a chat platform, and nothing more.

Replies to commands and presses travel back as return values (``Reply``); this port is
for what the core starts on its own: scheduled posts, threads, private notes, and the
platform-specific reading of channel and user arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.events import ChannelRef, Message, PostedRef, UserRef

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["Adapter", "Platform", "PostFailed"]


class Platform(Protocol):
    name: str
    command_prefix: str
    """How a person types a command here: ``/`` or ``/securebase ``; used in help and errors."""

    async def post(self, channel: ChannelRef, message: Message) -> PostedRef:
        """Post publicly. Text written by members or moderators must ping nobody."""
        ...

    async def open_thread(self, posted: PostedRef, name: str) -> ChannelRef:
        """Open a thread on ``posted`` and return where replies gather."""
        ...

    async def send_private(self, user: UserRef, message: Message) -> None:
        """A direct message, for things not answering a command (e.g. a schedule failure)."""
        ...

    async def delete_message(self, channel: ChannelRef, message_id: str) -> None:
        """Delete a message the bot posted in ``channel`` (a thread, when ``thread_id`` is set).

        Used when a moderator removes an anonymous share. Raise ``PostFailed`` if it cannot be
        deleted (gone already, permission missing); the caller tells the moderator to do it by hand.
        """
        ...

    async def find_post(self, channel: ChannelRef, marker: str) -> PostedRef | None:
        """Look through the channel's recent history for a post carrying ``marker``.

        Used once at start for posts that were claimed but never confirmed (a crash between
        sending and recording). Return ``None`` only when the post is surely not there.
        """
        ...

    async def check_channel(self, workspace_id: str, channel_id: str) -> None:
        """Raise ``UserError`` naming the missing permission if the bot cannot post and thread there."""
        ...

    def parse_channel(self, raw: str) -> str:
        """A channel argument as typed (``#reflections``, ``<#C123|x>``) → channel id, or ``UserError``."""
        ...

    def parse_users(self, raw: str) -> tuple[str, ...]:
        """A users argument (``@sam @mia``, ``<@U1> <@U2>``) → user ids, or ``UserError``."""
        ...

    def channel_label(self, channel_id: str) -> str:
        """How to show a channel to people (``#reflections``, ``<#C123>``)."""
        ...


class PostFailed(Exception):
    """A post did not go out. ``lasting`` failures (channel gone, permission missing) need a
    moderator; passing ones (429, 5xx, timeout) are worth retrying."""

    def __init__(self, reason: str, *, lasting: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lasting = lasting
        self.retry_after = retry_after
        """Seconds the platform asked us to wait (a 429's ``Retry-After``), if it said."""


class Adapter(Platform, Protocol):
    """A platform the runner starts and stops: it connects, registers the command specs and
    delivers events to ``app.dispatcher`` until stopped."""

    @property
    def connected(self) -> bool:
        """True while the platform connection is up (reported by ``/healthz``)."""
        ...

    async def start(self, app: App) -> None:
        """Connect and begin serving. Return once serving has started (do not block forever)."""
        ...

    async def stop(self) -> None:
        """Stop taking new events; in-flight work may finish."""
        ...
