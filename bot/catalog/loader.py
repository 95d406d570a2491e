"""Load the content pack from folders, layered, and check every file and every link.

The bundled ``content/`` comes first; a community's own folder (``SECUREBASE_CONTENT_DIR``)
is layered over it: an item with the same id replaces the bundled one, new ids are added.
Problems are collected, not raised one at a time, so ``securebase content validate``
lists every mistake with its file and field in one go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.models import (
    CrisisPatternFile,
    FaqEntry,
    KnowledgeQuiz,
    Lesson,
    Notes,
    Prompt,
    Quiz,
    Resource,
    SelfReflectionQuiz,
    Track,
)
from bot.catalog.safety_rules import PATTERNS_FILE, build_safety_rules

__all__ = ["ContentError", "bundled_content_dir", "load_catalog"]

SELF_REFLECTION_QUIZ = "attachment-style"
_QUIZ = TypeAdapter[KnowledgeQuiz | SelfReflectionQuiz](Quiz)
_RESOURCES = TypeAdapter(dict[str, list[Resource]])
M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """Every problem found, each as ``file: field: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content:\n" + "\n".join(problems))
        self.problems = problems


def bundled_content_dir() -> Path:
    """``content/`` beside the package in a checkout; ``bot/_bundled_content`` in an installed wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_bundled_content", here.parent / "content"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled content folder is missing from this installation")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")

    def validation(self, where: str, error: ValidationError, prefix: str = "") -> None:
        for item in error.errors():
            field = _location(item["loc"], prefix)
            message = item["msg"].removeprefix("Value error, ")
            self.add(where, field, message)


def _location(loc: Iterable[int | str], prefix: str = "") -> str:
    text = prefix
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part not in ("knowledge", "self-reflection"):  # discriminator tags are noise here
            text += f".{part}" if text else str(part)
    return text


def _read_yaml(path: Path, base: Path, problems: _Collector) -> Any:
    where = _display(path, base)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(where, "", f"cannot be read ({exc.__class__.__name__})")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problems.add(where, "", f"is not valid YAML{line}")
    return None


def _display(path: Path, base: Path) -> str:
    try:
        return str(Path(base.name) / path.relative_to(base))
    except ValueError:
        return str(path)


def _one(model: type[M], data: Any, where: str, problems: _Collector, prefix: str = "") -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.validation(where, error, prefix)
        return None


def _list_under(key: str, data: Any, where: str, problems: _Collector) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        problems.add(where, key, f"the file must hold a top-level '{key}:' list")
        return []
    extra = set(data) - {key}
    for name in sorted(extra):
        problems.add(where, str(name), "unknown key")
    return list(data[key])


def load_catalog(directories: Iterable[Path]) -> Catalog:
    """Load and cross-check every folder, later folders overriding earlier ones by id."""
    problems = _Collector()
    lessons: dict[str, Lesson] = {}
    tracks: dict[str, Track] = {}
    quizzes: dict[str, KnowledgeQuiz | SelfReflectionQuiz] = {}
    prompts: dict[str, Prompt] = {}
    faq: dict[str, FaqEntry] = {}
    resources: dict[str, list[Resource]] = {}
    notes: Notes | None = None
    safety_layers: list[tuple[str, CrisisPatternFile]] = []
    safety_files = 0
    sources: dict[str, str] = {}

    for base in directories:
        if not base.is_dir():
            problems.add(str(base), "", "is not a folder")
            continue
        seen_here: dict[str, str] = {}

        def unique(kind: str, item_id: str, where: str, field: str, _seen: dict[str, str] = seen_here) -> None:
            key = f"{kind}:{item_id}"
            if key in _seen:
                problems.add(where, field, f'{kind} id "{item_id}" is also used in {_seen[key]}')
            _seen[key] = where

        for path in sorted((base / "lessons").glob("*.yaml")):
            where = _display(path, base)
            lesson = _one(Lesson, _read_yaml(path, base, problems), where, problems)
            if lesson:
                unique("lesson", lesson.id, where, "id")
                lessons[lesson.id] = lesson
                sources[f"lesson:{lesson.id}"] = where
        for path in sorted((base / "quizzes").glob("*.yaml")):
            where = _display(path, base)
            data = _read_yaml(path, base, problems)
            try:
                quiz = _QUIZ.validate_python(data)
            except ValidationError as error:
                problems.validation(where, error)
                continue
            unique("quiz", quiz.id, where, "id")
            quizzes[quiz.id] = quiz
            sources[f"quiz:{quiz.id}"] = where
        for path in sorted((base / "prompts").glob("*.yaml")):
            where = _display(path, base)
            for index, item in enumerate(_list_under("prompts", _read_yaml(path, base, problems), where, problems)):
                prompt = _one(Prompt, item, where, problems, f"prompts[{index}]")
                if prompt:
                    unique("prompt", prompt.id, where, f"prompts[{index}].id")
                    prompts[prompt.id] = prompt
                    sources[f"prompt:{prompt.id}"] = where
        for name, key in (("tracks.yaml", "tracks"), ("faq.yaml", "faq")):
            path = base / name
            if not path.exists():
                continue
            where = _display(path, base)
            for index, item in enumerate(_list_under(key, _read_yaml(path, base, problems), where, problems)):
                if key == "tracks":
                    track = _one(Track, item, where, problems, f"tracks[{index}]")
                    if track:
                        tracks[track.id] = track
                        sources[f"track:{track.id}"] = where
                else:
                    entry = _one(FaqEntry, item, where, problems, f"faq[{index}]")
                    if entry:
                        faq[entry.id] = entry
        path = base / "resources.yaml"
        if path.exists():
            where = _display(path, base)
            data = _read_yaml(path, base, problems)
            if not isinstance(data, Mapping) or not isinstance(data.get("regions"), Mapping):
                problems.add(where, "regions", "the file must hold a top-level 'regions:' mapping")
            else:
                try:
                    resources.update(_RESOURCES.validate_python(data["regions"]))
                except ValidationError as error:
                    problems.validation(where, error, "regions")
        path = base / "notes.yaml"
        if path.exists():
            notes = _one(Notes, _read_yaml(path, base, problems), _display(path, base), problems) or notes
        path = base / PATTERNS_FILE
        if path.exists():
            where = _display(path, base)
            safety_files += 1
            layer = _one(CrisisPatternFile, _read_yaml(path, base, problems), where, problems)
            if layer:
                safety_layers.append((where, layer))

    # a file that failed to parse is already reported; only a pack with none at all is "missing"
    safety = build_safety_rules(safety_layers, problems.add) if len(safety_layers) == safety_files else None

    _check_links(lessons, tracks, quizzes, prompts, resources, notes, sources, problems)
    if problems.problems:
        raise ContentError(problems.problems)
    assert notes is not None and safety is not None
    return Catalog(
        lessons=lessons,
        tracks=tracks,
        quizzes=quizzes,
        prompts=prompts,
        faq=faq,
        resources=resources,
        notes=notes,
        safety=safety,
    )


def _check_links(
    lessons: Mapping[str, Lesson],
    tracks: Mapping[str, Track],
    quizzes: Mapping[str, KnowledgeQuiz | SelfReflectionQuiz],
    prompts: Mapping[str, Prompt],
    resources: Mapping[str, list[Resource]],
    notes: Notes | None,
    sources: Mapping[str, str],
    problems: _Collector,
) -> None:
    """Every id that points elsewhere must land somewhere."""

    def lesson_link(where_key: str, field: str, lesson_id: str | None) -> None:
        if lesson_id is not None and lesson_id not in lessons:
            problems.add(sources[where_key], field, f'unknown lesson "{lesson_id}"')

    for lesson in lessons.values():
        if lesson.quiz is not None and lesson.quiz not in quizzes:
            problems.add(sources[f"lesson:{lesson.id}"], "quiz", f'unknown quiz "{lesson.quiz}"')
    for track in tracks.values():
        for index, lesson_id in enumerate(track.lessons):
            lesson_link(f"track:{track.id}", f"tracks.{track.id}.lessons[{index}]", lesson_id)
    for quiz in quizzes.values():
        key = f"quiz:{quiz.id}"
        if isinstance(quiz, KnowledgeQuiz):
            for index, question in enumerate(quiz.questions):
                lesson_link(key, f"questions[{index}].lesson", question.lesson)
        else:
            for name, pattern in quiz.patterns.items():
                for index, lesson_id in enumerate(pattern.lessons):
                    lesson_link(key, f"patterns.{name}.lessons[{index}]", lesson_id)
    for prompt in prompts.values():
        lesson_link(f"prompt:{prompt.id}", f"prompts.{prompt.id}.lesson", prompt.lesson)

    if not lessons:
        problems.add("content", "lessons", "no lessons found (expected lessons/*.yaml)")
    defaults = [track.id for track in tracks.values() if track.default]
    if len(defaults) != 1:
        problems.add("tracks.yaml", "default", f"exactly one track needs default: true, found {len(defaults)}")
    if not isinstance(quizzes.get(SELF_REFLECTION_QUIZ), SelfReflectionQuiz):
        problems.add("quizzes", SELF_REFLECTION_QUIZ, "the self-reflection quiz attachment-style is missing")
    if not prompts:
        problems.add("content", "prompts", "no prompts found (expected prompts/*.yaml)")
    if "INTL" not in resources:
        problems.add("resources.yaml", "regions.INTL", "the international directory is missing")
    if notes is None:
        problems.add("notes.yaml", "", "is missing (it holds the not-therapy note)")
