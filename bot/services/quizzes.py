"""Quizzes one question at a time, with their state in the database.

Buttons carry ``(attempt, position, choice)``. An answer is stored only if the attempt
is still waiting at that position, so a double click, a replayed press or a press from
before a restart is recognised as stale and never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.catalog import SELF_REFLECTION_QUIZ, Catalog
from bot.catalog.models import (
    KnowledgeQuestion,
    KnowledgeQuiz,
    Lesson,
    Pattern,
    ReflectionItem,
    SelfReflectionQuiz,
)
from bot.clock import Clock
from bot.errors import StalePress, UserError
from bot.services.scoring import closest_pattern, reflection_scores
from bot.storage.repository import AttemptRow, Repository

__all__ = ["Answered", "KnowledgeResult", "QuizService", "ReflectionResult", "Step"]

AnyQuiz = KnowledgeQuiz | SelfReflectionQuiz


@dataclass(frozen=True, slots=True)
class Step:
    """A question waiting for an answer."""

    attempt_id: int
    quiz: AnyQuiz
    position: int
    question: KnowledgeQuestion | ReflectionItem

    @property
    def total(self) -> int:
        return len(self.quiz.questions) if isinstance(self.quiz, KnowledgeQuiz) else len(self.quiz.items)


@dataclass(frozen=True, slots=True)
class KnowledgeResult:
    quiz: KnowledgeQuiz
    score: int
    total: int
    revisit: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class ReflectionResult:
    quiz: SelfReflectionQuiz
    anxiety: float
    avoidance: float
    pattern_name: str
    pattern: Pattern
    history: tuple[tuple[float, float], ...]
    """Earlier results, oldest first, for the picture."""


@dataclass(frozen=True, slots=True)
class Answered:
    """What follows an answer: feedback (knowledge quizzes), then the next step or the result."""

    question: KnowledgeQuestion | ReflectionItem
    choice: int
    next_step: Step | None = None
    knowledge: KnowledgeResult | None = None
    reflection: ReflectionResult | None = None


class QuizService:
    def __init__(self, repo: Repository, catalog: Catalog, clock: Clock) -> None:
        self._repo = repo
        self._catalog = catalog
        self._clock = clock

    def available(self, disabled: set[str]) -> list[AnyQuiz]:
        return [quiz for quiz in self._catalog.quizzes.values() if quiz.id not in disabled]

    def find(self, name: str | None, disabled: set[str], prefix: str) -> AnyQuiz:
        wanted = (name or SELF_REFLECTION_QUIZ).strip()
        quizzes = self.available(disabled)
        match = next(
            (quiz for quiz in quizzes if wanted in (quiz.id,) or wanted.casefold() == quiz.title.casefold()),
            None,
        )
        if match is None:
            names = ", ".join(quiz.id for quiz in quizzes)
            raise UserError(f'I don\'t have a quiz called "{wanted}". Try {prefix}quiz name: with one of: {names}.')
        return match

    async def start(self, member_id: int, quiz: AnyQuiz) -> Step:
        attempt = await self._repo.start_attempt(member_id, quiz.id, self._clock.now())
        return self._step(attempt, quiz)

    async def current(self, member_id: int, attempt_id: int) -> Step | None:
        """The question an attempt is waiting on, if it is still running and belongs to the member."""
        attempt = await self._repo.attempt(attempt_id)
        if attempt is None or attempt.member_id != member_id or attempt.status != "active":
            return None
        quiz = self._catalog.quizzes.get(attempt.quiz_id)
        return self._step(attempt, quiz) if quiz else None

    async def answer(self, member_id: int, attempt_id: int, position: int, choice: int, prefix: str) -> Answered:
        attempt = await self._repo.attempt(attempt_id)
        if attempt is None or attempt.member_id != member_id or attempt.status != "active":
            raise StalePress(f"That quiz has already finished. Start it again any time with {prefix}quiz.")
        quiz = self._catalog.quizzes.get(attempt.quiz_id)
        if quiz is None:
            raise StalePress(f"That quiz is no longer available. See {prefix}quiz for the ones there are.")
        if position != attempt.position:
            raise StalePress(
                "You've already answered that one, so I didn't count it again. Carry on from your latest question."
            )
        step = self._step(attempt, quiz)
        if not 0 <= choice < self._choices(step):
            raise StalePress("That answer button is out of date. Carry on from your latest question.")
        if not await self._repo.record_answer(attempt, choice):
            raise StalePress("You've already answered that one, so I didn't count it again.")
        answers = [*attempt.answers, choice]
        if len(answers) < step.total:
            moved = replace(attempt, position=attempt.position + 1, answers=answers)
            return Answered(step.question, choice, next_step=self._step(moved, quiz))
        if isinstance(quiz, KnowledgeQuiz):
            return Answered(step.question, choice, knowledge=await self._finish_knowledge(attempt, quiz, answers))
        return Answered(step.question, choice, reflection=await self._finish_reflection(attempt, quiz, answers))

    async def _finish_knowledge(self, attempt: AttemptRow, quiz: KnowledgeQuiz, answers: list[int]) -> KnowledgeResult:
        missed: list[Lesson] = []
        score = 0
        for question, choice in zip(quiz.questions, answers, strict=True):
            if question.options[choice].correct:
                score += 1
            else:
                lesson = self._catalog.lessons[question.lesson]
                if lesson not in missed:
                    missed.append(lesson)
        await self._repo.finish_attempt(
            attempt.id, score=score, total=len(quiz.questions), keep_answers=True, now=self._clock.now()
        )
        return KnowledgeResult(quiz, score, len(quiz.questions), tuple(missed))

    async def _finish_reflection(
        self, attempt: AttemptRow, quiz: SelfReflectionQuiz, answers: list[int]
    ) -> ReflectionResult:
        """Keep the two scores and the date; the item answers are deleted with the attempt."""
        anxiety, avoidance = reflection_scores(quiz, [choice + 1 for choice in answers])
        history = await self._repo.reflection_results(attempt.member_id)
        await self._repo.add_reflection_result(attempt.member_id, anxiety, avoidance, self._clock.now())
        await self._repo.delete_attempt(attempt.id)
        name = closest_pattern(anxiety, avoidance)
        return ReflectionResult(
            quiz, anxiety, avoidance, name, quiz.patterns[name], tuple((a, v) for a, v, _ in history)
        )

    def _step(self, attempt: AttemptRow, quiz: AnyQuiz) -> Step:
        questions = quiz.questions if isinstance(quiz, KnowledgeQuiz) else quiz.items
        return Step(attempt.id, quiz, attempt.position, questions[attempt.position])

    @staticmethod
    def _choices(step: Step) -> int:
        if isinstance(step.question, KnowledgeQuestion):
            return len(step.question.options)
        return 7
