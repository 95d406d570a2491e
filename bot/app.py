"""``build_app``: the one place where storage, content, services and platforms are wired."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.catalog import Catalog, bundled_content_dir, load_catalog
from bot.clock import Clock, SystemClock
from bot.crypto import Vault, load_or_create_key
from bot.dispatcher import Dispatcher
from bot.metrics import Metrics
from bot.ports import Platform
from bot.scheduler import Scheduler
from bot.services import Services
from bot.services.community import CommunityService
from bot.services.journal import JournalService
from bot.services.lessons import LessonService
from bot.services.posting import PostingService, Sleep
from bot.services.privacy import PrivacyService
from bot.services.prompts import PromptService
from bot.services.quizzes import QuizService
from bot.services.safety import SafetyService
from bot.settings import Settings
from bot.storage.db import Database
from bot.storage.repository import Repository
from bot.web import WebServer

__all__ = ["App", "build_app", "content_dirs"]


@dataclass
class App:
    settings: Settings
    db: Database
    services: Services
    dispatcher: Dispatcher
    platforms: dict[str, Platform]
    scheduler: Scheduler
    metrics: Metrics
    web: WebServer | None = None
    """The HTTP server, when running for real: adapters mount their routes on it."""

    async def start(self) -> None:
        """Recover unconfirmed posts, catch up missed ones, and arm the weekly jobs."""
        await self.scheduler.start()

    async def close(self) -> None:
        await self.scheduler.stop()
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
    real_time: bool = True,
    sleep: Sleep | None = None,
) -> App:
    """Wire everything. ``real_time=False`` leaves the scheduler to be driven by ``advance``
    (the console and tests, with a simulated clock); ``sleep`` replaces the retry back-off wait."""
    clock = clock or SystemClock()
    catalog = catalog or load_catalog(content_dirs(settings.content_dir))
    db = await Database.open(settings.db)
    key = load_or_create_key(settings.data_key.get_secret_value() if settings.data_key else None, settings.db)
    vault = Vault(key)
    repo = Repository(db)
    metrics = Metrics()
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
        safety=SafetyService(repo, catalog, vault, clock),
        posting=PostingService(
            repo, catalog, lessons, prompts, owned, clock, metrics=metrics, sleep=sleep or asyncio.sleep
        ),
    )
    scheduler = Scheduler(
        repo,
        services.posting,
        owned,
        clock,
        catchup=timedelta(hours=settings.catchup_hours),
        real_time=real_time,
        metrics=metrics,
    )
    services.community.on_schedule_change.append(scheduler.schedule_changed)
    services.safety.on_response.append(lambda source: metrics.crisis_responses.inc())
    return App(settings, db, services, Dispatcher(services, owned, metrics), owned, scheduler, metrics)
