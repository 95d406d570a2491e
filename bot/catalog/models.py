"""Typed shapes of the content pack (``content/``), validated at load.

Content is data that moderators read and extend, so every rule here exists to turn a
mistake in a YAML file into a message that names the file and the field. Lengths follow
``CONTENT.md``: a lesson reads in about a minute, a prompt is one short open question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "FAQ_ANSWER_MAX_WORDS",
    "SAFETY_KINDS",
    "CrisisExclusion",
    "CrisisGroup",
    "CrisisNegation",
    "CrisisPatternFile",
    "CrisisTypos",
    "FaqEntry",
    "KnowledgeQuestion",
    "KnowledgeQuiz",
    "Lesson",
    "Notes",
    "Option",
    "Pattern",
    "Prompt",
    "Quiz",
    "ReflectionItem",
    "Resource",
    "SafetyKind",
    "SafetyPatternGroup",
    "SafetyRules",
    "SelfReflectionQuiz",
    "Track",
    "word_count",
]

ContentId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=48),
]
"""Ids are lowercase words joined by hyphens: they appear in commands (`/lesson pursuer-withdrawer`)
and inside button ids, which Discord caps at 100 characters."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LESSON_BODY_WORDS = (80, 200)
TRY_THIS_MAX_WORDS = 60
PROMPT_MAX_WORDS = 40
FAQ_ANSWER_MAX_WORDS = 120

Dimension = Literal["anxiety", "avoidance"]
PatternName = Literal["secure", "anxious", "dismissive-avoidant", "fearful-avoidant"]


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters, digits and apostrophes."""
    return len(re.findall(r"[\w'’-]+", text))


class _Strict(BaseModel):
    """Unknown keys are errors: a typo such as ``try_ths`` must not silently drop a field."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Lesson(_Strict):
    id: ContentId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=80)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=160)]
    body: Text
    try_this: Text
    key_terms: list[Text] = Field(default_factory=list)
    sources: list[Text] = Field(min_length=1)
    quiz: ContentId | None = None
    topics: list[Text] = Field(default_factory=list)

    @field_validator("body")
    @classmethod
    def _body_is_bite_sized(cls, body: str) -> str:
        low, high = LESSON_BODY_WORDS
        words = word_count(body)
        if not low <= words <= high:
            raise ValueError(f"must be {low}-{high} words, has {words}")
        return body

    @field_validator("try_this")
    @classmethod
    def _exercise_is_short(cls, text: str) -> str:
        words = word_count(text)
        if words > TRY_THIS_MAX_WORDS:
            raise ValueError(f"must be at most {TRY_THIS_MAX_WORDS} words, has {words}")
        return text


class Track(_Strict):
    id: ContentId
    title: Text
    description: Text
    lessons: list[ContentId] = Field(min_length=1)
    default: bool = False

    @field_validator("lessons")
    @classmethod
    def _no_repeats(cls, lessons: list[str]) -> list[str]:
        seen: set[str] = set()
        for lesson in lessons:
            if lesson in seen:
                raise ValueError(f'lists "{lesson}" twice')
            seen.add(lesson)
        return lessons


class Option(_Strict):
    text: Text
    correct: bool = False
    explanation: Text


class KnowledgeQuestion(_Strict):
    id: ContentId
    text: Text
    lesson: ContentId
    options: list[Option] = Field(min_length=2, max_length=5)

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> KnowledgeQuestion:
        correct = sum(option.correct for option in self.options)
        if correct != 1:
            raise ValueError(f"needs exactly one option with correct: true, has {correct}")
        return self


class ReflectionItem(_Strict):
    id: ContentId
    text: Text
    dimension: Dimension
    reverse: bool = False


class Pattern(_Strict):
    label: Text
    description: Text
    lessons: list[ContentId] = Field(min_length=1)


class _QuizBase(_Strict):
    id: ContentId
    title: Text
    description: Text


class KnowledgeQuiz(_QuizBase):
    kind: Literal["knowledge"]
    questions: list[KnowledgeQuestion] = Field(min_length=1, max_length=25)


class SelfReflectionQuiz(_QuizBase):
    """Agreement items on the two attachment dimensions, scored as means on 1-7.

    The scale is fixed at seven points (Fraley, Waller & Brennan 2000); reverse-keyed
    items are scored as ``8 - answer``.
    """

    kind: Literal["self-reflection"]
    scale: list[Text] = Field(min_length=7, max_length=7)
    items: list[ReflectionItem] = Field(min_length=2, max_length=40)
    patterns: dict[PatternName, Pattern]

    @model_validator(mode="after")
    def _both_dimensions_and_patterns(self) -> SelfReflectionQuiz:
        for dimension in ("anxiety", "avoidance"):
            if not any(item.dimension == dimension for item in self.items):
                raise ValueError(f"needs at least one item with dimension: {dimension}")
        missing = {"secure", "anxious", "dismissive-avoidant", "fearful-avoidant"} - set(self.patterns)
        if missing:
            raise ValueError(f"patterns is missing {', '.join(sorted(missing))}")
        return self


