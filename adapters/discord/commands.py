"""The core's command specs → a discord.py ``CommandTree``: typed options, choices, autocomplete.

Commands are generated, not hand-written, so Discord always offers exactly the surface
declared in ``bot.commands``. ``setup`` is a group whose default member permission is
*Manage Server*; the core checks again at run time (Manage Server or the moderator role).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Optional

import discord
from discord import app_commands

from bot.commands import COMMANDS, CommandSpec, OptionKind, OptionSpec

__all__ = ["CommandRunner", "Suggester", "build_tree"]

PLATFORM = "discord"

CommandRunner = Callable[[discord.Interaction, CommandSpec, dict[str, Any]], Awaitable[None]]
Suggester = Callable[[discord.Interaction, OptionKind, str], Awaitable[list[tuple[str, str]]]]

Completer = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]

_ANNOTATIONS: dict[OptionKind, Any] = {
    OptionKind.BOOL: bool,
    OptionKind.CHANNEL: discord.TextChannel,
    OptionKind.ROLE: discord.Role,
}


def _parameter(option: OptionSpec) -> inspect.Parameter:
    annotation = _ANNOTATIONS.get(option.kind, str)
    if option.required:
        return inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
    return inspect.Parameter(
        option.name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Optional[annotation],  # noqa: UP045 - a runtime value for discord.py
        default=None,
    )


def _command(spec: CommandSpec, run: CommandRunner, suggest: Suggester) -> app_commands.Command[Any, Any, None]:
    options = spec.options_for(PLATFORM)

    async def callback(interaction: discord.Interaction, /, **values: Any) -> None:
        await run(interaction, spec, values)

    def autocomplete(
        kind: OptionKind,
    ) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]:
        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=label, value=value)
                for label, value in await suggest(interaction, kind, current)
            ]

        return complete

    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
        + [_parameter(option) for option in options]
    )
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        option.name: option.description for option in options
    }
    callback.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        option.name: [app_commands.Choice(name=choice, value=choice) for choice in option.choices]
        for option in options
        if option.choices
    }
    callback.__discord_app_commands_param_autocomplete__ = {  # type: ignore[attr-defined]
        option.name: autocomplete(option.kind) for option in options if option.autocomplete and not option.choices
    }
    command: app_commands.Command[Any, Any, None] = app_commands.Command(
        name=spec.leaf, description=spec.description, callback=callback
    )
    command.guild_only = True
    return command


def build_tree(tree: app_commands.CommandTree[Any], run: CommandRunner, suggest: Suggester) -> None:
    """Add every member command and the ``setup`` group to ``tree``."""
    setup = app_commands.Group(
        name="setup",
        description="Configure Secure Base for this server (moderators)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    for spec in COMMANDS:
        if spec.group == "setup":
            setup.add_command(_command(spec, run, suggest))
        else:
            tree.add_command(_command(spec, run, suggest))
    tree.add_command(setup)
