"""Who is asking, where, and the community they belong to: resolved once per event."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.events import ChannelRef, UserRef
from bot.ports import Platform
from bot.storage.repository import CommunityRow, MemberRow

__all__ = ["Context"]


@dataclass(slots=True)
class Context:
    user: UserRef
    channel: ChannelRef
    community: CommunityRow
    platform: Platform
    is_moderator: bool = False
    member: MemberRow | None = field(default=None)
    """Set when the member already has a row; services create it only when storing something."""

    @property
    def prefix(self) -> str:
        return self.platform.command_prefix
