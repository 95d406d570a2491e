"""Private journal entries, sealed before they reach the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.crypto import Vault
from bot.errors import UserError
from bot.storage.repository import Repository

__all__ = ["BODY_MAX", "TITLE_MAX", "JournalService", "JournalSummary"]

TITLE_MAX = 100
BODY_MAX = 4000


@dataclass(frozen=True, slots=True)
class JournalSummary:
    count: int
    latest: tuple[tuple[str, datetime], ...]


class JournalService:
    def __init__(self, repo: Repository, vault: Vault, clock: Clock) -> None:
        self._repo = repo
        self._vault = vault
        self._clock = clock

    async def add(self, member_id: int, title: str, body: str, prompt_id: str | None) -> None:
        title, body = title.strip(), body.strip()
        if not body:
            raise UserError("Your entry is empty: write a few words in the text box, then save.")
        if len(title) > TITLE_MAX or len(body) > BODY_MAX:
            raise UserError(
                f"That entry is too long: keep the title under {TITLE_MAX} and the text under {BODY_MAX} characters."
            )
        title = title or self._clock.now().strftime("Entry of %d %b %Y")
        await self._repo.add_journal_entry(
            member_id, self._vault.seal(title), self._vault.seal(body), prompt_id, self._clock.now()
        )

    async def summary(self, member_id: int | None) -> JournalSummary:
        if member_id is None:
            return JournalSummary(0, ())
        count = await self._repo.journal_count(member_id)
        rows = await self._repo.journal_entries(member_id, limit=3)
        latest = tuple((self._vault.open(row.title), datetime.fromisoformat(row.created_at)) for row in rows)
        return JournalSummary(count, latest)

    async def entries(self, member_id: int) -> list[dict[str, str | None]]:
        """Every entry, opened, for the member's own export."""
        rows = await self._repo.journal_entries(member_id)
        return [
            {
                "title": self._vault.open(row.title),
                "text": self._vault.open(row.body),
                "prompt": row.prompt_id,
                "written": row.created_at,
            }
            for row in reversed(rows)
        ]
