"""Tables that map command names, button ids and form ids to their handlers.

Handlers register with a decorator next to their code, so the dispatcher has one
obvious place to look and a test can check that every declared command has a handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.events import Reply
from bot.options import Args
from bot.services import Services
from bot.services.context import Context

__all__ = ["COMMAND_HANDLERS", "FORM_HANDLERS", "PRESS_HANDLERS", "Entry", "Table"]

CommandHandler = Callable[[Services, Context, Args], Awaitable[Reply]]
PressHandler = Callable[[Services, Context, list[str]], Awaitable[Reply]]
FormHandler = Callable[[Services, Context, list[str], dict[str, str]], Awaitable[Reply]]
H = TypeVar("H")


@dataclass(frozen=True, slots=True)
class Entry(Generic[H]):
    handler: H
    moderator: bool


class Table(Generic[H]):
    def __init__(self) -> None:
        self._entries: dict[str, Entry[H]] = {}

    def on(self, key: str, *, moderator: bool = False) -> Callable[[H], H]:
        def register(handler: H) -> H:
            if key in self._entries:
                raise ValueError(f"two handlers for {key!r}")
            self._entries[key] = Entry(handler, moderator)
            return handler

        return register

    def get(self, key: str) -> Entry[H] | None:
        return self._entries.get(key)

    def route(self, identifier: str) -> tuple[Entry[H], list[str]] | None:
        """``quiz:a:12:3:1`` → (the ``quiz:a`` entry, ``["12", "3", "1"]``); longest key wins."""
        parts = identifier.split(":")
        for size in (2, 1):
            entry = self._entries.get(":".join(parts[:size]))
            if entry is not None:
                return entry, parts[size:]
        return None

    def keys(self) -> set[str]:
        return set(self._entries)


COMMAND_HANDLERS: Table[CommandHandler] = Table()
PRESS_HANDLERS: Table[PressHandler] = Table()
FORM_HANDLERS: Table[FormHandler] = Table()
