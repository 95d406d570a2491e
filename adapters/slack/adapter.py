"""``SlackAdapter``: the core on Slack through slack-bolt's ``AsyncApp``, in the bot's own loop.

HTTP mode mounts Bolt on the bot's aiohttp server (``/slack/events``, beside ``/healthz``),
where Bolt verifies each request's signature and timestamp; Socket Mode (when
``SLACK_APP_TOKEN`` is set) opens Slack's websocket instead. Either way every listener
acknowledges first and works after, so Slack's 3-second deadline is met by a wide margin
however slow the database or the Web API is; the answer then travels by ``response_url``,
``views.open`` or a direct message (see ``delivery``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import aiohttp
import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.authorization.async_single_team_authorization import AsyncSingleTeamAuthorization
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import text
from adapters.slack.admins import AdminCache
from adapters.slack.blocks import ACTION_PREFIX, FORM_CALLBACK, FormMeta, form_values, render
from adapters.slack.delivery import Delivery, Interaction
from adapters.slack.errors import BOT_NAME, slack_error_code, to_post_failed
from adapters.slack.home import home_view
from bot.errors import UserError
from bot.events import ButtonPress, ChannelRef, FormSubmit, Message, MessagePosted, PostedRef, UserRef
from bot.pace import BURST_SHARE, Pace
from bot.ports import PostFailed
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["EVENTS_PATH", "SlackAdapter"]

log = structlog.get_logger("securebase.slack")

EVENTS_PATH = "/slack/events"
HISTORY_PAGES = 5
"""Pages of 200 messages searched by ``find_post``: a post claimed minutes ago is far newer."""
DRAIN_SECONDS = 5.0
"""How long ``stop`` lets answers in flight finish (SIGTERM must end within 10 s)."""
_LASTING_AUTH_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"}
THREAD_INTRO = "Replies gather here, in this thread. To share without your name, press *Share anonymously* on the post."


def _quiet_logger(name: str) -> logging.Logger:
    """slack_sdk and Bolt log request bodies at DEBUG, and bodies hold what members wrote.
    Their loggers are pinned at INFO so that ``SECUREBASE_LOG_LEVEL=DEBUG`` never leaks them."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    return logger


class _DropNotice(logging.Filter):
    def __init__(self, message: str) -> None:
        super().__init__()
        self._message = message

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self._message


def _id(value: object) -> str:
    return value if isinstance(value, str) else ""


