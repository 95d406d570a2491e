"""Crisis-language care around the handlers that receive free text.

A handler does its own work first (a journal entry is saved, so nothing the member wrote is
lost), then asks ``care`` what to add: the private support message when it is due, after
alerting the moderators if the community set an alerts channel. The alert says where, never
what; for an anonymous share it does not say who either. Logs carry the source and the kinds
of language matched, never the text and never the member.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.events import ChannelRef, Message
from bot.services import Services
from bot.services.context import Context
from bot.services.safety import Place
from bot.views import crisis_support_message, safety_alert_message

__all__ = ["Care", "care"]

log = structlog.get_logger("securebase.safety")


@dataclass(frozen=True, slots=True)
class Care:
    matched: bool
    support: Message | None = None
    """The private support message, or ``None`` when there was no match or it went out within the hour."""


async def care(s: Services, ctx: Context, text: str, place: Place) -> Care:
    screening = await s.safety.screen(ctx.community.id, ctx.user.user_id, text, place.source)
    if not screening.matched:
        return Care(matched=False)
    alerted = screening.support_due and await _alert_moderators(ctx, place)
    log.info(
        "crisis_language",
        source=place.source,
        kinds=list(screening.detection.kinds),
        community_id=ctx.community.id,
        support_sent=screening.support_due,
        moderators_alerted=alerted,
    )
    if not screening.support_due:
        return Care(matched=True)
    resources = s.catalog.region_resources(ctx.community.region)
    note = s.catalog.notes.not_therapy_for(ctx.prefix)
    return Care(True, crisis_support_message(resources, note, place.source, moderators_told=alerted))


async def _alert_moderators(ctx: Context, place: Place) -> bool:
    """Post the alert; a failure is logged and never stands between the member and their support."""
    alerts_channel = ctx.community.alerts_channel
    if not alerts_channel:
        return False
    community = ctx.community
    where = ChannelRef(community.platform, community.workspace_id, alerts_channel)
    who = "someone" if place.source == "share" else f"<@{ctx.user.user_id}>"
    try:
        await ctx.platform.post(where, safety_alert_message(place.source, _place_label(ctx, place), who))
    except Exception as error:
        log.warning("safety_alert_failed", community_id=community.id, reason=type(error).__name__)
        return False
    return True


def _place_label(ctx: Context, place: Place) -> str:
    """``#reflections, thread t3, message m9``: enough to find the spot, nothing of what was said."""
    if place.channel is None:
        return "a private journal"
    parts = [ctx.platform.channel_label(place.channel.channel_id)]
    if place.channel.thread_id:
        parts.append(f"thread {place.channel.thread_id}")
    if place.message_id:
        parts.append(f"message {place.message_id}")
    return ", ".join(parts)
