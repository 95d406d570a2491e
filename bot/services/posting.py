"""Posting prompts and lessons into channels, through the posts ledger.

Every post is claimed in the ledger before it is sent and confirmed with the platform's
message id after, so the same occurrence is never posted twice. ``setup post-now`` uses
the same path with an occurrence of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.clock import Clock
from bot.errors import UserError
from bot.events import ChannelRef, Message
from bot.ports import Platform, PostFailed
from bot.services.lessons import LessonService
from bot.services.prompts import PromptService
from bot.storage.repository import CommunityRow, Repository, ScheduleKind
from bot.views import lesson_post, prompt_post

__all__ = ["Posted", "PostingService"]


@dataclass(frozen=True, slots=True)
class Posted:
    post_id: int
    item_id: str
    item_title: str
    channel: ChannelRef
    thread: ChannelRef | None


class PostingService:
    def __init__(
        self,
        repo: Repository,
        catalog: Catalog,
        lessons: LessonService,
        prompts: PromptService,
        platforms: Mapping[str, Platform],
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._catalog = catalog
        self._lessons = lessons
        self._prompts = prompts
        self._platforms = platforms
        self._clock = clock

    async def post_now(self, community: CommunityRow, kind: ScheduleKind) -> Posted:
        schedule = await self._repo.schedule(community.id, kind)
        if schedule is None:
            raise UserError(f"Set a channel first with setup {kind} channel:… day:… time:… timezone:….")
        # Each press of post-now is its own occurrence: unique, so it never blocks a scheduled one.
        occurrence = f"manual:{self._clock.now().isoformat(timespec='seconds')}:{secrets.token_hex(4)}"
        posted = await self.publish(community, kind, schedule.channel_id, occurrence)
        assert posted is not None, "a fresh manual occurrence cannot have been claimed"
        return posted

    async def publish(
        self, community: CommunityRow, kind: ScheduleKind, channel_id: str, occurrence: str
    ) -> Posted | None:
        """Claim, post, thread and confirm one occurrence; ``None`` if it was claimed already."""
        post_id = await self._repo.claim_post(community.id, kind, occurrence, self._clock.now())
        if post_id is None:
            return None
        platform = self._platforms[community.platform]
        channel = ChannelRef(community.platform, community.workspace_id, channel_id)
        try:
            item_id, title, message = await self._next_item(community, kind, post_id)
            posted = await platform.post(channel, message)
            thread = await platform.open_thread(posted, _thread_name(title)) if kind == "prompts" else None
        except PostFailed as failure:
            await self._repo.fail_post(post_id, failure.reason)
            raise UserError(f"I couldn't post in {platform.channel_label(channel_id)}: {failure.reason}") from None
        except BaseException:
            await self._repo.fail_post(post_id, "unexpected error")
            raise
        await self._repo.confirm_post(
            post_id,
            item_id=item_id,
            channel_id=channel_id,
            message_id=posted.message_id,
            thread_id=thread.thread_id if thread else None,
            now=self._clock.now(),
        )
        return Posted(post_id, item_id, title, channel, thread)

    async def _next_item(self, community: CommunityRow, kind: ScheduleKind, post_id: int) -> tuple[str, str, Message]:
        note = self._catalog.notes.not_therapy
        if kind == "prompts":
            prompt = await self._prompts.next_prompt(community.id)
            if prompt is None:
                raise PostFailed(
                    "every prompt is turned off: turn one on with setup content action:enable", lasting=True
                )
            return prompt.id, prompt.text, prompt_post(prompt, post_id)
        posted = await self._repo.times_posted(community.id, "lessons")
        track = await self._lessons.track(community.id)
        if not track:
            raise PostFailed("every lesson of the track is turned off", lasting=True)
        lesson = min(track, key=lambda item: posted.get(item.id, 0))
        return lesson.id, lesson.title, lesson_post(lesson, note)


def _thread_name(title: str) -> str:
    """Thread names are capped at 100 characters on Discord."""
    name = f"Replies: {title}"
    return name if len(name) <= 90 else name[:89].rstrip() + "…"
