"""Business logic: each service knows only the repository, the catalogue and a clock."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog
from bot.clock import Clock
from bot.crypto import Vault
from bot.services.community import CommunityService
from bot.services.journal import JournalService
from bot.services.lessons import LessonService
from bot.services.posting import PostingService
from bot.services.privacy import PrivacyService
from bot.services.prompts import PromptService
from bot.services.quizzes import QuizService
from bot.services.safety import SafetyService
from bot.storage.repository import Repository

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """Everything a handler may call, wired once in ``bot.app``."""

    repo: Repository
    catalog: Catalog
    clock: Clock
    vault: Vault
    community: CommunityService
    lessons: LessonService
    quizzes: QuizService
    prompts: PromptService
    journal: JournalService
    privacy: PrivacyService
    posting: PostingService
    safety: SafetyService
