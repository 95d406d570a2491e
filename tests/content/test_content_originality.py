"""Our words are our own: no content text repeats 8 or more consecutive words of the source article.

CONTENT.md takes the pack's topics from ``shared/source/attachment-therapy-article.txt`` but not its
sentences. Words are compared after folding case and dropping punctuation, so a copied sentence with
new commas or quotes is still caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog import bundled_content_dir

RUN = 8
# The repo root's parent holds shared/, both in a developer checkout and in CI.
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "source" / "attachment-therapy-article.txt"


def _words(text: str) -> list[str]:
    folded = text.casefold().replace("’", "'").replace("‘", "'").replace("'", "")
    return re.findall(r"[^\W_]+", folded)


def _runs(words: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    for start in range(len(words) - RUN + 1):
        yield start, tuple(words[start : start + RUN])


def _strings(data: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{where}[{index}]")


def test_no_long_runs_from_the_source_article() -> None:
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE}, so originality cannot be checked")
    source_runs = {run for _, run in _runs(_words(ARTICLE.read_text(encoding="utf-8")))}
    content = bundled_content_dir()
    files = sorted(content.rglob("*.yaml"))
    assert files, f"no YAML files under {content}"

    problems: list[str] = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, text in _strings(data, ""):
            words = _words(text)
            shared_until = -1
            for start, run in _runs(words):
                if run not in source_runs:
                    continue
                if start > shared_until:  # report each copied stretch once, not once per overlapping run
                    end = start + RUN
                    while end < len(words) and tuple(words[end - RUN + 1 : end + 1]) in source_runs:
                        end += 1
                    problems.append(f'{path.relative_to(content)}: {where}: "{" ".join(words[start:end])}"')
                shared_until = start + RUN - 1
    assert not problems, f"{len(problems)} stretch(es) of {RUN}+ words copied from the article:\n" + "\n".join(problems)
