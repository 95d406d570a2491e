"""The loaded, cross-checked content pack, with the look-ups the services need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog.models import (
    FaqEntry,
    KnowledgeQuiz,
    Lesson,
    Notes,
    Prompt,
    Resource,
    SafetyRules,
    SelfReflectionQuiz,
    Track,
)

__all__ = ["Catalog", "normalise"]


def normalise(text: str) -> str:
    """Case, dashes and spacing folded, so "Pursuer–Withdrawer" finds ``pursuer-withdrawer``."""
    folded = text.casefold().replace("–", "-").replace("—", "-").replace("_", "-")
    return " ".join(folded.replace("-", " ").split())


@dataclass(frozen=True)
class Catalog:
    lessons: Mapping[str, Lesson]
    tracks: Mapping[str, Track]
    quizzes: Mapping[str, KnowledgeQuiz | SelfReflectionQuiz]
    prompts: Mapping[str, Prompt]
    faq: Mapping[str, FaqEntry]
    resources: Mapping[str, list[Resource]]
    notes: Notes
    safety: SafetyRules
    """The crisis-language patterns, compiled (``content/safety/patterns.yaml``)."""

    @property
    def default_track(self) -> Track:
        return next(track for track in self.tracks.values() if track.default)

    def track(self, track_id: str | None) -> Track:
        if track_id and track_id in self.tracks:
            return self.tracks[track_id]
        return self.default_track

    def find_lesson(self, query: str) -> Lesson | None:
        """By id, then by exact title, then by a unique title containing the words."""
        if query in self.lessons:
            return self.lessons[query]
        wanted = normalise(query)
        by_title = [lesson for lesson in self.lessons.values() if normalise(lesson.title) == wanted]
        if not by_title:
            by_title = [
                lesson
                for lesson in self.lessons.values()
                if wanted in normalise(lesson.title) or wanted == normalise(lesson.id)
            ]
        return by_title[0] if len(by_title) == 1 else None

    def find_faq(self, query: str) -> FaqEntry | None:
        if query in self.faq:
            return self.faq[query]
        wanted = normalise(query)
        matches = [entry for entry in self.faq.values() if wanted in normalise(entry.question)]
        return matches[0] if len(matches) == 1 else None

    def region_resources(self, region: str) -> list[Resource]:
        """The region's lines, then the international directory (never empty: INTL is required)."""
        own = self.resources.get(region, []) if region != "INTL" else []
        return [*own, *self.resources["INTL"]]

    def content_kind(self, content_id: str) -> str | None:
        for kind, items in (("lesson", self.lessons), ("quiz", self.quizzes), ("prompt", self.prompts)):
            if content_id in items:
                return kind
        return None
