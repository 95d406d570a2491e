"""content/safety/patterns.yaml is validated at load like any content: every mistake with file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.catalog import ContentError, bundled_content_dir, load_catalog
from bot.services.safety import CrisisDetector


def write_patterns(folder: Path, data: object) -> Path:
    path = folder / "safety" / "patterns.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def problems_for(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalog([bundled_content_dir(), folder])
    return caught.value.problems


def test_bundled_patterns_load_with_every_kind() -> None:
    rules = load_catalog([bundled_content_dir()]).safety
    assert {group.kind for group in rules.groups} == {"direct", "passive", "hopelessness", "self-harm"}
    assert rules.exclusions and rules.negation_cues and rules.glue


def test_a_broken_pattern_is_reported_with_file_and_field(tmp_path: Path) -> None:
    folder = write_patterns(
        tmp_path / "mine",
        {
            "groups": [
                {"id": "ours", "kind": "direct", "patterns": [r"\bfine\b", r"\b(unclosed"]},
                {"id": "more", "kind": "passive", "patterns": [r"\b{NOWHERE} gone\b", "don't go", "Upper"]},
            ],
            "exclusions": [{"id": "ours-too", "patterns": ["[z-a]"]}],
        },
    )
    problems = problems_for(folder)
    expected_starts = [
        "mine/safety/patterns.yaml: groups[0].patterns[1]: is not a valid regular expression (missing ),",
        "mine/safety/patterns.yaml: groups[1].patterns[0]: uses {NOWHERE}, but there is no term called NOWHERE",
        "mine/safety/patterns.yaml: groups[1].patterns[1]: contains an apostrophe",
        "mine/safety/patterns.yaml: groups[1].patterns[2]: has capital letters",
        "mine/safety/patterns.yaml: exclusions[0].patterns[0]: is not a valid regular expression",
    ]
    for start in expected_starts:
        assert any(problem.startswith(start) for problem in problems), (start, problems)


def test_shape_mistakes_are_reported_too(tmp_path: Path) -> None:
    folder = write_patterns(
        tmp_path / "mine",
        {"groups": [{"id": "x1", "kind": "sadness", "patterns": ["a"]}], "typos": {"swapped": ["don't"]}},
    )
    problems = "\n".join(problems_for(folder))
    assert "mine/safety/patterns.yaml: groups[0].kind: Input should be" in problems
    assert "mine/safety/patterns.yaml: typos.swapped[0]:" in problems and "write dont" in problems


def test_a_community_layer_replaces_by_id_and_adds(tmp_path: Path) -> None:
    folder = write_patterns(
        tmp_path / "mine",
        {
            "terms": {"OUR_WORD": "(?:bleak|grim)"},
            "groups": [{"id": "our-words", "kind": "hopelessness", "patterns": [r"\beverything is {OUR_WORD}\b"]}],
            "exclusions": [{"id": "local-idioms", "patterns": [r"\bkill(?:ing)? the vibe\b"]}],
        },
    )
    detector = CrisisDetector(load_catalog([bundled_content_dir(), folder]).safety)
    assert detector.check("Everything is bleak.").groups == ("our-words",)
    bundled = CrisisDetector(load_catalog([bundled_content_dir()]).safety)
    assert not bundled.check("Everything is bleak.").matched
    assert detector.check("I want to kill myself").matched  # the bundled groups are still there


def test_a_pack_without_patterns_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ContentError) as caught:
        load_catalog([empty])
    assert "safety/patterns.yaml: is missing (it holds the crisis-language patterns)" in caught.value.problems
