"""Who is a workspace admin or owner, from ``users.info``, remembered for a minute.

Asking on every command would spend Slack's rate limit on quiz presses; remembering
forever would keep a demoted admin in charge. A minute is the compromise. Users named by
``setup moderators`` are the core's business, not this cache's.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import slack_error_code

__all__ = ["AdminCache"]

log = structlog.get_logger("securebase.slack")


class AdminCache:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[bool, float]] = {}

    async def is_admin(self, team_id: str, user_id: str) -> bool:
        """True for admins and owners. When Slack cannot say, the answer is no (and not remembered)."""
        key = (team_id, user_id)
        now = self._clock()
        cached = self._known.get(key)
        if cached is not None and now - cached[1] < self._ttl:
            return cached[0]
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users_info_failed", error=slack_error_code(error))
            return False
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("users_info_failed", error=type(error).__name__)
            return False
        user = response.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        if len(self._known) > 10_000:  # a bound, not an eviction policy: drop everything stale
            self._known = {k: v for k, v in self._known.items() if now - v[1] < self._ttl}
        self._known[key] = (admin, now)
        return admin

    def forget(self) -> None:
        self._known.clear()
