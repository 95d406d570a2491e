"""Shared fixtures for the safety tests, and the detector's figures in the run's summary.

The detector test records its recall and false-positive rate with ``record_property``; the
hook below prints them at the end of every run (with or without ``-s``, ``-q`` or xdist), so the
numbers are visible wherever the tests run, not only when something fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import Catalog, bundled_content_dir, load_catalog
from bot.services.safety import CrisisDetector

HERE = Path(__file__).resolve().parent


def phrasings(name: str) -> list[str]:
    """One phrasing per line; blank lines and ``#`` comments skipped."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="session")
def positives() -> list[str]:
    return phrasings("positives.txt")


@pytest.fixture(scope="session")
def negatives() -> list[str]:
    return phrasings("negatives.txt")


@pytest.fixture(scope="session")
def safety_catalog() -> Catalog:
    return load_catalog([bundled_content_dir()])


@pytest.fixture(scope="session")
def detector(safety_catalog: Catalog) -> CrisisDetector:
    return CrisisDetector(safety_catalog.safety)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "crisis_detector":
                    terminalreporter.write_sep("-", "crisis-language detector")
                    terminalreporter.write_line(str(value))
