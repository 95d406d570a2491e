"""The App Home tab: the member's own progress and the commands, published on ``app_home_opened``.

Only numbers and catalogue titles appear here, never anything the member wrote (the
journal shows as a count): the tab is private, but a screen can be seen over a shoulder.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import ACTION_PREFIX, Block
from adapters.slack.text import plain, to_mrkdwn
from bot.commands import COMMANDS
from bot.services import Services
from bot.storage.repository import EMPTY_SUMMARY

__all__ = ["home_view"]

MAX_HOME_BLOCKS = 100


def _section(markdown: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": to_mrkdwn(markdown, public=False)[:3000]}}


async def home_view(services: Services, platform: str, team_id: str, user_id: str, prefix: str) -> dict[str, Any]:
    """Build the view from the services; the community is created on first contact, as for commands."""
    community, member = await services.repo.community_and_member(platform, team_id, user_id, services.clock.now())
    summary = await services.repo.member_summary(member.id) if member else EMPTY_SUMMARY
    track = await services.lessons.track(community.id)
    upcoming = next((lesson for lesson in track if lesson.id not in summary.lessons_done), None)
    done = sum(lesson.id in summary.lessons_done for lesson in track)
    scores, history, entries = summary.best_scores, summary.reflections, summary.journal_entries
    catalog = services.catalog

    lines = [f"**Lessons:** {done} of {len(track)} in this community's track."]
    if upcoming is not None:
        lines.append(f"**Next lesson:** {upcoming.title}")
    else:
        lines.append("**Next lesson:** you've read the whole track.")
    if scores:
        quiz_lines = [
            f"• {catalog.quizzes[q].title if q in catalog.quizzes else q}: best {best} of {out_of}"
            for q, best, out_of, _times in scores
        ]
        lines.append("**Knowledge quizzes:**\n" + "\n".join(quiz_lines))
    else:
        lines.append(f"**Knowledge quizzes:** none yet (`{prefix}quiz name:…`).")
    if history:
        anxiety, avoidance, taken = history[-1]
        lines.append(f"**Self-reflection:** anxiety {anxiety:.1f}, avoidance {avoidance:.1f} ({taken}).")
    else:
        lines.append(f"**Self-reflection:** not taken yet (`{prefix}quiz`).")
    lines.append(f"**Journal:** {entries} private {'entry' if entries == 1 else 'entries'}.")

    commands = "\n".join(f"`{prefix}{spec.name}` — {spec.description}" for spec in COMMANDS if not spec.moderator)
    buttons = [
        ("Read my next lesson", "lesson:next", "primary"),
        ("Self-reflection quiz", "quiz:start", None),
        ("Write in my journal", "journal:write", None),
    ]
    elements: list[Block] = []
    for number, (label, action, style) in enumerate(buttons, start=1):
        element: Block = {
            "type": "button",
            "text": {"type": "plain_text", "text": plain(label, 75)},
            "action_id": f"{ACTION_PREFIX}home-{number}",
            "value": action,
        }
        if style:
            element["style"] = style
        elements.append(element)

    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Secure Base"}},
        _section(catalog.notes.welcome.strip()),
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Your progress"}},
        _section("\n".join(lines)),
        {"type": "actions", "elements": elements},
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Commands"}},
        _section(commands),
        _section(f"Moderators configure the bot with `{prefix}setup …`; `{prefix}help` lists everything."),
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": to_mrkdwn(f"ⓘ {catalog.notes.not_therapy_for(prefix)}", public=False)}
            ],
        },
    ]
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
