"""The Discord adapter (discord.py 2.7): slash commands, persistent buttons, modals, threads."""

from adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
