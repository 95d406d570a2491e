"""Scoring the self-reflection quiz: two means on 1–7, and the nearest of four patterns.

Adult attachment is dimensional (Fraley, Hudson, Heffernan & Segal 2015), so the scores
are the result; the pattern is only the "closest to…" quadrant, split at the scale
midpoint as a rough guide (Bartholomew & Horowitz 1991). Reverse-keyed items score as
``8 - answer`` (Fraley, Waller & Brennan 2000).
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from bot.catalog.models import PatternName, SelfReflectionQuiz

__all__ = ["MIDPOINT", "NEAR_MIDPOINT", "closest_pattern", "reflection_scores"]

MIDPOINT = 4.0
NEAR_MIDPOINT = 0.5
"""Within this distance of 4 on a dimension, the label is a loose fit and the result says so."""


def reflection_scores(quiz: SelfReflectionQuiz, answers: Sequence[int]) -> tuple[float, float]:
    """(anxiety, avoidance), each the mean of its items after reversing, rounded to 0.1."""
    if len(answers) != len(quiz.items):
        raise ValueError(f"expected {len(quiz.items)} answers, got {len(answers)}")
    scores: dict[str, list[int]] = {"anxiety": [], "avoidance": []}
    for item, answer in zip(quiz.items, answers, strict=True):
        if not 1 <= answer <= 7:
            raise ValueError(f"answers are 1-7, got {answer}")
        scores[item.dimension].append(8 - answer if item.reverse else answer)
    return round(fmean(scores["anxiety"]), 1), round(fmean(scores["avoidance"]), 1)


def closest_pattern(anxiety: float, avoidance: float) -> PatternName:
    """Above the midpoint counts as higher; exactly 4 counts as lower (the benefit of the doubt)."""
    high_anxiety = anxiety > MIDPOINT
    high_avoidance = avoidance > MIDPOINT
    if high_anxiety and high_avoidance:
        return "fearful-avoidant"
    if high_anxiety:
        return "anxious"
    if high_avoidance:
        return "dismissive-avoidant"
    return "secure"
