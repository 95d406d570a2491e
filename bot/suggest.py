"""Autocomplete for options that pick from a list: lessons, quizzes, FAQ, tracks, content, time zones.

Platform-neutral: adapters ask with what the person has typed so far and show the answers
(Discord's autocomplete; Slack and the console could list them in help).
"""

from __future__ import annotations

from bot.catalog import normalise
from bot.commands import OptionKind
from bot.options import known_timezones
from bot.services import Services

__all__ = ["MAX_SUGGESTIONS", "suggest"]

MAX_SUGGESTIONS = 25
"""Discord shows at most 25 choices."""


async def suggest(services: Services, community_id: int, kind: OptionKind, typed: str) -> list[tuple[str, str]]:
    """(label, value) pairs whose label or value contains what was typed, best matches first."""
    candidates: list[tuple[str, str]]
    match kind:
        case OptionKind.LESSON:
            lessons = await services.lessons.all_lessons(community_id)
            candidates = [(lesson.title, lesson.id) for lesson in lessons]
        case OptionKind.QUIZ:
            disabled = await services.community.disabled(community_id)
            candidates = [(quiz.title, quiz.id) for quiz in services.quizzes.available(disabled)]
        case OptionKind.FAQ:
            candidates = [(entry.question, entry.id) for entry in services.catalog.faq.values()]
        case OptionKind.TRACK:
            candidates = [(track.title, track.id) for track in services.catalog.tracks.values()]
        case OptionKind.CONTENT:
            catalog = services.catalog
            candidates = [
                *((f"Lesson: {item.title}", item.id) for item in catalog.lessons.values()),
                *((f"Quiz: {item.title}", item.id) for item in catalog.quizzes.values()),
                *((f"Prompt: {item.text}", item.id) for item in catalog.prompts.values()),
            ]
        case OptionKind.TIMEZONE:
            candidates = [(name, name) for name in known_timezones()]
        case _:
            return []
    wanted = normalise(typed)
    scored = []
    for label, value in candidates:
        haystack = f"{normalise(label)} {normalise(value)}"
        if wanted in haystack:
            starts = normalise(label).startswith(wanted) or normalise(value).startswith(wanted)
            scored.append((0 if starts else 1, _clip(label), value))
    scored.sort(key=lambda item: item[0])  # stable: keeps content order within each rank
    return [(label, value) for _, label, value in scored[:MAX_SUGGESTIONS]]


def _clip(label: str, limit: int = 100) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
