"""The Slack app manifest: paste it at api.slack.com/apps → *Create New App* → *From a manifest*.

Every scope is one the adapter calls for; nothing more is asked of a workspace admin.
``should_escape`` makes Slack send ``#channel`` and ``@person`` as ids, which is what the
channel and user arguments parse.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["BOT_SCOPES", "manifest", "manifest_yaml"]

BOT_SCOPES: tuple[tuple[str, str], ...] = (
    ("commands", "the slash command"),
    ("chat:write", "posts, thread replies, private (ephemeral) answers"),
    ("im:write", "direct messages: files and notes meant for one member"),
    ("files:write", "the self-reflection picture and data exports, uploaded to a direct message"),
    ("users:read", "users.info: is this person a workspace admin or owner?"),
    ("channels:read", "conversations.info: am I in the public channel a moderator picked?"),
    ("groups:read", "conversations.info for private channels"),
    ("channels:history", "finding a post again after a crash (conversations.history)"),
    ("groups:history", "the same, in private channels"),
)

DESCRIPTION = "Gentle lessons, quizzes and reflection prompts about attachment styles, for support groups."


def manifest(
    base_url: str, *, command: str = "/securebase", socket_mode: bool = False, read_replies: bool = False
) -> dict[str, Any]:
    """The manifest as data. ``base_url`` is where the bot's HTTP server is reachable from Slack;
    in Socket Mode no request URLs are needed. ``read_replies`` subscribes to channel messages, so
    replies in prompt threads can be read for crisis language where a community turns that on."""
    events_url = base_url.rstrip("/") + "/slack/events"
    slash: dict[str, Any] = {
        "command": command,
        "description": "Lessons, quizzes, reflection and setup: try help",
        "usage_hint": "lesson · quiz · reflect · journal · progress · help",
        "should_escape": True,
    }
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {
        "bot_events": ["app_home_opened", *(["message.channels", "message.groups"] if read_replies else [])]
    }
    if not socket_mode:
        slash["url"] = events_url
        interactivity["request_url"] = events_url
        events["request_url"] = events_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Secure Base",
            "description": DESCRIPTION,
            "long_description": (
                "Secure Base teaches adult attachment styles and relationship communication skills in small "
                "steps: weekly reflection prompts with a thread for replies, private quizzes, bite-sized lessons "
                "and a private journal. It is education and self-reflection, not therapy. What members write is "
                "treated as sensitive health data: journal entries are encrypted, nothing they write is logged, "
                "and every member can export or delete their data at any time."
            ),
            "background_color": "#2f4f5f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "Secure Base", "always_online": True},
            "slash_commands": [slash],
        },
        "oauth_config": {"scopes": {"bot": [scope for scope, _why in BOT_SCOPES]}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(
    base_url: str, *, command: str = "/securebase", socket_mode: bool = False, read_replies: bool = False
) -> str:
    lines = [
        "# Secure Base: Slack app manifest.",
        "# api.slack.com/apps → Create New App → From a manifest → paste this → Install to Workspace.",
        "# Then set SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token) and",
        "# SLACK_SIGNING_SECRET (Basic Information)"
        + (", and SLACK_APP_TOKEN (an app-level token with connections:write)." if socket_mode else "."),
        "# Scopes asked for:",
        *(f"#   {scope}: {why}" for scope, why in BOT_SCOPES),
    ]
    body = yaml.safe_dump(
        manifest(base_url, command=command, socket_mode=socket_mode, read_replies=read_replies),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return "\n".join(lines) + "\n" + body
