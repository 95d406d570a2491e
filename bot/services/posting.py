"""Posting prompts and lessons into channels, through the posts ledger, with retries.

Every post is claimed in the ledger before it is sent and confirmed with the platform's
message id after, so the same occurrence is never posted twice. A passing failure (429,
5xx, timeout) is retried with exponential back-off and jitter; a lasting one (channel
gone, permission missing) is returned for the caller to act on: ``setup post-now``
answers the moderator, the scheduler pauses the schedule and tells the moderators.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import structlog

from bot.catalog import Catalog
from bot.clock import Clock
from bot.errors import UserError
from bot.events import ChannelRef, Message, PostedRef, UserRef
from bot.metrics import Metrics
from bot.ports import Platform, PostFailed
from bot.services.lessons import LessonService
from bot.services.prompts import PromptService
from bot.storage.repository import CommunityRow, Repository, ScheduleKind, ScheduleRow
from bot.views import lesson_post, prompt_post

__all__ = ["Outcome", "Posted", "PostingService", "RetryPolicy", "post_marker"]

log = structlog.get_logger("securebase.posting")

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def post_marker(post_id: int) -> str:
    return f"securebase:post:{post_id}"


class Outcome(Enum):
    POSTED = "posted"
    ALREADY_CLAIMED = "already_claimed"
    FAILED = "failed"
    """Passing failures outlasted the retries."""
    BLOCKED = "blocked"
    """A lasting failure: a moderator must fix something."""


@dataclass(frozen=True, slots=True)
class Posted:
    outcome: Outcome
    post_id: int | None = None
    item_id: str = ""
    item_title: str = ""
    channel: ChannelRef | None = None
    thread: ChannelRef | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Back-off for passing failures: ``base * 2**n`` seconds, ±``jitter``, at most ``attempts`` tries."""

    attempts: int = 5
    base: float = 1.0
    cap: float = 30.0
    jitter: float = 0.25

    def delay(self, attempt: int, rng: random.Random) -> float:
        raw = min(self.cap, self.base * 2.0**attempt)
        return raw * (1 + rng.uniform(-self.jitter, self.jitter))


