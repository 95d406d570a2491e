"""The Discord adapter: a ``discord.Client`` that translates interactions for the core and
implements the core's ``Platform`` port for scheduled posts.

Timing: every interaction is answered or deferred within ``ACK_BUDGET`` (Discord allows 3 s):
the core gets that long to reply; past it the interaction is deferred and the reply follows
up. Buttons are ``DynamicItem``s whose custom id carries the core's action id, and modal
submissions are routed by custom id, so both work after a restart.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import structlog
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord.commands import build_tree
from adapters.discord.render import BUTTON_PREFIX, FORM_PREFIX, form_values, render_form, render_message
from bot.commands import CommandSpec, OptionKind
from bot.errors import UserError
from bot.events import (
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
from bot.pace import BURST_SHARE, Pace
from bot.ports import PostFailed
from bot.settings import Settings
from bot.suggest import suggest

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["ACK_BUDGET", "CoreButton", "DiscordAdapter"]

log = structlog.get_logger("securebase.discord")

ACK_BUDGET = 0.8
"""Seconds the core may take before the interaction is deferred (Discord's limit is 3 s)."""

REQUIRED = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
}


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sb:(?P<action>.+)"):
    """Any core button: the custom id is ``sb:`` + the core's action id."""

    def __init__(
        self,
        action_id: str,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        super().__init__(discord.ui.Button(label=label[:80], style=style, custom_id=BUTTON_PREFIX + action_id, row=row))
        self.action_id = action_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CoreButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if isinstance(client, SecureBaseClient):
            await client.adapter.on_press(interaction, self.action_id)


class SecureBaseClient(discord.Client):
    def __init__(self, adapter: DiscordAdapter, intents: discord.Intents, guild_ready_timeout: float) -> None:
        # The bot never joins voice: the missing voice libraries are not worth a warning at every start.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.adapter = adapter
        self.tree: app_commands.CommandTree[SecureBaseClient] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CoreButton)

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot and isinstance(message.channel, discord.Thread):
            await self.adapter.on_thread_reply(message, message.channel)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.modal_submit:
            data: dict[str, Any] = dict(interaction.data or {})
            custom_id = str(data.get("custom_id", ""))
            if custom_id.startswith(FORM_PREFIX):
                await self.adapter.on_form(interaction, custom_id.removeprefix(FORM_PREFIX))


