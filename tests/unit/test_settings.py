from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"SECUREBASE_CATCHUP_HOURS": "soon"}, "SECUREBASE_CATCHUP_HOURS is invalid: use a whole number of hours"),
        ({"SECUREBASE_HTTP_PORT": "99999"}, "SECUREBASE_HTTP_PORT is invalid: use a port number"),
        ({"SECUREBASE_LOG_FORMAT": "xml"}, "SECUREBASE_LOG_FORMAT is invalid: use json or console."),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is missing"),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], line: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(line)
    assert "xoxb-1" not in str(caught.value)


def test_cli_exits_2_with_one_line(tmp_path: object) -> None:
    env = {**os.environ, "SECUREBASE_HTTP_PORT": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="", capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "SECUREBASE_HTTP_PORT is invalid: use a port number from 1 to 65535, e.g. 8080."
    ]


def test_empty_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copied .env.example leaves DISCORD_TOKEN= empty: that must not switch Discord on."""
    monkeypatch.setenv("DISCORD_TOKEN", "")
    monkeypatch.setenv("SECUREBASE_DATA_KEY", "")
    settings = load_settings()
    assert not settings.discord_enabled and settings.data_key is None
