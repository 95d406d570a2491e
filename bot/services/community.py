"""Moderator configuration: schedules, safety, moderators, content, pausing, and stats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.clock import Clock
from bot.errors import UserError
from bot.schedule_times import next_occurrences
from bot.services.lessons import CUSTOM_LESSON_PREFIX
from bot.services.prompts import CUSTOM_PROMPT_PREFIX
from bot.storage.repository import CommunityRow, Repository, ScheduleKind, ScheduleRow

__all__ = ["CommunityService", "ScheduleChange", "ScheduleView"]

Toggle = Literal["enable", "disable"]


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """What a moderator asked to change; ``None`` keeps the current value."""

    channel_id: str | None = None
    weekday: int | None = None
    at: time | None = None
    zone: ZoneInfo | None = None
    enabled: bool | None = None
    track_id: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduleView:
    schedule: ScheduleRow
    next_times: tuple[datetime, ...]
    """Local, aware datetimes in the schedule's zone; empty while paused or off."""


class CommunityService:
    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self._repo = repo
        self._catalog = catalog
        self._clock = clock
        self.on_schedule_change: list[Callable[[ScheduleRow], None]] = []
        """Told of every saved, paused or resumed schedule (the scheduler re-arms its job)."""

    def _changed(self, schedule: ScheduleRow) -> None:
        for listener in self.on_schedule_change:
            listener(schedule)

    async def is_moderator(self, community_id: int, user_id: str, is_admin: bool, roles: frozenset[str]) -> bool:
        if is_admin:
            return True
        for kind, ref in await self._repo.moderators(community_id):
            if (kind == "user" and ref == user_id) or (kind == "role" and ref in roles):
                return True
        return False

    async def configure_schedule(
        self, community: CommunityRow, kind: ScheduleKind, change: ScheduleChange, actor_id: str
    ) -> ScheduleView:
        current = await self._repo.schedule(community.id, kind)
        if change.track_id is not None and change.track_id not in self._catalog.tracks:
            tracks = ", ".join(self._catalog.tracks)
            raise UserError(f'There is no track called "{change.track_id}". Tracks: {tracks}.')
        if current is None:
            missing = [
                name
                for name, value in (
                    ("channel", change.channel_id),
                    ("day", change.weekday),
                    ("time", change.at),
                    ("timezone", change.zone),
                )
                if value is None
            ]
            if missing:
                raise UserError(
                    f"To start weekly {kind} I need channel, day, time and timezone; missing: {', '.join(missing)}."
                )
            assert change.channel_id and change.weekday is not None and change.at and change.zone
            current = ScheduleRow(
                id=0,
                community_id=community.id,
                kind=kind,
                channel_id=change.channel_id,
                weekday=change.weekday,
                local_time=change.at.strftime("%H:%M"),
                timezone=change.zone.key,
                track_id=None,
                enabled=True,
                paused=False,
                pause_reason=None,
                configured_by=actor_id,
            )
        updated = replace(
            current,
            channel_id=change.channel_id or current.channel_id,
            weekday=current.weekday if change.weekday is None else change.weekday,
            local_time=change.at.strftime("%H:%M") if change.at else current.local_time,
            timezone=change.zone.key if change.zone else current.timezone,
            track_id=change.track_id or current.track_id,
            enabled=current.enabled if change.enabled is None else change.enabled,
            configured_by=actor_id,
        )
        saved = await self._repo.save_schedule(updated, self._clock.now())
        self._changed(saved)
        await self._repo.audit(community.id, actor_id, f"setup {kind}", _describe(saved), self._clock.now())
        return self.view(saved)

    def view(self, schedule: ScheduleRow, count: int = 4) -> ScheduleView:
        if not schedule.active:
            return ScheduleView(schedule, ())
        zone = ZoneInfo(schedule.timezone)
        at = time.fromisoformat(schedule.local_time)
        times = next_occurrences(schedule.weekday, at, zone, self._clock.now(), count)
        return ScheduleView(schedule, tuple(t.astimezone(zone) for t in times))

    async def schedules(self, community_id: int) -> list[ScheduleView]:
        return [self.view(schedule) for schedule in await self._repo.schedules(community_id)]

    async def set_paused(self, community: CommunityRow, what: str, paused: bool, actor_id: str) -> list[ScheduleKind]:
        """Pause or resume; returns the kinds that exist and changed. Unset schedules are reported."""
        kinds: list[ScheduleKind] = [kind for kind in ("prompts", "lessons") if what in (kind, "all")]
        changed: list[ScheduleKind] = []
        for kind in kinds:
            reason = "paused by a moderator" if paused else None
            schedule = await self._repo.set_paused(community.id, kind, paused, reason, self._clock.now())
            if schedule is not None:
                self._changed(schedule)
                changed.append(kind)
        if not changed:
            raise UserError(
                f"There is nothing to {'pause' if paused else 'resume'} yet: "
                f"set a schedule first with setup {kinds[0]}."
            )
        action = "setup pause" if paused else "setup resume"
        await self._repo.audit(community.id, actor_id, action, ",".join(changed), self._clock.now())
        return changed

    async def set_safety(
        self, community: CommunityRow, region: str | None, alerts_channel: str | None, actor_id: str
    ) -> CommunityRow:
        if region is None and alerts_channel is None:
            raise UserError("Give region (US, UK, IE, CA, AU or INTL), alerts_channel, or both.")
        await self._repo.set_safety(community.id, region=region, alerts_channel=alerts_channel)
        detail = ",".join(part for part in (region and f"region={region}", alerts_channel and "alerts_channel") if part)
        await self._repo.audit(community.id, actor_id, "setup safety", detail, self._clock.now())
        updated = await self._repo.community_by_id(community.id)
        assert updated is not None
        return updated

    async def set_moderators(self, community: CommunityRow, kind: str, refs: tuple[str, ...], actor_id: str) -> None:
        await self._repo.replace_moderators(community.id, kind, refs)
        await self._repo.audit(community.id, actor_id, "setup moderators", f"{kind}s={len(refs)}", self._clock.now())

    async def toggle_content(self, community: CommunityRow, content_id: str, action: Toggle, actor_id: str) -> str:
        """Returns the kind of the item (lesson, quiz, prompt)."""
        kind = self._catalog.content_kind(content_id) or await self._custom_kind(community.id, content_id)
        if kind is None:
            raise UserError(f'Nothing is called "{content_id}". See every id with setup content action:list.')
        await self._repo.set_content_enabled(community.id, content_id, action == "enable")
        await self._repo.audit(community.id, actor_id, f"setup content {action}", content_id, self._clock.now())
        return kind

    async def _custom_kind(self, community_id: int, content_id: str) -> str | None:
        if content_id.startswith(CUSTOM_PROMPT_PREFIX):
            ids = {f"{CUSTOM_PROMPT_PREFIX}{row.id}" for row in await self._repo.custom_prompts(community_id)}
            return "prompt" if content_id in ids else None
        if content_id.startswith(CUSTOM_LESSON_PREFIX):
            ids = {f"{CUSTOM_LESSON_PREFIX}{row.id}" for row in await self._repo.custom_lessons(community_id)}
            return "lesson" if content_id in ids else None
        return None

    async def disabled(self, community_id: int) -> set[str]:
        return await self._repo.disabled_content(community_id)

    async def add_prompt(self, community: CommunityRow, text: str, actor_id: str) -> str:
        text = " ".join(text.split())
        if not 10 <= len(text) <= 300:
            raise UserError("A prompt needs 10–300 characters: one open question works best.")
        new_id = await self._repo.add_custom_prompt(community.id, text, self._clock.now())
        prompt_id = f"{CUSTOM_PROMPT_PREFIX}{new_id}"
        await self._repo.audit(community.id, actor_id, "setup prompt-add", prompt_id, self._clock.now())
        return prompt_id

    async def add_lesson(
        self, community: CommunityRow, title: str, summary: str, body: str, try_this: str, actor_id: str
    ) -> str:
        title, summary, body, try_this = (part.strip() for part in (title, summary, body, try_this))
        if not (3 <= len(title) <= 80 and 10 <= len(summary) <= 160 and 50 <= len(body) <= 3000 and try_this):
            raise UserError(
                "A lesson needs a title (3–80 characters), a summary (10–160), a body (50–3000) and a Try this."
            )
        new_id = await self._repo.add_custom_lesson(community.id, title, summary, body, try_this, self._clock.now())
        lesson_id = f"{CUSTOM_LESSON_PREFIX}{new_id}"
        await self._repo.audit(community.id, actor_id, "setup lesson-add", lesson_id, self._clock.now())
        return lesson_id

    async def moderators(self, community_id: int) -> list[tuple[str, str]]:
        return await self._repo.moderators(community_id)

    async def stats(self, community_id: int) -> dict[str, int]:
        return await self._repo.stats(community_id)


def _describe(schedule: ScheduleRow) -> str:
    """Audit detail: settings only (channel ids, times), never anything a member wrote."""
    state = "on" if schedule.enabled else "off"
    return (
        f"channel={schedule.channel_id} weekday={schedule.weekday} "
        f"time={schedule.local_time} tz={schedule.timezone} {state}"
    )
