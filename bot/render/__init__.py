"""Pictures the bot can send back to a member.

Kept apart from the conversation logic so that drawing (Pillow) stays an implementation detail: callers
get plain PNG bytes they can attach on any platform (Discord, Slack, the terminal saves a file).
"""

from __future__ import annotations

from bot.render.plane import point_to_pixel, render_plane

__all__ = ["point_to_pixel", "render_plane"]
