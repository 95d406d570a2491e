from __future__ import annotations

from datetime import time

import pytest

from bot.commands import spec_for
from bot.errors import UserError
from bot.grammar import parse_command_line
from bot.options import parse_day, parse_time, parse_timezone, validate_args


def _validate(name: str, **raw: str) -> object:
    spec = spec_for(name)
    assert spec is not None
    return validate_args(
        spec,
        raw,
        platform="console",
        parse_channel=lambda s: s.lstrip("#"),
        parse_users=lambda s: tuple(s.split()),
    )


def test_grammar_splits_command_and_options() -> None:
    spec, args = parse_command_line("/setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin")
    assert spec.name == "setup prompts"
    assert args == {"channel": "#reflections", "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"}


def test_first_option_may_be_bare_and_values_may_hold_spaces() -> None:
    assert parse_command_line("lesson pursuer-withdrawer")[1] == {"topic": "pursuer-withdrawer"}
    assert parse_command_line("faq question:can my style change")[1] == {"question": "can my style change"}
    assert parse_command_line("")[0].name == "help"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/dance", 'Unknown command "dance". Try /help for the list.'),
        ("/setup", "/setup needs a subcommand: prompts, lessons, safety"),
        ("/setup prompts day:monday day:friday", "day is given twice: give it once."),
        ("/help now", '/help takes no options, got "now".'),
    ],
)
def test_grammar_errors_are_one_line(line: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_command_line(line)
    assert caught.value.message.startswith(message)
    assert "\n" not in caught.value.message


def test_time_timezone_and_day() -> None:
    assert parse_time("9:05") == time(9, 5)
    assert parse_timezone("Australia/Sydney").key == "Australia/Sydney"
    assert parse_day("Sun") == 6
    with pytest.raises(UserError, match=r'^Time must be HH:MM \(24-hour\), got "25:99"\.$'):
        parse_time("25:99")
    with pytest.raises(UserError, match=r'^Unknown time zone "Mars/Base"\. Use an IANA name such as Europe/Berlin\.$'):
        parse_timezone("Mars/Base")
    for bad in ("../etc/passwd", "", "/abs"):
        with pytest.raises(UserError):
            parse_timezone(bad)


def test_validation_names_unknown_and_missing_options() -> None:
    with pytest.raises(UserError, match='has no option "colour"'):
        _validate("setup prompts", colour="blue")
    with pytest.raises(UserError, match=r"^/mydata needs action \(export, delete\)"):
        _validate("mydata")
    with pytest.raises(UserError, match='Action must be one of export, delete; got "burn"'):
        _validate("mydata", action="burn")
    with pytest.raises(UserError, match="Region must be one of US, UK"):
        _validate("setup safety", region="mars")
    assert _validate("setup safety", region="uk").values["region"] == "UK"  # type: ignore[attr-defined]


def test_role_is_offered_on_discord_only() -> None:
    spec = spec_for("setup moderators")
    assert spec is not None
    assert [o.name for o in spec.options_for("discord")] == ["role"]
    assert [o.name for o in spec.options_for("slack")] == ["users"]
