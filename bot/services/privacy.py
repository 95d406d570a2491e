"""Consent, and a member's own data: export everything, or delete everything.

What members write is health data. Nothing is stored for a member before they agree,
the export holds every row that names them (opened, so they can read it), and delete
leaves no row that names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.crypto import Vault
from bot.storage.repository import MemberRow, Repository

__all__ = ["Export", "PrivacyService"]


@dataclass(frozen=True, slots=True)
class Export:
    json_text: str
    markdown: str
    rows: int


class PrivacyService:
    def __init__(self, repo: Repository, vault: Vault, clock: Clock) -> None:
        self._repo = repo
        self._vault = vault
        self._clock = clock

    async def give_consent(self, member: MemberRow) -> None:
        await self._repo.set_consent(member.id, self._clock.now())

    async def export(self, member: MemberRow | None, community_id: int, user_id: str) -> Export:
        link = self._vault.author_link(community_id, user_id)
        # no member row still leaves rows that name them (a moderator's audit entries, their shares)
        tables = await self._repo.member_rows(community_id, member.id if member else -1, link, user_id)
        for row in tables.get("journal_entries", []):
            row["title"] = self._vault.open(row["title"])
            row["body"] = self._vault.open(row["body"])
        for row in tables.get("quiz_attempts", []):
            row["answers"] = json.loads(row["answers"])
        document = {
            "exported_at": self._clock.now().isoformat(timespec="seconds"),
            "user_id": user_id,
            "note": "Everything Secure Base stores that names you in this community.",
            "tables": {name: rows for name, rows in tables.items() if rows},
        }
        count = sum(len(rows) for rows in tables.values())
        return Export(json.dumps(document, indent=2, ensure_ascii=False, default=str), _markdown(document), count)

    async def delete(self, member: MemberRow | None, community_id: int, user_id: str) -> None:
        link = self._vault.author_link(community_id, user_id)
        if member is None:
            member = MemberRow(id=-1, community_id=community_id, user_id=user_id, consented_at=None)
        await self._repo.delete_member(member, link)


_TITLES = {
    "members": "Your membership",
    "lesson_progress": "Lessons you marked done",
    "quiz_attempts": "Quizzes",
    "reflection_results": "Self-reflection results",
    "journal_entries": "Journal entries",
    "anonymous_shares": "Anonymous shares (their text is not stored)",
    "share_blocks": "Sharing blocks",
    "moderators": "Moderator role",
    "schedules": "Schedules you configured",
    "audit_log": "Moderator actions you took",
    "safety_responses": "When I last sent you support lines privately (so it is at most once an hour)",
}


def _markdown(document: dict[str, Any]) -> str:
    lines = [
        "# Your Secure Base data",
        "",
        f"Exported {document['exported_at']}. {document['note']}",
    ]
    tables: dict[str, list[dict[str, Any]]] = document["tables"]
    if not tables:
        lines += ["", "Nothing is stored about you."]
    for name, rows in tables.items():
        lines += ["", f"## {_TITLES.get(name, name)} ({len(rows)})"]
        for row in rows:
            if name == "journal_entries":
                written = datetime.fromisoformat(row["created_at"]).strftime("%d %b %Y %H:%M")
                lines += ["", f"### {row['title']} — {written}", "", str(row["body"])]
            else:
                lines.append("- " + ", ".join(f"{key}: {value}" for key, value in row.items() if key != "id"))
    return "\n".join(lines) + "\n"
