"""Scoring the real self-reflection quiz: means per dimension after reversing, and the nearest pattern.

Reverse-keyed items score ``8 - answer``; each dimension is the mean of its items, rounded to 0.1.
The nearest pattern splits each dimension at the midpoint 4: above 4 is higher, exactly 4 is lower.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog import SELF_REFLECTION_QUIZ, Catalog
from bot.catalog.models import SelfReflectionQuiz
from bot.services.scoring import closest_pattern, reflection_scores

ROUNDING = 0.05 + 1e-9  # a mean rounded to 0.1 is never further than this from the exact mean


def _quiz(catalog: Catalog) -> SelfReflectionQuiz:
    quiz = catalog.quizzes[SELF_REFLECTION_QUIZ]
    assert isinstance(quiz, SelfReflectionQuiz)
    return quiz


def _exact_means(quiz: SelfReflectionQuiz, answers: Sequence[int]) -> tuple[float, float]:
    scored: dict[str, list[int]] = {"anxiety": [], "avoidance": []}
    for item, answer in zip(quiz.items, answers, strict=True):
        scored[item.dimension].append(8 - answer if item.reverse else answer)
    return (
        sum(scored["anxiety"]) / len(scored["anxiety"]),
        sum(scored["avoidance"]) / len(scored["avoidance"]),
    )


def _check(quiz: SelfReflectionQuiz, name: str, answers: Sequence[int], problems: list[str]) -> tuple[float, float]:
    scores = reflection_scores(quiz, answers)
    for dimension, got, exact in zip(("anxiety", "avoidance"), scores, _exact_means(quiz, answers), strict=True):
        if abs(got - exact) > ROUNDING:
            problems.append(f"{name}: {dimension} is {got}, expected {exact:.3f} rounded to 0.1")
        if abs(got * 10 - round(got * 10)) > 1e-6:
            problems.append(f"{name}: {dimension} is {got}, not rounded to 0.1")
    return scores


def test_lowest_and_highest_answers(catalog: Catalog) -> None:
    quiz = _quiz(catalog)
    problems: list[str] = []

    # Every answer 1 or every answer 7: reverse-keyed items pull the means away from the ends.
    for value in (1, 7):
        _check(quiz, f"all answers {value}", [value] * len(quiz.items), problems)

    lowest = [7 if item.reverse else 1 for item in quiz.items]
    scores = _check(quiz, "lowest-scoring answers", lowest, problems)
    if scores != (1.0, 1.0):
        problems.append(f"lowest-scoring answers: scores {scores}, expected (1.0, 1.0)")
    if closest_pattern(*scores) != "secure":
        problems.append(f"lowest-scoring answers: closest to {closest_pattern(*scores)}, expected secure")

    highest = [1 if item.reverse else 7 for item in quiz.items]
    scores = _check(quiz, "highest-scoring answers", highest, problems)
    if scores != (7.0, 7.0):
        problems.append(f"highest-scoring answers: scores {scores}, expected (7.0, 7.0)")
    if closest_pattern(*scores) != "fearful-avoidant":
        problems.append(f"highest-scoring answers: closest to {closest_pattern(*scores)}, expected fearful-avoidant")

    assert not problems, "\n".join(problems)


def test_mixed_answers_with_reverse_keyed_items(catalog: Catalog) -> None:
    quiz = _quiz(catalog)
    problems: list[str] = []

    # High anxiety, low avoidance, once reverse-keyed items are flipped: 6 on anxiety, 2 on avoidance.
    answers = [
        (2 if item.reverse else 6) if item.dimension == "anxiety" else (6 if item.reverse else 2) for item in quiz.items
    ]
    scores = _check(quiz, "anxious answers", answers, problems)
    if scores != (6.0, 2.0):
        problems.append(f"anxious answers: scores {scores}, expected (6.0, 2.0)")
    if closest_pattern(*scores) != "anxious":
        problems.append(f"anxious answers: closest to {closest_pattern(*scores)}, expected anxious")

    # All 4 except one reverse-keyed item per dimension answered 7, which must count as 1.
    answers = [4] * len(quiz.items)
    for dimension in ("anxiety", "avoidance"):
        index = next(i for i, item in enumerate(quiz.items) if item.dimension == dimension and item.reverse)
        answers[index] = 7
        count = sum(item.dimension == dimension for item in quiz.items)
        exact = (4 * (count - 1) + 1) / count
        got = reflection_scores(quiz, answers)[0 if dimension == "anxiety" else 1]
        if abs(got - exact) > ROUNDING:
            problems.append(
                f"one reversed {dimension} item answered 7: {dimension} is {got}, expected {exact:.3f} rounded to 0.1"
            )

    # A spread of answers across the whole scale, in item order.
    spread = [(index % 7) + 1 for index in range(len(quiz.items))]
    _check(quiz, "answers 1..7 in turn", spread, problems)
    _check(quiz, "answers 7..1 in turn", [8 - answer for answer in spread], problems)

    assert not problems, "\n".join(problems)


def test_closest_pattern_around_the_midpoint(catalog: Catalog) -> None:
    quiz = _quiz(catalog)
    problems: list[str] = []
    for anxiety in (3.9, 4.0, 4.1):
        for avoidance in (3.9, 4.0, 4.1):
            high_anxiety, high_avoidance = anxiety > 4, avoidance > 4
            expected = {
                (False, False): "secure",
                (True, False): "anxious",
                (False, True): "dismissive-avoidant",
                (True, True): "fearful-avoidant",
            }[high_anxiety, high_avoidance]
            got = closest_pattern(anxiety, avoidance)
            if got != expected:
                problems.append(f"closest_pattern({anxiety}, {avoidance}) is {got!r}, expected {expected!r}")
            if got not in quiz.patterns:
                problems.append(f"closest_pattern({anxiety}, {avoidance}) is {got!r}, which the quiz has no text for")
    assert not problems, "\n".join(problems)
