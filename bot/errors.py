"""Errors that carry a message meant for a person.

A ``UserError`` is an expected problem with what someone typed or pressed; its text is
shown privately, as one line that names the problem and the fix. Anything else that
escapes a handler is a bug: it is logged with an id and the member sees only that id.
"""

from __future__ import annotations

__all__ = ["NotAllowed", "StalePress", "UserError"]


class UserError(Exception):
    """A problem the person can fix; ``str(error)`` is the one-line answer they see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(UserError):
    """The person may not do this (a moderator command, a blocked share)."""


class StalePress(UserError):
    """A button from an earlier step, pressed again or after things moved on."""
