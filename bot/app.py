"""``build_app``: the one place where storage, content, services and platforms are wired."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.catalog import Catalog, bundled_content_dir, load_catalog
from bot.clock import Clock, SystemClock
from bot.crypto import Vault, load_or_create_key
from bot.dispatcher import Dispatcher
from bot.ports import Platform
from bot.services import Services
from bot.services.community import CommunityService
from bot.services.journal import JournalService
from bot.services.lessons import LessonService
from bot.services.posting import PostingService
from bot.services.privacy import PrivacyService
from bot.services.prompts import PromptService
from bot.services.quizzes import QuizService
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.repository import Repository

__all__ = ["App", "build_app", "content_dirs"]


@dataclass
class App:
    settings: Settings
    db: Database
    services: Services
    dispatcher: Dispatcher
    platforms: dict[str, Platform]

    async def close(self) -> None:
        await self.db.close()


def content_dirs(extra: Path | None) -> list[Path]:
    """The bundled pack first, then the community's own folder layered over it."""
    return [bundled_content_dir(), *([extra] if extra else [])]


async def build_app(
    settings: Settings,
    platforms: Mapping[str, Platform],
    *,
    clock: Clock | None = None,
    catalog: Catalog | None = None,
) -> App:
    clock = clock or SystemClock()
    catalog = catalog or load_catalog(content_dirs(settings.content_dir))
    db = await Database.open(settings.db)
    key = load_or_create_key(settings.data_key.get_secret_value() if settings.data_key else None, settings.db)
    vault = Vault(key)
    repo = Repository(db)
    owned = dict(platforms)
    lessons = LessonService(repo, catalog, clock)
    prompts = PromptService(repo, catalog)
    services = Services(
        repo=repo,
        catalog=catalog,
        clock=clock,
        vault=vault,
        community=CommunityService(repo, catalog, clock),
        lessons=lessons,
        quizzes=QuizService(repo, catalog, clock),
        prompts=prompts,
        journal=JournalService(repo, vault, clock),
        privacy=PrivacyService(repo, vault, clock),
        posting=PostingService(repo, catalog, lessons, prompts, owned, clock),
    )
    return App(settings, db, services, Dispatcher(services, owned), owned)