class PostingService:
    def __init__(
        self,
        repo: Repository,
        catalog: Catalog,
        lessons: LessonService,
        prompts: PromptService,
        platforms: Mapping[str, Platform],
        clock: Clock,
        *,
        metrics: Metrics,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        max_concurrent: int = 32,
    ) -> None:
        """``max_concurrent`` bounds posts under way at once: a weekly fan-out to thousands of
        channels claims and sends in an orderly stream instead of all at the same instant."""
        self._repo = repo
        self._catalog = catalog
        self._lessons = lessons
        self._prompts = prompts
        self._platforms = platforms
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._metrics = metrics
        self._rng = random.Random()
        self._slots = asyncio.Semaphore(max_concurrent)

    async def post_now(self, community: CommunityRow, kind: ScheduleKind) -> Posted:
        schedule = await self._repo.schedule(community.id, kind)
        if schedule is None:
            raise UserError(f"Set a channel first with setup {kind} channel:… day:… time:… timezone:….")
        # Each press of post-now is its own occurrence: unique, so it never blocks a scheduled one.
        occurrence = f"manual:{self._clock.now().isoformat(timespec='seconds')}:{secrets.token_hex(4)}"
        posted = await self.publish(community, schedule, occurrence)
        if posted.outcome is not Outcome.POSTED:
            label = self._platforms[community.platform].channel_label(schedule.channel_id)
            raise UserError(f"I couldn't post in {label}: {posted.reason}")
        return posted

    async def publish(self, community: CommunityRow, schedule: ScheduleRow, occurrence: str) -> Posted:
        """Claim, post, thread and confirm one occurrence."""
        async with self._slots:
            return await self._publish(community, schedule, occurrence)

    async def _publish(self, community: CommunityRow, schedule: ScheduleRow, occurrence: str) -> Posted:
        kind = schedule.kind
        post_id = await self._repo.claim_post(community.id, kind, occurrence, schedule.channel_id, self._clock.now())
        if post_id is None:
            return Posted(Outcome.ALREADY_CLAIMED)
        platform = self._platforms[community.platform]
        channel = ChannelRef(community.platform, community.workspace_id, schedule.channel_id)
        try:
            item_id, title, message = await self._next_item(community, kind, post_id)
            sent = await self._with_retries(lambda: platform.post(channel, message))
        except PostFailed as failure:
            await self._repo.fail_post(post_id, failure.reason)
            log.warning("post_failed", post_id=post_id, kind=kind, lasting=failure.lasting, reason=failure.reason)
            outcome = Outcome.BLOCKED if failure.lasting else Outcome.FAILED
            self._metrics.posts.labels(kind, outcome.value).inc()
            return Posted(outcome, post_id, reason=failure.reason)
        except BaseException:
            await self._repo.fail_post(post_id, "unexpected error")
            raise
        thread, reason = None, ""
        if kind == "prompts":
            thread, reason = await self._open_thread(platform, sent, title)
        await self._repo.confirm_post(
            post_id,
            item_id=item_id,
            channel_id=schedule.channel_id,
            message_id=sent.message_id,
            thread_id=thread.thread_id if thread else None,
            now=self._clock.now(),
        )
        log.info("posted", post_id=post_id, kind=kind, item=item_id)
        self._metrics.posts.labels(kind, Outcome.POSTED.value).inc()
        return Posted(Outcome.POSTED, post_id, item_id, title, channel, thread, reason)

    async def confirm_found(self, post_id: int, item_kind: ScheduleKind, found: PostedRef) -> None:
        """Record a post found in the channel's history after a crash (see ``Scheduler.recover``)."""
        thread_id = found.thread_id
        if item_kind == "prompts" and thread_id is None:
            platform = self._platforms[found.channel.platform]
            thread, _ = await self._open_thread(platform, found, "Replies")
            thread_id = thread.thread_id if thread else None
        await self._repo.confirm_post(
            post_id,
            item_id=await self._item_of(post_id),
            channel_id=found.channel.channel_id,
            message_id=found.message_id,
            thread_id=thread_id,
            now=self._clock.now(),
        )

    async def _item_of(self, post_id: int) -> str:
        row = await self._repo.post(post_id)
        return row.item_id if row and row.item_id else ""

    async def _open_thread(self, platform: Platform, sent: PostedRef, title: str) -> tuple[ChannelRef | None, str]:
        """A thread that fails to open leaves the post standing; the reason is reported."""
        try:
            return await self._with_retries(lambda: platform.open_thread(sent, _thread_name(title))), ""
        except PostFailed as failure:
            log.warning("thread_failed", reason=failure.reason)
            return None, failure.reason

    async def _with_retries(self, send: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self._retry.attempts):
            try:
                return await send()
            except PostFailed as failure:
                if failure.lasting or attempt == self._retry.attempts - 1:
                    raise
                delay = failure.retry_after or self._retry.delay(attempt, self._rng)
                self._metrics.retries.inc()
                log.info("post_retry", attempt=attempt + 1, delay=round(delay, 2), reason=failure.reason)
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _next_item(self, community: CommunityRow, kind: ScheduleKind, post_id: int) -> tuple[str, str, Message]:
        note = self._catalog.notes.not_therapy_for(self._platforms[community.platform].command_prefix)
        marker = post_marker(post_id)
        if kind == "prompts":
            prompt = await self._prompts.next_prompt(community.id)
            if prompt is None:
                raise PostFailed("every prompt is turned off: turn one on with setup content", lasting=True)
            await self._repo.set_post_item(post_id, prompt.id)
            return prompt.id, prompt.text, prompt_post(prompt, post_id, marker)
        lesson = await self._lessons.next_for_channel(community.id)
        if lesson is None:
            raise PostFailed("every lesson of the track is turned off: turn one on with setup content", lasting=True)
        await self._repo.set_post_item(post_id, lesson.id)
        return lesson.id, lesson.title, lesson_post(lesson, note, marker)

    async def tell_moderators(self, community: CommunityRow, schedule: ScheduleRow, text: str) -> None:
        """The alerts channel if set, else a direct message to whoever configured the schedule."""
        platform = self._platforms[community.platform]
        message = Message(title="Secure Base needs a hand", body=text, private=False)
        try:
            if community.alerts_channel:
                alerts = ChannelRef(community.platform, community.workspace_id, community.alerts_channel)
                await self._with_retries(lambda: platform.post(alerts, message))
            elif schedule.configured_by:
                user = UserRef(community.platform, community.workspace_id, schedule.configured_by)
                await platform.send_private(user, message)
        except PostFailed as failure:
            log.warning("moderators_not_told", community_id=community.id, reason=failure.reason)


def _thread_name(title: str) -> str:
    """Thread names are capped at 100 characters on Discord."""
    name = f"Replies: {title}"
    return name if len(name) <= 90 else name[:89].rstrip() + "…"
