"""Slack API failures as the core's ``PostFailed``: passing ones are retried, lasting ones
need a moderator, and the reason is a sentence a moderator can act on.

The Web API client already retries a 429 (``AsyncRateLimitErrorRetryHandler``) and dropped
connections; what still fails here has outlasted those retries.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ports import PostFailed

__all__ = ["BOT_NAME", "slack_error_code", "to_post_failed"]

BOT_NAME = "Secure Base"
"""The bot user's display name, as the manifest sets it: used in "invite @Secure Base" fixes."""

_PASSING = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "timeout",
}

_LASTING_REASONS = {
    "channel_not_found": f"the channel is gone, or it is private and I'm not in it: invite @{BOT_NAME} to it",
    "not_in_channel": f"I'm not in that channel: invite @{BOT_NAME} to it (type /invite @{BOT_NAME} there)",
    "is_archived": "the channel is archived: unarchive it or pick another channel",
    "missing_scope": "the Slack app lacks a permission: reinstall it from `securebase slack-manifest`",
    "restricted_action": "the workspace does not let apps post there: ask a Slack admin, or pick another channel",
    "restricted_action_read_only_channel": "the channel is read-only: pick another channel",
    "restricted_action_thread_only_channel": "the channel only allows replies in threads: pick another channel",
    "cannot_reply_to_message": "replies are turned off on that post",
    "invalid_auth": "the Slack token no longer works: reinstall the app and update SLACK_BOT_TOKEN",
    "not_authed": "the Slack token is missing: set SLACK_BOT_TOKEN",
    "token_revoked": "the Slack token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
    "account_inactive": "the Slack app was removed or deactivated: reinstall it and update SLACK_BOT_TOKEN",
    "team_access_not_granted": "the Slack app is not installed in this workspace: install it again",
    "user_not_found": "that member is not in this workspace any more",
    "msg_too_long": "the message was too long for Slack",
    "invalid_blocks": "Slack refused the message layout (a bug: please report it)",
}


def slack_error_code(error: SlackApiError) -> str:
    """The ``error`` string of a failed call (``not_in_channel``), or ``http_<status>``."""
    data = error.response.data if error.response is not None else None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    status = error.response.status_code if error.response is not None else 0
    return f"http_{status}"


def _retry_after(error: SlackApiError) -> float | None:
    headers = error.response.headers if error.response is not None else {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def to_post_failed(error: BaseException) -> PostFailed:
    """Classify one failure. Unknown Slack errors count as lasting: retrying them would not help,
    and a moderator hears what Slack said."""
    if isinstance(error, SlackApiError):
        code = slack_error_code(error)
        status = error.response.status_code if error.response is not None else 0
        if status == 429 or code in ("ratelimited", "rate_limited"):
            return PostFailed("Slack asked me to slow down", lasting=False, retry_after=_retry_after(error))
        if status >= 500 or code in _PASSING:
            return PostFailed(f"Slack had a problem ({code})", lasting=False)
        reason = _LASTING_REASONS.get(code, f"Slack refused it ({code})")
        if code == "missing_scope" and error.response is not None and isinstance(error.response.data, dict):
            needed = error.response.data.get("needed")
            if isinstance(needed, str) and needed:
                reason = f"{reason} (it needs {needed})"
        return PostFailed(reason, lasting=True)
    if isinstance(error, (aiohttp.ClientError, TimeoutError, ConnectionError)):
        return PostFailed("Slack did not answer in time", lasting=False)
    if isinstance(error, SlackClientError):
        return PostFailed("Slack did not answer as expected", lasting=False)
    raise error