class DiscordAdapter:
    name = "discord"
    command_prefix = "/"

    def __init__(
        self, settings: Settings, *, intents: discord.Intents | None = None, guild_ready_timeout: float = 2.0
    ) -> None:
        """``guild_ready_timeout``: how long discord.py waits for more guilds before it is ready."""
        self._settings = settings
        self._intents = intents or discord.Intents.none()
        self._intents.guilds = True  # channel and role cache, for permission checks
        if settings.discord_read_replies:  # privileged: only when communities may turn reading on
            self._intents.guild_messages = True
            self._intents.message_content = True
        self.client = SecureBaseClient(self, self._intents, guild_ready_timeout)
        rate = settings.discord_requests_per_second
        self._pace = Pace(rate, burst=rate * BURST_SHARE)
        _throttle_bucket_sweeps(self.client.http)
        self._app: App | None = None
        self._task: asyncio.Task[None] | None = None

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.client.is_ready() and not self.client.is_closed()

    async def start(self, app: App) -> None:
        """Log in, connect to the gateway the REST base names, and sync the commands."""
        self._app = app
        token = self._settings.discord_token
        assert token is not None
        discord.http.Route.BASE = self._settings.discord_api_base.rstrip("/")
        build_tree(self.client.tree, self.on_command, self.suggest)
        await self.client.login(token.get_secret_value())
        _, gateway, _ = await self.client.http.get_bot_gateway()
        # A plain Client dials Discord's built-in gateway; ask the REST base instead, so a REST
        # proxy (DISCORD_API_BASE) and local fakes are honoured. Against Discord itself, the same.
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        self._task = asyncio.create_task(self.client.connect(reconnect=True), name="discord-gateway")
        await asyncio.wait_for(self.client.wait_until_ready(), timeout=60)
        await self.sync_commands()
        log.info("discord_ready", guilds=len(self.client.guilds))

    async def sync_commands(self) -> None:
        guild_ids = self._settings.guild_ids
        if not guild_ids:
            await self.client.tree.sync()
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.client.tree.copy_global_to(guild=guild)
            await self.client.tree.sync(guild=guild)

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    # --- inbound -------------------------------------------------------------------------

    def _who(self, interaction: discord.Interaction) -> tuple[UserRef, ChannelRef, bool, frozenset[str]]:
        workspace = str(interaction.guild_id or f"dm-{interaction.user.id}")
        user = UserRef(self.name, workspace, str(interaction.user.id), interaction.user.display_name)
        channel = ChannelRef(self.name, workspace, str(interaction.channel_id or ""))
        is_admin = bool(interaction.permissions.manage_guild)
        member = interaction.user if isinstance(interaction.user, discord.Member) else None
        roles = frozenset(str(role.id) for role in member.roles) if member else frozenset()
        return user, channel, is_admin, roles

    async def on_command(self, interaction: discord.Interaction, spec: CommandSpec, values: dict[str, Any]) -> None:
        user, channel, is_admin, roles = self._who(interaction)
        args = {name: _option_text(value) for name, value in values.items() if value is not None}
        event = Command(user, channel, spec.name, args, is_admin=is_admin, roles=roles)
        await self._answer(interaction, self._core.dispatcher.handle(event))

    async def on_press(self, interaction: discord.Interaction, action_id: str) -> None:
        user, channel, is_admin, roles = self._who(interaction)
        event = ButtonPress(user, channel, action_id, is_admin=is_admin, roles=roles)
        await self._answer(interaction, self._core.dispatcher.handle(event), pressed=True)

    async def on_form(self, interaction: discord.Interaction, form_id: str) -> None:
        user, channel, is_admin, roles = self._who(interaction)
        values = form_values(dict(interaction.data or {}))
        event = FormSubmit(user, channel, form_id, values, is_admin=is_admin, roles=roles)
        await self._answer(interaction, self._core.dispatcher.handle(event))

    async def on_thread_reply(self, message: discord.Message, thread: discord.Thread) -> None:
        """A reply in a thread: read for crisis language only where the community turned that on;
        the answer, if any, goes to the author as a direct message, never into the thread."""
        workspace = str(thread.guild.id)
        user = UserRef(self.name, workspace, str(message.author.id), message.author.display_name)
        channel = ChannelRef(self.name, workspace, str(thread.parent_id), str(thread.id))
        reply = await self._core.dispatcher.handle_message(
            MessagePosted(user, channel, message.content, str(message.id))
        )
        for shown in reply.messages if reply else ():
            try:
                await self.send_private(user, shown)
            except PostFailed as failure:
                log.warning("support_dm_failed", reason=failure.reason)

    async def suggest(self, interaction: discord.Interaction, kind: OptionKind, typed: str) -> list[tuple[str, str]]:
        workspace = str(interaction.guild_id or f"dm-{interaction.user.id}")
        services = self._core.services
        community = await services.repo.community(self.name, workspace, services.clock.now())
        return await suggest(services, community.id, kind, typed)

    @property
    def _core(self) -> App:
        assert self._app is not None, "the adapter is not started"
        return self._app

    async def _answer(self, interaction: discord.Interaction, work: Awaitable[Reply], *, pressed: bool = False) -> None:
        """Give the core ``ACK_BUDGET`` seconds; defer if it needs longer; then deliver the reply."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=ACK_BUDGET)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await task
        try:
            await self._deliver(interaction, reply, pressed=pressed)
        except discord.HTTPException:
            error_id = secrets.token_hex(4)
            log.exception("reply_failed", error_id=error_id, interaction=interaction.id)

    async def _deliver(self, interaction: discord.Interaction, reply: Reply, *, pressed: bool) -> None:
        response = interaction.response
        if reply.form is not None:
            if not response.is_done():
                await response.send_modal(render_form(reply.form))
            else:
                await interaction.followup.send(
                    "Sorry, that took a moment: press the button again to open the form.", ephemeral=True
                )
        messages = list(reply.messages)
        edit = (
            pressed
            and len(messages) == 1
            and messages[0].private
            and not messages[0].files
            and interaction.message is not None
            and interaction.message.flags.ephemeral
        )
        for message in messages:
            rendered = render_message(message, _make_button)
            kwargs = rendered.kwargs()
            if not response.is_done():
                if edit:
                    await response.edit_message(embeds=rendered.embeds, view=rendered.view)
                else:
                    await response.send_message(ephemeral=message.private, **kwargs)
            else:
                await interaction.followup.send(ephemeral=message.private, wait=True, **kwargs)

    # --- the Platform port ------------------------------------------------------------------

    def _messageable(self, channel: ChannelRef) -> discord.PartialMessageable:
        guild_id = int(channel.workspace_id) if channel.workspace_id.isdigit() else None
        return self.client.get_partial_messageable(int(channel.thread_id or channel.channel_id), guild_id=guild_id)

    async def post(self, channel: ChannelRef, message: Message) -> PostedRef:
        rendered = render_message(message, _make_button)
        await self._pace.wait()
        try:
            sent = await self._messageable(channel).send(
                **rendered.kwargs(), allowed_mentions=discord.AllowedMentions.none()
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise _post_failed(error) from None
        return PostedRef(channel, str(sent.id))

    async def open_thread(self, posted: PostedRef, name: str) -> ChannelRef:
        """A public thread on the post. Straight to the REST route: ``Message.create_thread`` needs
        the guild in the cache, which a post made from the scheduler may not have."""
        channel = posted.channel
        await self._pace.wait()
        try:
            thread = await self.client.http.start_thread_with_message(
                int(channel.channel_id), int(posted.message_id), name=name[:100], auto_archive_duration=10080
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise _post_failed(error) from None
        return ChannelRef(channel.platform, channel.workspace_id, channel.channel_id, str(thread["id"]))

    async def send_private(self, user: UserRef, message: Message) -> None:
        try:
            await self._pace.wait()
            person = await self.client.fetch_user(int(user.user_id))
            await self._pace.wait()
            await person.send(**render_message(message, _make_button).kwargs())
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise _post_failed(error) from None

    async def delete_message(self, channel: ChannelRef, message_id: str) -> None:
        await self._pace.wait()
        try:
            await self._messageable(channel).get_partial_message(int(message_id)).delete()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise _post_failed(error) from None

    async def find_post(self, channel: ChannelRef, marker: str) -> PostedRef | None:
        wanted = marker.replace(":", "/")
        await self._pace.wait()
        try:
            async for found in self._messageable(channel).history(limit=50):
                for embed in found.embeds:
                    if embed.author.url and embed.author.url.endswith(wanted):
                        thread = found.thread
                        return PostedRef(channel, str(found.id), str(thread.id) if thread else None)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise _post_failed(error) from None
        return None

    async def check_channel(self, workspace_id: str, channel_id: str) -> None:
        guild = self.client.get_guild(int(workspace_id)) if workspace_id.isdigit() else None
        if guild is None:
            return  # not cached: the post itself will report a missing permission
        channel = guild.get_channel(int(channel_id))
        if channel is None:
            raise UserError(f"I can't see <#{channel_id}>: add me to that channel, or pick another one.")
        permissions = channel.permissions_for(guild.me)
        missing = [label for flag, label in REQUIRED.items() if not getattr(permissions, flag)]
        if missing:
            listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            raise UserError(f"I can't post in <#{channel_id}>: I need the {listed} permissions there.")

    def parse_channel(self, raw: str) -> str:
        match = re.fullmatch(r"<#(\d+)>|(\d+)", raw.strip())
        if not match:
            raise UserError(f'Pick a channel from the list, got "{raw}".')
        return match.group(1) or match.group(2)

    def parse_users(self, raw: str) -> tuple[str, ...]:
        ids = re.findall(r"<@!?(\d+)>", raw)
        if not ids:
            raise UserError("Mention the members, e.g. @sam @mia.")
        return tuple(dict.fromkeys(ids))

    def channel_label(self, channel_id: str) -> str:
        return f"<#{channel_id}>"


BUCKET_SWEEP_SECONDS = 60.0


def _throttle_bucket_sweeps(http: discord.http.HTTPClient) -> None:
    """discord.py 2.7 scans every rate-limit bucket each time it creates a new one, once it holds
    256 or more; a fan-out to thousands of channels creates one per channel, so each new post
    scans them all (quadratic: most of the CPU at 10,000 channels). The sweep only frees idle
    buckets (5 minutes unused), so running it at most once a minute loses nothing."""
    sweep = http._try_clear_expired_ratelimits
    last = 0.0

    def throttled() -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= BUCKET_SWEEP_SECONDS:
            last = now
            sweep()

    http._try_clear_expired_ratelimits = throttled  # type: ignore[method-assign]


def _make_button(action_id: str, label: str, style: discord.ButtonStyle, row: int) -> CoreButton:
    return CoreButton(action_id, label=label, style=style, row=row)


def _option_text(value: Any) -> str:
    """Discord's typed option values → the core's raw strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, discord.abc.Snowflake):
        return str(value.id)
    return str(value)


def _post_failed(error: BaseException) -> PostFailed:
    """Discord's answer → passing (retry) or lasting (a moderator must act), in words they can act on."""
    if isinstance(error, discord.Forbidden):
        return PostFailed(
            "I'm missing a permission there: I need View Channel, Send Messages, Embed Links and Create Public Threads",
            lasting=True,
        )
    if isinstance(error, discord.NotFound):
        return PostFailed("that channel no longer exists or I can't see it", lasting=True)
    if isinstance(error, discord.HTTPException):
        if error.status == 429 or error.status >= 500:
            return PostFailed(f"Discord answered {error.status}", lasting=False)
        return PostFailed(f"Discord refused the post ({error.status}, code {error.code})", lasting=True)
    return PostFailed(f"no answer from Discord ({type(error).__name__})", lasting=False)
