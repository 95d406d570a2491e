"""The community's lesson track, the member's place in it, and marking lessons done."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog
from bot.catalog.models import Lesson
from bot.clock import Clock
from bot.errors import UserError
from bot.storage.repository import Repository

__all__ = ["CUSTOM_LESSON_PREFIX", "LessonService", "TrackPlace"]

CUSTOM_LESSON_PREFIX = "custom-lesson-"


@dataclass(frozen=True, slots=True)
class TrackPlace:
    lesson: Lesson
    position: int | None
    """1-based place in the community's track, or ``None`` for a lesson outside it."""
    total: int
    done: bool
    next_lesson: Lesson | None


def _place(track: list[Lesson], done: set[str], lesson: Lesson) -> TrackPlace:
    ids = [item.id for item in track]
    position = ids.index(lesson.id) + 1 if lesson.id in ids else None
    following = next((item for item in track if item.id not in done and item.id != lesson.id), None)
    return TrackPlace(lesson, position, len(track), lesson.id in done, following)


class LessonService:
    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self._repo = repo
        self._catalog = catalog
        self._clock = clock

    async def track(self, community_id: int) -> list[Lesson]:
        """The track the community follows (``setup lessons track:``), minus lessons turned off,
        plus the community's own lessons at the end."""
        schedule = await self._repo.schedule(community_id, "lessons")
        track = self._catalog.track(schedule.track_id if schedule else None)
        disabled = await self._repo.disabled_content(community_id)
        lessons = [self._catalog.lessons[i] for i in track.lessons if i not in disabled]
        for row in await self._repo.custom_lessons(community_id):
            lesson_id = f"{CUSTOM_LESSON_PREFIX}{row.id}"
            if lesson_id in disabled:
                continue
            lessons.append(
                Lesson.model_construct(
                    id=lesson_id,
                    title=row.title,
                    summary=row.summary,
                    body=row.body,
                    try_this=row.try_this,
                    key_terms=[],
                    sources=["Written by this community's moderators."],
                    quiz=None,
                    topics=[],
                )
            )
        return lessons

    async def all_lessons(self, community_id: int) -> list[Lesson]:
        """Every lesson a member here may open: the track first, then the rest of the catalogue."""
        track = await self.track(community_id)
        disabled = await self._repo.disabled_content(community_id)
        seen = {lesson.id for lesson in track}
        rest = [lesson for lesson in self._catalog.lessons.values() if lesson.id not in seen | disabled]
        return [*track, *rest]

    async def find(self, community_id: int, query: str, prefix: str) -> Lesson:
        lessons = await self.all_lessons(community_id)
        by_id = {lesson.id: lesson for lesson in lessons}
        found = by_id.get(query.strip()) or self._catalog.find_lesson(query)
        if found is None:
            custom = [lesson for lesson in lessons if lesson.title.casefold() == query.strip().casefold()]
            found = custom[0] if custom else None
        if found is None or found.id not in by_id:
            raise UserError(
                f'I don\'t have a lesson called "{query}". Try {prefix}lesson with no topic for your next one, '
                f"or start typing a topic to pick from the list."
            )
        return found

    async def place(self, community_id: int, member_id: int | None, lesson: Lesson) -> TrackPlace:
        track = await self.track(community_id)
        return _place(track, await self._done(member_id), lesson)

    async def next_unread(self, community_id: int, member_id: int | None) -> TrackPlace | None:
        """Where the member is: their first unread lesson of the track, or ``None`` when all are done."""
        track = await self.track(community_id)
        done = await self._done(member_id)
        upcoming = next((lesson for lesson in track if lesson.id not in done), None)
        return _place(track, done, upcoming) if upcoming else None

    async def _done(self, member_id: int | None) -> set[str]:
        return await self._repo.lessons_done(member_id) if member_id is not None else set()

    async def next_for_channel(self, community_id: int) -> Lesson | None:
        """The lesson drip: the track in order, the least-posted lesson first, starting over when done."""
        track = await self.track(community_id)
        if not track:
            return None
        posted = await self._repo.times_posted(community_id, "lessons")
        return min(track, key=lambda lesson: posted.get(lesson.id, 0))  # min keeps the first of equals

    async def mark_done(self, member_id: int, lesson_id: str) -> bool:
        return await self._repo.mark_lesson_done(member_id, lesson_id, self._clock.now())

    async def progress(self, community_id: int, member_id: int | None) -> tuple[int, int]:
        """(lessons of the track done, lessons in the track)."""
        track = await self.track(community_id)
        done = await self._repo.lessons_done(member_id) if member_id is not None else set()
        return sum(lesson.id in done for lesson in track), len(track)
