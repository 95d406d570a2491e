"""Slack: one slash command, Block Kit, modals, App Home; HTTP mode or Socket Mode.

``bot.runner`` builds ``SlackAdapter(settings)`` when ``SLACK_BOT_TOKEN`` is set. The adapter
(and with it slack-bolt) is imported on first use, so ``securebase slack-manifest`` works
without loading the Slack libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.slack.adapter import EVENTS_PATH, SlackAdapter

__all__ = ["EVENTS_PATH", "SlackAdapter"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from adapters.slack import adapter

        return getattr(adapter, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
