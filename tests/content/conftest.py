"""Shared fixtures for the content-pack tests: the bundled catalogue and where its files live."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import Catalog, ContentError, bundled_content_dir, load_catalog


@pytest.fixture(scope="session")
def content_dir() -> Path:
    return bundled_content_dir()


@pytest.fixture(scope="session")
def catalog(content_dir: Path) -> Catalog:
    try:
        return load_catalog([content_dir])
    except ContentError as error:
        pytest.fail("the bundled content does not load:\n" + "\n".join(error.problems), pytrace=False)
