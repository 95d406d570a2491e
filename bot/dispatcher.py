"""From an inbound event to a reply: community, permissions, validation, errors.

The chain is short on purpose: resolve who and where → check moderator rights → validate
options → run the handler → map errors. A ``UserError`` becomes a private one-line
answer; anything else is logged with an id (never with what the member wrote) and the
member sees a short apology carrying that id.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping

import structlog

from bot.commands import spec_for
from bot.errors import NotAllowed, StalePress, UserError
from bot.events import ButtonPress, ChannelRef, Command, FormSubmit, Inbound, Message, MessagePosted, Reply, UserRef
from bot.grammar import parse_command_line
from bot.handlers import member as _member_handlers
from bot.handlers import setup as _setup_handlers
from bot.handlers.registry import COMMAND_HANDLERS, FORM_HANDLERS, PRESS_HANDLERS
from bot.handlers.safety import care
from bot.metrics import Metrics
from bot.options import validate_args
from bot.ports import Platform
from bot.services import Services
from bot.services.context import Context
from bot.services.safety import Place

__all__ = ["Dispatcher"]

log = structlog.get_logger("securebase.dispatch")
HANDLER_MODULES = (_member_handlers, _setup_handlers)
"""Importing these registers every handler with the tables."""


class Dispatcher:
    def __init__(self, services: Services, platforms: Mapping[str, Platform], metrics: Metrics) -> None:
        self._s = services
        self._platforms = platforms
        self._metrics = metrics

    async def handle(self, event: Inbound) -> Reply:
        """Always returns a reply: a ``Reply`` with private one-liners for every problem."""
        kind, name = _describe(event)
        platform = event.user.platform
        started = time.perf_counter()
        outcome = "ok"
        request_id = secrets.token_hex(4)
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id, platform=platform):
                return await self._route(event)
        except UserError as problem:
            outcome = "refused"
            log.info("refused", kind=kind, name=name, reason=type(problem).__name__, request_id=request_id)
            return Reply.of(Message(body=problem.message))
        except Exception:
            outcome = "error"
            log.exception("handler_failed", kind=kind, name=name, request_id=request_id)
            return Reply.of(
                Message(
                    body=f"Sorry, something went wrong on my side (error id {request_id}). "
                    "Nothing you wrote was lost; please try again in a moment."
                )
            )
        finally:
            self._metrics.commands.labels(name, platform, outcome).inc()
            self._metrics.latency.labels(platform).observe(time.perf_counter() - started)

    async def handle_line(
        self,
        user: UserRef,
        channel: ChannelRef,
        text: str,
        *,
        is_admin: bool = False,
        roles: frozenset[str] = frozenset(),
    ) -> Reply:
        """The text grammar of Slack and the console: ``setup prompts day:monday …``."""
        platform = self._platforms[user.platform]
        try:
            spec, raw = parse_command_line(text, prefix=platform.command_prefix)
        except UserError as problem:
            return Reply.of(Message(body=problem.message))
        return await self.handle(Command(user, channel, spec.name, raw, is_admin=is_admin, roles=roles))

    async def handle_message(self, event: MessagePosted) -> Reply | None:
        """A member's reply in a prompt thread, read only for crisis language and only where the
        community turned reading on (``setup safety read_replies:true``).

        Returns ``None`` (say nothing) or a reply whose messages are all private: deliver them as an
        ephemeral message or a DM to the author, never in the thread. Failures are logged with an id
        and answered with silence, since nobody asked this message anything.
        """
        request_id = secrets.token_hex(4)
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id, platform=event.user.platform):
                return await self._read_reply(event)
        except Exception:
            log.exception("message_failed", kind="message", request_id=request_id)
            return None

    async def _read_reply(self, event: MessagePosted) -> Reply | None:
        platform = self._platforms.get(event.user.platform)
        thread_id = event.channel.thread_id
        if platform is None or not thread_id or not event.text.strip():
            return None
        community = await self._s.repo.community(event.user.platform, event.user.workspace_id, self._s.clock.now())
        if not await self._s.safety.reads_replies(community.id):
            return None
        if await self._s.repo.prompt_post_by_thread(community.id, event.channel.channel_id, thread_id) is None:
            return None
        ctx = Context(event.user, event.channel, community, platform)
        looked = await care(self._s, ctx, event.text, Place("reply", event.channel, event.message_id))
        return Reply.of(looked.support) if looked.support else None

    async def _context(self, event: Inbound) -> Context:
        user = event.user
        platform = self._platforms[user.platform]
        now = self._s.clock.now()
        community, member = await self._s.repo.community_and_member(user.platform, user.workspace_id, user.user_id, now)
        is_moderator = await self._s.community.is_moderator(community.id, user.user_id, event.is_admin, event.roles)
        return Context(user, event.channel, community, platform, is_moderator, member)

    async def _route(self, event: Inbound) -> Reply:
        ctx = await self._context(event)
        if isinstance(event, Command):
            spec = spec_for(event.name)
            entry = COMMAND_HANDLERS.get(event.name)
            if spec is None or entry is None:
                raise UserError(f'Unknown command "{event.name}". Try {ctx.prefix}help for the list.')
            _check_moderator(ctx, spec.moderator)
            args = validate_args(
                spec,
                event.args,
                platform=ctx.platform.name,
                parse_channel=ctx.platform.parse_channel,
                parse_users=ctx.platform.parse_users,
            )
            return await entry.handler(self._s, ctx, args)
        if isinstance(event, ButtonPress):
            routed = PRESS_HANDLERS.route(event.action_id)
            if routed is None:
                raise StalePress(f"That button is from an older version of me. Try {ctx.prefix}help.")
            press_entry, parts = routed
            _check_moderator(ctx, press_entry.moderator)
            return await press_entry.handler(self._s, ctx, parts)
        routed_form = FORM_HANDLERS.route(event.form_id)
        if routed_form is None:
            raise StalePress("That form has expired. Open it again from the command.")
        form_entry, parts = routed_form
        _check_moderator(ctx, form_entry.moderator)
        return await form_entry.handler(self._s, ctx, parts, dict(event.values))


def _check_moderator(ctx: Context, required: bool) -> None:
    if required and not ctx.is_moderator:
        raise NotAllowed(
            "Only moderators can use Secure Base's setup. Ask an admin, or one of the people named "
            "with setup moderators. Nothing was changed."
        )


def _describe(event: Inbound) -> tuple[str, str]:
    """What to log and count about an event: its kind and a name from our own registry.

    Never anything typed: an unknown command or button becomes ``unknown``.
    """
    if isinstance(event, Command):
        return "command", event.name if spec_for(event.name) else "unknown"
    if isinstance(event, ButtonPress):
        return "press", _registered(PRESS_HANDLERS.keys(), event.action_id)
    assert isinstance(event, FormSubmit)
    return "form", _registered(FORM_HANDLERS.keys(), event.form_id)


def _registered(keys: set[str], identifier: str) -> str:
    parts = identifier.split(":")
    for size in (2, 1):
        key = ":".join(parts[:size])
        if key in keys:
            return key
    return "unknown"
