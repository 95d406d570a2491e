"""The bundled content pack: it loads, it is big enough, and it covers every topic CONTENT.md asks for.

Each test collects every problem it finds and reports them together, so one run shows a moderator
everything that needs fixing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalog import SELF_REFLECTION_QUIZ, Catalog, ContentError, bundled_content_dir, load_catalog
from bot.catalog.models import KnowledgeQuiz, SelfReflectionQuiz, word_count

CONTENT_MD = Path(__file__).resolve().parents[3] / "shared" / "CONTENT.md"

# Copied from CONTENT.md, "Topics that must be covered", lowercased, one entry per topic.
REQUIRED_TOPICS = (
    "the four styles (secure, anxious, dismissive-avoidant, fearful-avoidant)",
    "recognising your own patterns",
    "impact on adult relationships",
    "early relationship dynamics",
    "connecting past experience to present behaviour",
    "developing healthier patterns and corrective emotional experiences",
    "trauma-focused help (emdr, named, not taught)",
    "emotional regulation",
    "journaling",
    "honest and open communication (i-statements)",
    "seeking professional help",
    "how therapy helps",
    "building trust and predictability",
    "communication as a cornerstone",
    "emotional safety for intimacy",
    "dialogue and understanding",
    "the pursuer–withdrawer cycle",
    "active listening",
    "turning negative patterns around (softer emotions under anger)",
    "secure vs insecure effects on well-being",
    "emotional cycles",
    "how negative patterns emerge",
    "eft principles",
    "attachment theory in eft",
    "distress as bond disruption",
    "the three eft stages",
    "benefits (relationship satisfaction, individual well-being, mind–body)",
)

KNOWLEDGE_QUIZZES = ("attachment-basics", "communication-skills", "pursuer-withdrawer-cycle", "eft-basics")
REGIONS = ("US", "UK", "IE", "CA", "AU", "INTL")

MIN_LESSONS = 24
MIN_KNOWLEDGE_QUESTIONS = 40
MIN_PROMPTS = 52
MIN_FAQ = 8
MIN_ITEMS_PER_DIMENSION = 8
MIN_REVERSED_PER_DIMENSION = 2
DEFAULT_TRACK_LESSONS = 12
COMMUNICATION_TRACK = "communication-skills"

# A sentence ends at . ! or ? (after any closing quote or bracket) followed by the end of the text or by
# a space and a capital letter, digit or opening quote, so '"I feel that you..." is' stays one sentence.
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')]*(?=\s+[\"“A-Z0-9]|\s*$)")


def _topic_key(topic: str) -> str:
    return " ".join(topic.casefold().split()).strip(" .")


def _sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.strip())))


def test_pack_loads() -> None:
    problems: list[str] = []
    try:
        catalog = load_catalog([bundled_content_dir()])
    except ContentError as error:
        pytest.fail("the bundled content does not load:\n" + "\n".join(error.problems), pytrace=False)

    in_tracks = {lesson_id for track in catalog.tracks.values() for lesson_id in track.lessons}
    for lesson_id in sorted(set(catalog.lessons) - in_tracks):
        problems.append(f"lesson {lesson_id}: is not in any track")
    for quiz in catalog.quizzes.values():
        if isinstance(quiz, KnowledgeQuiz):
            for question in quiz.questions:
                if question.lesson not in catalog.lessons:
                    problems.append(f"quiz {quiz.id}: question {question.id}: unknown lesson {question.lesson!r}")
    assert not problems, "\n".join(problems)


def test_counts_and_lengths(catalog: Catalog) -> None:
    problems: list[str] = []

    if len(catalog.lessons) < MIN_LESSONS:
        problems.append(f"lessons: {len(catalog.lessons)}, need at least {MIN_LESSONS}")
    not_therapy = catalog.notes.not_therapy.casefold()
    for lesson in catalog.lessons.values():
        words = word_count(lesson.body)
        if not 80 <= words <= 200:
            problems.append(f"lesson {lesson.id}: body has {words} words, needs 80-200")
        if word_count(lesson.try_this) > 60:
            problems.append(f"lesson {lesson.id}: try_this has {word_count(lesson.try_this)} words, max 60")
        if "\n" in lesson.summary:
            problems.append(f"lesson {lesson.id}: summary must be one line")
        if not lesson.key_terms:
            problems.append(f"lesson {lesson.id}: has no key_terms")
        if lesson.quiz is None:
            problems.append(f"lesson {lesson.id}: names no related quiz")
        if not_therapy in lesson.body.casefold() or "not therapy" in lesson.body.casefold():
            problems.append(f"lesson {lesson.id}: the not-therapy note belongs to the bot, not the body")

    reflection = catalog.quizzes.get(SELF_REFLECTION_QUIZ)
    if not isinstance(reflection, SelfReflectionQuiz):
        problems.append(f"quiz {SELF_REFLECTION_QUIZ}: missing or not a self-reflection quiz")
    else:
        for dimension in ("anxiety", "avoidance"):
            items = [item for item in reflection.items if item.dimension == dimension]
            reversed_items = [item for item in items if item.reverse]
            if len(items) < MIN_ITEMS_PER_DIMENSION:
                problems.append(f"quiz {reflection.id}: {len(items)} {dimension} items, need {MIN_ITEMS_PER_DIMENSION}")
            if len(reversed_items) < MIN_REVERSED_PER_DIMENSION:
                problems.append(
                    f"quiz {reflection.id}: {len(reversed_items)} reverse-keyed {dimension} items, "
                    f"need {MIN_REVERSED_PER_DIMENSION}"
                )

    knowledge = {quiz.id: quiz for quiz in catalog.quizzes.values() if isinstance(quiz, KnowledgeQuiz)}
    if len(knowledge) < len(KNOWLEDGE_QUIZZES):
        problems.append(f"knowledge quizzes: {len(knowledge)}, need at least {len(KNOWLEDGE_QUIZZES)}")
    for quiz_id in KNOWLEDGE_QUIZZES:
        if quiz_id not in knowledge:
            problems.append(f"knowledge quiz {quiz_id}: missing")
    total_questions = sum(len(quiz.questions) for quiz in knowledge.values())
    if total_questions < MIN_KNOWLEDGE_QUESTIONS:
        problems.append(f"knowledge questions: {total_questions}, need at least {MIN_KNOWLEDGE_QUESTIONS}")
    for quiz in knowledge.values():
        if len(quiz.questions) > 25:
            problems.append(f"quiz {quiz.id}: {len(quiz.questions)} questions, max 25")
        for question in quiz.questions:
            correct = sum(option.correct for option in question.options)
            if correct != 1:
                problems.append(f"quiz {quiz.id}: question {question.id}: {correct} correct options, need 1")
            for index, option in enumerate(question.options):
                sentences = _sentences(option.explanation)
                if sentences > 2:
                    problems.append(
                        f"quiz {quiz.id}: question {question.id}: option {index + 1} explanation has "
                        f"{sentences} sentences, max 2"
                    )

    if len(catalog.prompts) < MIN_PROMPTS:
        problems.append(f"prompts: {len(catalog.prompts)}, need at least {MIN_PROMPTS}")
    for prompt in catalog.prompts.values():
        if word_count(prompt.text) > 40:
            problems.append(f"prompt {prompt.id}: {word_count(prompt.text)} words, max 40")
        if not prompt.text.rstrip().endswith("?"):
            problems.append(f"prompt {prompt.id}: must end with '?'")

    if len(catalog.faq) < MIN_FAQ:
        problems.append(f"faq: {len(catalog.faq)} entries, need at least {MIN_FAQ}")
    for entry in catalog.faq.values():
        if word_count(entry.answer) > 120:
            problems.append(f"faq {entry.id}: answer has {word_count(entry.answer)} words, max 120")

    for region in REGIONS:
        entries = catalog.resources.get(region, [])
        if not entries:
            problems.append(f"resources: region {region} is missing")
        for entry in entries:
            if not entry.url:
                problems.append(f"resources: {region}: {entry.name} has no url")
            if entry.checked is None:
                problems.append(f"resources: {region}: {entry.name} has no checked date")

    defaults = [track for track in catalog.tracks.values() if track.default]
    if len(defaults) != 1:
        problems.append(f"tracks: {len(defaults)} default tracks, need exactly 1")
    elif len(defaults[0].lessons) != DEFAULT_TRACK_LESSONS:
        problems.append(
            f"track {defaults[0].id}: the default track has {len(defaults[0].lessons)} lessons, "
            f"needs {DEFAULT_TRACK_LESSONS}"
        )
    if COMMUNICATION_TRACK not in catalog.tracks:
        problems.append(f"track {COMMUNICATION_TRACK}: missing")

    assert not problems, "\n".join(problems)


def test_topics_covered(catalog: Catalog) -> None:
    covered = {_topic_key(topic) for lesson in catalog.lessons.values() for topic in lesson.topics}
    problems = [f"no lesson lists the topic {topic!r}" for topic in REQUIRED_TOPICS if _topic_key(topic) not in covered]
    assert not problems, "\n".join(problems)


def test_topic_list_matches_content_md() -> None:
    """Guards the copied list against drift, where the shared style guide is checked out beside the repo."""
    if not CONTENT_MD.is_file():
        pytest.skip(f"{CONTENT_MD} is not available, so the topic list cannot be compared")
    text = CONTENT_MD.read_text(encoding="utf-8")
    match = re.search(r"^## Topics that must be covered[^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if match is None:
        pytest.skip("CONTENT.md has no 'Topics that must be covered' section")
    listed = {_topic_key(part) for part in match.group(1).replace("\n", " ").split("·") if part.strip()}
    ours = {_topic_key(topic) for topic in REQUIRED_TOPICS}
    problems = [f"in CONTENT.md but not in REQUIRED_TOPICS: {topic!r}" for topic in sorted(listed - ours)]
    problems += [f"in REQUIRED_TOPICS but not in CONTENT.md: {topic!r}" for topic in sorted(ours - listed)]
    assert not problems, "\n".join(problems)
