"""The invite URL: exactly the scopes and permissions the bot needs, nothing more."""

from __future__ import annotations

import base64
import binascii

import discord

__all__ = ["BOT_PERMISSIONS", "client_id_from_token", "invite_url"]

BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
"""Post prompts and lessons, open their threads, attach the self-reflection picture, and read
recent history to find a post after a crash."""


def client_id_from_token(token: str) -> str | None:
    """A bot token's first part is its application's id, base64-encoded."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def invite_url(client_id: str) -> str:
    return (
        f"https://discord.com/oauth2/authorize?client_id={client_id}"
        f"&scope=bot+applications.commands&permissions={BOT_PERMISSIONS.value}"
    )
