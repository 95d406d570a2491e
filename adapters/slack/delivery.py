"""Getting a ``Reply`` to the person who asked, the way Slack allows at that moment.

An interaction (slash command, button press, modal submit) comes with some of: a
``response_url`` (ephemeral answers anywhere, five times in 30 minutes), a ``trigger_id``
(opens a modal once, within 3 seconds) and a channel. The order here follows from those
limits: the form first while the trigger is fresh, then messages through the
``response_url``, then ``chat.postEphemeral``, and a direct message as the last resort.
Files (the self-reflection picture, data exports) always go to the direct message with
the bot: the only place an app can put a file that nobody else can open.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import FormMeta, SlackMessage, modal, render, render_all
from adapters.slack.errors import slack_error_code, to_post_failed
from bot.events import Attachment, Message, Reply

__all__ = ["Delivery", "Interaction"]

log = structlog.get_logger("securebase.slack")

RESPONSE_URL_USES = 5


@dataclass
class Interaction:
    """Where an answer may go. ``responses_left`` counts down the ``response_url``'s five uses."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    responses_left: int = RESPONSE_URL_USES


class Delivery:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        retry_handlers: Sequence[AsyncRetryHandler],
        logger: logging.Logger,
    ) -> None:
        self._client = client
        self._retry_handlers = list(retry_handlers)
        self._logger = logger
        self._dm_channels: dict[str, str] = {}

    # --- replies to interactions ----------------------------------------------------------

    async def reply(self, reply: Reply, where: Interaction) -> None:
        if reply.form is not None:
            await self._open_form(reply, where)
        private = [message for message in reply.messages if message.private]
        public = [message for message in reply.messages if not message.private]
        for chunk in render_all(private, public=False):
            await self._ephemeral(chunk, where)
        for chunk in render_all(public, public=True):
            await self._in_channel(chunk, where)
        for message in reply.messages:
            if message.files:
                await self.upload_private(where.user_id, message.files, message.title or "From Secure Base")

    async def _open_form(self, reply: Reply, where: Interaction) -> None:
        assert reply.form is not None
        if where.trigger_id:
            meta = FormMeta(reply.form.form_id, where.channel_id, where.response_url)
            try:
                await self._client.views_open(trigger_id=where.trigger_id, view=modal(reply.form, meta))
                return
            except SlackApiError as error:
                log.warning("views_open_failed", error=slack_error_code(error))
        note = Message(body="That form took too long to open. Please press the button or run the command again.")
        for chunk in render(note, public=False):
            await self._ephemeral(chunk, where)

    async def _ephemeral(self, chunk: SlackMessage, where: Interaction) -> None:
        if await self._via_response_url(chunk, where, "ephemeral"):
            return
        if where.channel_id and not where.channel_id.startswith("D"):
            try:
                await self._client.chat_postEphemeral(
                    channel=where.channel_id, user=where.user_id, text=chunk.text, blocks=chunk.blocks
                )
                return
            except SlackApiError as error:  # e.g. not_in_channel: the direct message still works
                log.info("ephemeral_fell_back_to_dm", error=slack_error_code(error))
        await self._to_dm(where.user_id, chunk)

    async def _in_channel(self, chunk: SlackMessage, where: Interaction) -> None:
        if await self._via_response_url(chunk, where, "in_channel"):
            return
        if where.channel_id:
            await self._client.chat_postMessage(channel=where.channel_id, text=chunk.text, blocks=chunk.blocks)
        else:
            await self._to_dm(where.user_id, chunk)

    async def _via_response_url(self, chunk: SlackMessage, where: Interaction, kind: str) -> bool:
        if not where.response_url or where.responses_left <= 0:
            return False
        where.responses_left -= 1
        webhook = AsyncWebhookClient(
            where.response_url,
            timeout=10,
            session=self._client.session,
            retry_handlers=list(self._retry_handlers),
            logger=self._logger,
        )
        try:
            response = await webhook.send_dict(
                {
                    "response_type": kind,
                    "replace_original": False,
                    "text": chunk.text,
                    "blocks": chunk.blocks,
                }
            )
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as error:
            log.info("response_url_failed", error=type(error).__name__)
            return False
        if response.status_code != 200:
            log.info("response_url_failed", status=response.status_code)
            where.responses_left = 0  # expired or used up: don't try it again for this interaction
            return False
        return True

    # --- direct messages and files ----------------------------------------------------------

    async def dm_channel(self, user_id: str) -> str:
        """The direct-message channel between the bot and ``user_id`` (``conversations.open``)."""
        known = self._dm_channels.get(user_id)
        if known is not None:
            return known
        response = await self._client.conversations_open(users=user_id)
        channel = response.get("channel") or {}
        channel_id = str(channel.get("id", ""))
        if not channel_id:
            raise SlackClientError("conversations.open returned no channel")
        self._dm_channels[user_id] = channel_id
        return channel_id

    async def _to_dm(self, user_id: str, chunk: SlackMessage) -> None:
        channel = await self.dm_channel(user_id)
        await self._client.chat_postMessage(channel=channel, text=chunk.text, blocks=chunk.blocks)

    async def direct(self, user_id: str, message: Message) -> None:
        """A direct message the core starts on its own (``Platform.send_private``)."""
        try:
            for chunk in render(message, public=False):
                await self._to_dm(user_id, chunk)
            if message.files:
                await self.upload_private(user_id, message.files, message.title or "From Secure Base")
        except Exception as error:
            raise to_post_failed(error) from error

    async def upload_private(self, user_id: str, files: Sequence[Attachment], comment: str) -> None:
        """Upload into the direct message with the bot (``files_upload_v2``: get an upload URL,
        send the bytes, complete the upload into that one channel)."""
        channel = await self.dm_channel(user_id)
        uploads = [
            {"filename": item.filename, "file": item.data, "title": item.filename, "alt_txt": comment[:1000]}
            for item in files
        ]
        await self._client.files_upload_v2(file_uploads=uploads, channel=channel, initial_comment=comment)