Quiz = Annotated[KnowledgeQuiz | SelfReflectionQuiz, Field(discriminator="kind")]


class Prompt(_Strict):
    id: ContentId
    text: Text
    theme: ContentId
    lesson: ContentId | None = None

    @field_validator("text")
    @classmethod
    def _short_question(cls, text: str) -> str:
        words = word_count(text)
        if words > PROMPT_MAX_WORDS:
            raise ValueError(f"must be at most {PROMPT_MAX_WORDS} words, has {words}")
        if not text.rstrip().endswith("?"):
            raise ValueError("must be one open question ending with '?'")
        return text


class FaqEntry(_Strict):
    id: ContentId
    question: Text
    answer: Text

    @field_validator("answer")
    @classmethod
    def _short_answer(cls, text: str) -> str:
        words = word_count(text)
        if words > FAQ_ANSWER_MAX_WORDS:
            raise ValueError(f"must be at most {FAQ_ANSWER_MAX_WORDS} words, has {words}")
        return text


class Resource(_Strict):
    name: Text
    contact: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    checked: date


class Notes(_Strict):
    """Short texts the bot repeats in many places; kept as content so they can be reworded.

    ``{prefix}`` stands for how commands are typed where the text is shown (``/`` on Discord,
    ``/securebase `` on Slack), so ``{prefix}resources`` can be copied as it reads.
    """

    not_therapy: Text
    welcome: Text

    @field_validator("not_therapy", "welcome")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        unknown = set(re.findall(r"{([^}]*)}", text)) - {"prefix"}
        if unknown:
            raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}: only {{prefix}} is filled in")
        return text

    def not_therapy_for(self, prefix: str) -> str:
        return self.not_therapy.replace("{prefix}", prefix)


# --- crisis-language patterns (content/safety/patterns.yaml) -------------------------------------

SafetyKind = Literal["direct", "passive", "hopelessness", "self-harm"]
SAFETY_KINDS: tuple[SafetyKind, ...] = ("direct", "passive", "hopelessness", "self-harm")
"""Direct statements, passive wishes to be gone, "no way out" hopelessness, self-harm: every kind
needs at least one group, so a layered folder cannot silently drop a whole kind."""

RegexText = Annotated[str, StringConstraints(min_length=1)]


def _plain_word(word: str) -> str:
    if not re.fullmatch(r"[a-z]+", word):
        raise ValueError(
            f'"{word}" must be lower-case letters only: text is normalised first, so write dont, not don\'t'
        )
    return word


Word = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_plain_word)]


class CrisisGroup(_Strict):
    """Patterns of one kind of crisis language; ``note`` says for reviewers what belongs here."""

    id: ContentId
    kind: SafetyKind
    note: str = ""
    patterns: list[RegexText] = Field(min_length=1)


class CrisisExclusion(_Strict):
    """Figurative or everyday phrasings blanked out before the groups are matched."""

    id: ContentId
    note: str = ""
    patterns: list[RegexText] = Field(min_length=1)


class CrisisNegation(_Strict):
    note: str = ""
    cues: list[Word] = Field(min_length=1)
    glue: list[Word] = Field(default_factory=list)
    window: int = Field(ge=1, le=12)
    clause_breaks: RegexText


class CrisisTypos(_Strict):
    note: str = ""
    one_edit: list[Word] = Field(default_factory=list)
    swapped: list[Word] = Field(default_factory=list)


class CrisisPatternFile(_Strict):
    """One ``safety/patterns.yaml``; layered files may give only some of these keys."""

    terms: dict[str, RegexText] = Field(default_factory=dict)
    groups: list[CrisisGroup] = Field(default_factory=list)
    exclusions: list[CrisisExclusion] = Field(default_factory=list)
    negation: CrisisNegation | None = None
    typos: CrisisTypos | None = None

    @field_validator("terms")
    @classmethod
    def _term_names(cls, terms: dict[str, str]) -> dict[str, str]:
        for name in terms:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                raise ValueError(f'term "{name}" must be upper case (A-Z, 0-9, _), as it is written {{{name}}}')
        return terms


@dataclass(frozen=True, slots=True)
class SafetyPatternGroup:
    id: str
    kind: SafetyKind
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class SafetyRules:
    """The layered, compiled crisis-language patterns: everything the detector needs, checked at load."""

    groups: tuple[SafetyPatternGroup, ...]
    exclusions: tuple[re.Pattern[str], ...]
    negation_cues: frozenset[str]
    glue: frozenset[str]
    window: int
    clause_breaks: re.Pattern[str]
    one_edit: tuple[str, ...]
    swapped: tuple[str, ...]
