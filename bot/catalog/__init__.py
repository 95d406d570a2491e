"""Content as validated data: models, the loaded catalogue, and the layered loader."""

from bot.catalog.catalog import Catalog, normalise
from bot.catalog.loader import SELF_REFLECTION_QUIZ, ContentError, bundled_content_dir, load_catalog

__all__ = [
    "SELF_REFLECTION_QUIZ",
    "Catalog",
    "ContentError",
    "bundled_content_dir",
    "load_catalog",
    "normalise",
]
