"""Validation of command options into typed values, with one-line answers for mistakes.

Every message here names what was wrong and how to fix it, because it is the whole of
what a moderator sees when a ``setup`` command goes wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.commands import DAYS, CommandSpec, OptionKind, OptionSpec
from bot.errors import UserError

__all__ = [
    "Args",
    "known_timezones",
    "parse_bool",
    "parse_day",
    "parse_time",
    "parse_timezone",
    "validate_args",
]

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TRUE = {"true", "yes", "on", "1", "enable", "enabled"}
_FALSE = {"false", "no", "off", "0", "disable", "disabled"}
MAX_TEXT = 200


def parse_time(raw: str) -> time:
    match = _TIME.match(raw.strip())
    if not match:
        raise UserError(f'Time must be HH:MM (24-hour), got "{raw}".')
    return time(int(match.group(1)), int(match.group(2)))


@cache
def known_timezones() -> tuple[str, ...]:
    """IANA names people pick from; the legacy aliases (``US/Pacific``, ``Etc/GMT+3``) stay accepted."""
    return tuple(sorted(name for name in available_timezones() if "/" in name and not name.startswith("Etc/")))


def parse_timezone(raw: str) -> ZoneInfo:
    name = raw.strip()
    problem = UserError(f'Unknown time zone "{raw}". Use an IANA name such as Europe/Berlin.')
    if not name or name.startswith("/") or ".." in name:
        raise problem
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise problem from None


def parse_day(raw: str) -> int:
    """Monday is 0, as in ``datetime.weekday()``; three-letter abbreviations work too."""
    word = raw.strip().lower()
    for index, day in enumerate(DAYS):
        if word in (day, day[:3]):
            return index
    raise UserError(f'Day must be a day of the week such as monday, got "{raw}".')


def parse_bool(raw: str, option: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise UserError(f'{option.capitalize()} must be true or false, got "{raw}".')


@dataclass(frozen=True, slots=True)
class Args:
    """Validated option values of one command, read through typed accessors."""

    values: Mapping[str, object] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def time(self, name: str) -> time | None:
        value = self.values.get(name)
        return value if isinstance(value, time) else None

    def zone(self, name: str) -> ZoneInfo | None:
        value = self.values.get(name)
        return value if isinstance(value, ZoneInfo) else None

    def day(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool | None:
        value = self.values.get(name)
        return value if isinstance(value, bool) else None

    def items(self, name: str) -> tuple[str, ...]:
        value = self.values.get(name)
        return value if isinstance(value, tuple) else ()


ChannelParser = Callable[[str], str]
UsersParser = Callable[[str], tuple[str, ...]]


def validate_args(
    spec: CommandSpec,
    raw: Mapping[str, str],
    *,
    platform: str,
    parse_channel: ChannelParser,
    parse_users: UsersParser,
) -> Args:
    """Check every option of ``raw`` against ``spec``; the first problem found is the answer."""
    values: dict[str, object] = {}
    offered = spec.options_for(platform)
    for name, text in raw.items():
        option = spec.option(name)
        if option is None or option not in offered:
            names = ", ".join(o.name for o in offered) or "none"
            raise UserError(f'/{spec.name} has no option "{name}". Its options: {names}.')
        values[name] = _convert(option, text, parse_channel, parse_users)
    for option in offered:
        if option.required and option.name not in values:
            hint = f" ({', '.join(option.choices)})" if option.choices else ""
            raise UserError(f"/{spec.name} needs {option.name}{hint}, e.g. {_example(spec, option)}.")
    return Args(values)


def _convert(option: OptionSpec, text: str, parse_channel: ChannelParser, parse_users: UsersParser) -> object:
    text = text.strip()
    if not text:
        raise UserError(f"{option.name} is empty: give a value, e.g. {option.name}:{_sample(option)}.")
    match option.kind:
        case OptionKind.TIME:
            return parse_time(text)
        case OptionKind.TIMEZONE:
            return parse_timezone(text)
        case OptionKind.DAY:
            return parse_day(text)
        case OptionKind.BOOL:
            return parse_bool(text, option.name)
        case OptionKind.CHANNEL:
            return parse_channel(text)
        case OptionKind.USERS:
            return parse_users(text)
        case OptionKind.CHOICE:
            word = text.lower() if all(c.islower() for c in option.choices) else text.upper()
            if word not in option.choices:
                raise UserError(f'{option.name.capitalize()} must be one of {", ".join(option.choices)}; got "{text}".')
            return word
        case _:
            if len(text) > MAX_TEXT:
                raise UserError(f"{option.name.capitalize()} is too long: keep it under {MAX_TEXT} characters.")
            return text


def _sample(option: OptionSpec) -> str:
    samples = {
        OptionKind.TIME: "18:00",
        OptionKind.TIMEZONE: "Europe/Berlin",
        OptionKind.DAY: "monday",
        OptionKind.BOOL: "true",
        OptionKind.CHANNEL: "#reflections",
        OptionKind.LESSON: "pursuer-withdrawer",
        OptionKind.QUIZ: "attachment-style",
        OptionKind.TRACK: "foundations",
        OptionKind.CONTENT: "pursuer-withdrawer",
        OptionKind.USERS: "@sam",
    }
    return option.choices[0] if option.choices else samples.get(option.kind, "…")


def _example(spec: CommandSpec, option: OptionSpec) -> str:
    return f"/{spec.name} {option.name}:{_sample(option)}"
