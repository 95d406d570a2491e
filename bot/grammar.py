"""The text grammar shared by Slack's ``/securebase …`` and the console.

``setup prompts channel:#reflections day:monday time:18:00`` → (``setup prompts``, options).
Options are ``key:value``; a value runs until the next ``key:`` so it may hold spaces
(``faq question:can styles change``); the first option may be given bare
(``lesson pursuer-withdrawer``).
"""

from __future__ import annotations

import re

from bot.commands import COMMANDS, CommandSpec, spec_for
from bot.errors import UserError

__all__ = ["parse_command_line"]

_KEY = re.compile(r"^([a-z][a-z_]*):(.*)$", re.DOTALL)
_GROUPS = {spec.group for spec in COMMANDS if spec.group}


def parse_command_line(text: str, *, prefix: str = "/") -> tuple[CommandSpec, dict[str, str]]:
    """Split one line into its command spec and raw option strings.

    ``prefix`` is how the person invokes commands (``/`` in the console, ``/securebase `` on
    Slack); it appears in the error messages so the fix can be copied.
    """
    words = text.strip().lstrip("/").split()
    if not words:
        return _require("help"), {}
    head = words[0].lower()
    if head in _GROUPS:
        if len(words) < 2 or ":" in words[1]:
            subs = ", ".join(spec.leaf for spec in COMMANDS if spec.group == head)
            raise UserError(f"{prefix}{head} needs a subcommand: {subs}.")
        name, rest = f"{head} {words[1].lower()}", words[2:]
    else:
        name, rest = head, words[1:]
    spec = spec_for(name)
    if spec is None:
        raise UserError(f'Unknown command "{name}". Try {prefix}help for the list.')
    return spec, _options(spec, rest)


def _options(spec: CommandSpec, words: list[str]) -> dict[str, str]:
    known = {option.name for option in spec.options}
    values: dict[str, list[str]] = {}
    current: str | None = None
    for word in words:
        match = _KEY.match(word)
        # An unknown ``key:`` opening the options is reported as an unknown option; later
        # on it is just part of a value ("question:what does note: mean").
        if match and (match.group(1) in known or current is None):
            current = match.group(1)
            if current in values:
                raise UserError(f"{current} is given twice: give it once.")
            values[current] = [match.group(2)] if match.group(2) else []
        elif current is None:
            if not spec.options:
                raise UserError(f'/{spec.name} takes no options, got "{word}".')
            current = spec.options[0].name
            values[current] = [word]
        else:
            values[current].append(word)
    return {key: " ".join(parts) for key, parts in values.items()}


def _require(name: str) -> CommandSpec:
    spec = spec_for(name)
    assert spec is not None, name
    return spec