class SlackAdapter:
    """The ``Adapter`` port for Slack (one workspace per bot token)."""

    name = "slack"

    def __init__(self, settings: Settings, *, admin_ttl: float = 60.0, drain_seconds: float = DRAIN_SECONDS) -> None:
        if settings.slack_bot_token is None:
            raise SettingsError("SLACK_BOT_TOKEN is missing: set it to the app's Bot User OAuth Token (xoxb-…).")
        self.command_prefix = f"{settings.slack_command} "
        self._settings = settings
        self._app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
        self._drain_seconds = drain_seconds
        self._pace = Pace(settings.slack_requests_per_second, burst=settings.slack_requests_per_second * BURST_SHARE)
        self._sdk_logger = _quiet_logger("securebase.slack.sdk")
        self.retry_handlers: list[AsyncRetryHandler] = [
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        ]
        self.client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url,
            timeout=10,
            logger=self._sdk_logger,
            retry_handlers=self.retry_handlers,
        )
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
        bolt_logger = _quiet_logger("securebase.slack.bolt")
        # Bolt reads SLACK_BOT_TOKEN from the environment on its own, then warns that the client's
        # token wins: true, and expected here, so that one notice is dropped.
        notice = _DropNotice(warning_client_prioritized_and_token_skipped())
        bolt_logger.addFilter(notice)
        try:
            self.bolt = AsyncApp(name="securebase", signing_secret=secret, client=self.client, logger=bolt_logger)
        finally:
            bolt_logger.removeFilter(notice)
        self.bolt.command(settings.slack_command)(self._on_command)
        self.bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._on_action)
        self.bolt.view_submission(FORM_CALLBACK)(self._on_submit)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.event("message")(self._on_message)
        self._admins = AdminCache(self.client, ttl=admin_ttl)
        self._delivery = Delivery(self.client, retry_handlers=self.retry_handlers, logger=self._sdk_logger)
        self._core: App | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        """Answers in flight (each interaction's work after its ack)."""
        self._background: set[asyncio.Task[None]] = set()
        """Reconnecting after Slack was unreachable at start: cancelled, not awaited, on stop."""
        self._verified = False
        self._stopping = False
        self.bot_user_id: str | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``socket`` when ``SLACK_APP_TOKEN`` is set, else ``http``."""
        return "socket" if self._app_token else "http"

    @property
    def connected(self) -> bool:
        if not self._verified or self._stopping:
            return False
        if self._socket is None:
            return self.mode == "http"
        client = self._socket.client
        session = client.current_session
        return not client.closed and not client.stale and session is not None and not session.closed

    async def start(self, app: App) -> None:
        """Check the token (``auth.test``), then mount ``/slack/events`` or open the socket."""
        self._core = app
        self._stopping = False
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        self.client.session = self._session  # one connection pool; Bolt's per-request clients share it
        try:
            await self._verify()
        except SlackApiError as error:
            code = slack_error_code(error)
            if code in _LASTING_AUTH_ERRORS:
                await self._close_session()
                raise SettingsError(
                    f"SLACK_BOT_TOKEN was refused by Slack ({code}): copy the Bot User OAuth Token (xoxb-…) "
                    "from the app's OAuth & Permissions page."
                ) from None
            log.warning("slack_auth_test_failed", error=code)
            self._background.add(asyncio.create_task(self._verify_until_done()))
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("slack_unreachable", error=type(error).__name__)
            self._background.add(asyncio.create_task(self._verify_until_done()))
        if self.mode == "socket":
            await self._open_socket()
        else:
            if app.web is None:
                raise RuntimeError("Slack HTTP mode needs the bot's web server (app.web) to mount /slack/events on")
            app.web.add_route("POST", EVENTS_PATH, self.handle_http)
        log.info("slack_started", mode=self.mode)

    async def _verify(self) -> None:
        response = await self.client.auth_test()
        self.bot_user_id = _id(response.get("user_id")) or None
        self._prime_bolt(response)
        self._verified = True

    async def _verify_until_done(self) -> None:
        """Slack was unreachable at start: keep trying (``/healthz`` says 503 meanwhile)."""
        delay = 1.0
        while not self._verified and not self._stopping:
            await asyncio.sleep(delay)
            try:
                await self._verify()
                log.info("slack_connected")
            except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError):
                delay = min(delay * 2, 60.0)

    def _prime_bolt(self, response: AsyncSlackResponse) -> None:
        """Hand Bolt the ``auth.test`` answer it would otherwise fetch on the first request,
        so even the first command is acknowledged without a Web API round trip."""
        for middleware in getattr(self.bolt, "_async_middleware_list", []):
            if isinstance(middleware, AsyncSingleTeamAuthorization) and middleware.auth_test_result is None:
                middleware.auth_test_result = response

    async def _open_socket(self) -> None:
        assert self._app_token is not None
        handler = AsyncSocketModeHandler(
            self.bolt, self._app_token, logger=self._sdk_logger, web_client=self.client, ping_interval=10
        )
        self._socket = handler
        try:  # asked once here so that a wrong token stops start-up instead of retrying forever
            opened = await self.client.apps_connections_open(app_token=self._app_token)
        except SlackApiError as error:
            await self.stop()
            raise SettingsError(
                f"SLACK_APP_TOKEN was refused by Slack ({slack_error_code(error)}): create an app-level token "
                "with the connections:write scope (Basic Information → App-Level Tokens)."
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("slack_unreachable", error=type(error).__name__)
            self._background.add(asyncio.create_task(self._connect_socket(handler)))  # it retries on its own
            return
        handler.client.wss_uri = _id(opened.get("url"))
        await self._connect_socket(handler)

    async def _connect_socket(self, handler: AsyncSocketModeHandler) -> None:
        await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it unannotated

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        """``POST /slack/events``: Bolt checks the signature and timestamp, then routes."""
        bolt_request = await to_bolt_request(request)
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def stop(self) -> None:
        """Refuse new work, let answers in flight finish (up to a few seconds), then disconnect."""
        self._stopping = True
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self._background.clear()
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            _done, late = await asyncio.wait(pending, timeout=self._drain_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
        if self._socket is not None:
            client = self._socket.client
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # unannotated in Bolt
            # close() cancels the client's reader, monitor and processor without awaiting them
            loose = [client.message_processor, client.current_session_monitor, client.message_receiver]
            await asyncio.gather(*(task for task in loose if task is not None), return_exceptions=True)
            self._socket = None
        await self._close_session()
        self._verified = False

    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None

    async def idle(self) -> None:
        """Wait until every answer in flight is delivered (tests; shutdown uses ``stop``)."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None], kind: str) -> None:
        task = asyncio.create_task(self._guarded(work, kind))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, work: Coroutine[Any, Any, None], kind: str) -> None:
        try:
            await work
        except SlackApiError as error:
            log.warning("slack_call_failed", kind=kind, error=slack_error_code(error))
        except Exception:
            log.exception("slack_work_failed", kind=kind)

    @property
    def _app(self) -> App:
        if self._core is None:
            raise RuntimeError("SlackAdapter.start(app) has not run")
        return self._core

    # --- listeners: acknowledge first, then work --------------------------------------------------

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        if self._stopping:
            await ack(text="Secure Base is restarting. Please try again in a minute.")
            return
        await ack()
        self._spawn(self._command(body), "command")

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        if not self._stopping:
            self._spawn(self._press(body), "press")

    async def _on_submit(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()  # closes the modal; the answer follows as a private message
        if not self._stopping:
            self._spawn(self._submit(body), "form")

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and not self._stopping:
            team = _id(body.get("team_id")) or _id(event.get("view", {}).get("team_id"))
            self._spawn(self.publish_home(team, _id(event.get("user"))), "home")

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A reply in a thread: read for crisis language only where the community turned that on
        (``setup safety read_replies:true``); the answer, if any, goes privately to the author."""
        thread, ts = _id(event.get("thread_ts")), _id(event.get("ts"))
        if self._stopping or event.get("bot_id") or event.get("subtype") or not thread or thread == ts:
            return
        self._spawn(self._reply_read(_id(body.get("team_id")), event, thread), "message")

    async def _reply_read(self, team: str, event: dict[str, Any], thread: str) -> None:
        user = _id(event.get("user"))
        channel = ChannelRef(self.name, team, _id(event.get("channel")), thread)
        posted = MessagePosted(UserRef(self.name, team, user), channel, _id(event.get("text")), _id(event.get("ts")))
        reply = await self._app.dispatcher.handle_message(posted)
        for message in reply.messages if reply else ():
            await self._delivery.direct(user, message)

    # --- turning payloads into core events ----------------------------------------------------------

    def _refs(self, team: str, user: str, channel: str | None, name: str = "") -> tuple[UserRef, ChannelRef]:
        return UserRef(self.name, team, user, name), ChannelRef(self.name, team, channel or "")

    async def _command(self, body: dict[str, Any]) -> None:
        team, user, channel = _id(body.get("team_id")), _id(body.get("user_id")), _id(body.get("channel_id"))
        where = Interaction(team, user, channel or None, body.get("response_url"), body.get("trigger_id"))
        is_admin = await self._admins.is_admin(team, user)
        user_ref, channel_ref = self._refs(team, user, channel, _id(body.get("user_name")))
        line = text.unescape(_id(body.get("text")))
        reply = await self._app.dispatcher.handle_line(user_ref, channel_ref, line, is_admin=is_admin)
        await self._delivery.reply(reply, where)

    async def _press(self, body: dict[str, Any]) -> None:
        actions = body.get("actions") or []
        value = _id(actions[0].get("value")) if actions and isinstance(actions[0], dict) else ""
        if not value:
            return
        user_data = body.get("user") or {}
        user = _id(user_data.get("id"))
        team = _id((body.get("team") or {}).get("id")) or _id(user_data.get("team_id"))
        channel = _id((body.get("channel") or {}).get("id")) or _id((body.get("container") or {}).get("channel_id"))
        where = Interaction(team, user, channel or None, body.get("response_url"), body.get("trigger_id"))
        is_admin = await self._admins.is_admin(team, user)
        user_ref, channel_ref = self._refs(team, user, channel, _id(user_data.get("username")))
        reply = await self._app.dispatcher.handle(ButtonPress(user_ref, channel_ref, value, is_admin=is_admin))
        await self._delivery.reply(reply, where)

    async def _submit(self, body: dict[str, Any]) -> None:
        view = body.get("view") or {}
        meta = FormMeta.decode(_id(view.get("private_metadata")))
        if meta is None:
            log.warning("form_without_metadata")
            return
        user_data = body.get("user") or {}
        user = _id(user_data.get("id"))
        team = _id((body.get("team") or {}).get("id")) or _id(user_data.get("team_id"))
        where = Interaction(team, user, meta.channel_id, meta.response_url, body.get("trigger_id"))
        is_admin = await self._admins.is_admin(team, user)
        user_ref, channel_ref = self._refs(team, user, meta.channel_id)
        event = FormSubmit(user_ref, channel_ref, meta.form_id, form_values(view), is_admin=is_admin)
        reply = await self._app.dispatcher.handle(event)
        await self._delivery.reply(reply, where)

    async def publish_home(self, team_id: str, user_id: str) -> None:
        view = await home_view(self._app.services, self.name, team_id, user_id, self.command_prefix)
        await self.client.views_publish(user_id=user_id, view=view)

    # --- the Platform port ---------------------------------------------------------------------------

    async def post(self, channel: ChannelRef, message: Message) -> PostedRef:
        """``chat.postMessage``; the marker rides in the message metadata and the first block's id."""
        first: str | None = None
        try:
            for chunk in render(message, public=True):
                await self._pace.wait()
                response = await self.client.chat_postMessage(
                    channel=channel.channel_id,
                    thread_ts=channel.thread_id,
                    text=chunk.text,
                    blocks=chunk.blocks,
                    metadata=chunk.metadata,
                    unfurl_links=False,
                    unfurl_media=False,
                )
                first = first or _id(response.get("ts"))
            if message.files:
                await self.client.files_upload_v2(
                    file_uploads=[{"filename": f.filename, "file": f.data, "title": f.filename} for f in message.files],
                    channel=channel.channel_id,
                    thread_ts=channel.thread_id or first,
                )
        except Exception as error:
            raise to_post_failed(error) from error
        if not first:
            raise PostFailed("Slack did not say where the post landed", lasting=False)
        return PostedRef(channel, first)

    async def open_thread(self, posted: PostedRef, name: str) -> ChannelRef:
        """A Slack thread is the replies under a message: its id is the parent's ``ts``. A first
        reply shows people where to answer; if it fails, the thread is still there."""
        parent = posted.channel
        thread = ChannelRef(parent.platform, parent.workspace_id, parent.channel_id, posted.message_id)
        try:
            await self._pace.wait()
            await self.client.chat_postMessage(
                channel=parent.channel_id, thread_ts=posted.message_id, text=THREAD_INTRO, unfurl_links=False
            )
        except SlackApiError as error:
            log.info("thread_intro_failed", error=slack_error_code(error))
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.info("thread_intro_failed", error=type(error).__name__)
        return thread

    async def delete_message(self, channel: ChannelRef, message_id: str) -> None:
        try:
            await self._pace.wait()
            await self.client.chat_delete(channel=channel.channel_id, ts=message_id)
        except Exception as error:
            raise to_post_failed(error) from error

    async def send_private(self, user: UserRef, message: Message) -> None:
        await self._delivery.direct(user.user_id, message)

    async def find_post(self, channel: ChannelRef, marker: str) -> PostedRef | None:
        cursor: str | None = None
        try:
            for _page in range(HISTORY_PAGES):
                response = await self.client.conversations_history(
                    channel=channel.channel_id, limit=200, include_all_metadata=True, cursor=cursor
                )
                for item in response.get("messages") or []:
                    if isinstance(item, dict) and _carries(item, marker):
                        ts = _id(item.get("ts"))
                        has_thread = bool(item.get("reply_count") or item.get("thread_ts"))
                        return PostedRef(channel, ts, thread_id=ts if has_thread else None)
                cursor = _id((response.get("response_metadata") or {}).get("next_cursor")) or None
                if not response.get("has_more") or cursor is None:
                    return None
        except Exception as error:
            raise to_post_failed(error) from error
        return None

    async def check_channel(self, workspace_id: str, channel_id: str) -> None:
        label = self.channel_label(channel_id)
        try:
            response = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            code = slack_error_code(error)
            if code == "channel_not_found":
                raise UserError(
                    f"I can't see {label}. If it is a private channel, invite me first: "
                    f"type /invite @{BOT_NAME} there, then run this again."
                ) from None
            if code == "missing_scope":
                raise UserError(
                    "The Slack app lacks the permission to look at channels: reinstall it from "
                    "`securebase slack-manifest`, then run this again."
                ) from None
            raise UserError(f"I couldn't check {label} just now (Slack said {code}). Please try again.") from None
        except (aiohttp.ClientError, OSError, TimeoutError):
            raise UserError(f"I couldn't reach Slack to check {label}. Please try again in a moment.") from None
        info = response.get("channel") or {}
        name = f"#{info['name']}" if isinstance(info.get("name"), str) else label
        if info.get("is_im") or info.get("is_mpim"):
            raise UserError("Pick a channel, not a direct message, e.g. channel:#reflections.")
        if info.get("is_archived"):
            raise UserError(f"I can't post in {name}: it is archived. Unarchive it or pick another channel.")
        if not info.get("is_member"):
            raise UserError(
                f"I can't post in {name}: I'm not a member yet. Invite @{BOT_NAME} there "
                f"(type /invite @{BOT_NAME} in {name}), then run this again."
            )

    def parse_channel(self, raw: str) -> str:
        return text.parse_channel(raw)

    def parse_users(self, raw: str) -> tuple[str, ...]:
        return text.parse_users(raw)

    def channel_label(self, channel_id: str) -> str:
        return f"<#{channel_id}>"


def _carries(item: dict[str, Any], marker: str) -> bool:
    metadata = item.get("metadata") or {}
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    if isinstance(payload, dict) and payload.get("marker") == marker:
        return True
    return any(isinstance(block, dict) and block.get("block_id") == marker for block in item.get("blocks") or [])
