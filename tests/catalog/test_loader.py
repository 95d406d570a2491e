"""The loader reports every problem with its file and field, and layers folders by id."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.catalog import ContentError, bundled_content_dir, load_catalog

BODY = " ".join(["Words that make a lesson body long enough to pass the check."] * 10)


def write(folder: Path, name: str, data: object) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data, encoding="utf-8")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    write(
        folder,
        "lessons/typo.yaml",
        {"id": "typo", "title": "Typo", "summary": "A summary line.", "body": BODY, "try_ths": "x", "sources": ["a"]},
    )
    write(
        folder,
        "lessons/short.yaml",
        {
            "id": "short",
            "title": "Short one",
            "summary": "A summary line.",
            "body": "Too short.",
            "try_this": "Do it.",
            "sources": ["a"],
        },
    )
    write(
        folder,
        "quizzes/two.yaml",
        {
            "id": "two-right",
            "kind": "knowledge",
            "title": "T",
            "description": "D",
            "questions": [
                {
                    "id": "q1",
                    "text": "Q?",
                    "lesson": "nowhere",
                    "options": [
                        {"text": "a", "correct": True, "explanation": "e"},
                        {"text": "b", "correct": True, "explanation": "e"},
                    ],
                }
            ],
        },
    )
    write(folder, "prompts/mine.yaml", {"prompts": [{"id": "statement", "text": "Not a question.", "theme": "x"}]})
    write(folder, "faq.yaml", "faq: [unclosed")
    write(
        folder, "tracks.yaml", {"tracks": [{"id": "extra", "title": "Extra", "description": "d", "lessons": ["ghost"]}]}
    )
    return folder


def test_every_problem_is_listed_with_file_and_field(broken: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_catalog([bundled_content_dir(), broken])
    problems = caught.value.problems
    expected = [
        "mine/lessons/typo.yaml: try_ths: Extra inputs are not permitted",
        "mine/lessons/typo.yaml: try_this: Field required",
        "mine/lessons/short.yaml: body: must be 80-200 words, has 2",
        "mine/quizzes/two.yaml: questions[0]: needs exactly one option with correct: true, has 2",
        "mine/prompts/mine.yaml: prompts[0].text: must be one open question ending with '?'",
        "mine/faq.yaml: is not valid YAML at line 1",
        'mine/tracks.yaml: tracks.extra.lessons[0]: unknown lesson "ghost"',
    ]
    missing = [line for line in expected if line not in problems]
    assert not missing, "\n".join(["missing:", *missing, "got:", *problems])


def test_a_community_folder_overrides_by_id_and_adds(tmp_path: Path) -> None:
    bundled = load_catalog([bundled_content_dir()])
    lesson = next(iter(bundled.lessons.values())).model_dump()
    lesson["title"] = "Our own take"
    write(tmp_path, f"lessons/{lesson['id']}.yaml", lesson)
    write(
        tmp_path,
        "prompts/ours.yaml",
        {"prompts": [{"id": "our-question", "text": "What helped you today?", "theme": "self-care"}]},
    )
    layered = load_catalog([bundled_content_dir(), tmp_path])
    assert layered.lessons[lesson["id"]].title == "Our own take"
    assert "our-question" in layered.prompts
    assert len(layered.prompts) == len(bundled.prompts) + 1


def test_content_validate_command(broken: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "content", "validate"], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("Content OK:")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "content", "validate", str(broken)], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "mine/lessons/short.yaml: body: must be 80-200 words, has 2" in bad.stdout
    assert bad.stdout.rstrip().endswith("problem(s) found.")


def test_notes_name_the_command_as_it_is_typed_on_each_platform(tmp_path: Path) -> None:
    notes = load_catalog([bundled_content_dir()]).notes
    assert "/securebase resources" in notes.not_therapy_for("/securebase ")
    assert "/resources" in notes.not_therapy_for("/") and "{prefix}" not in notes.not_therapy_for("/")
    write(tmp_path, "notes.yaml", {"not_therapy": "See {resoucres}.", "welcome": "Hi."})
    with pytest.raises(ContentError) as caught:
        load_catalog([bundled_content_dir(), tmp_path])
    assert any("not_therapy: unknown placeholder {resoucres}" in line for line in caught.value.problems)
