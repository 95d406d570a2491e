"""Typed settings from the environment and a ``.env`` file, with one-line errors.

A missing or invalid setting stops start-up with exit code 2 and a line naming the
variable and the fix; secret values are never echoed back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "SettingsError", "load_settings"]

_FIXES = {
    "SECUREBASE_CATCHUP_HOURS": "a whole number of hours from 0 to 168, e.g. 24",
    "SECUREBASE_HTTP_PORT": "a port number from 1 to 65535, e.g. 8080",
    "SECUREBASE_LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "SECUREBASE_LOG_FORMAT": "json or console",
    "SECUREBASE_CONTENT_DIR": "an existing folder of content files",
    "DISCORD_GUILD_IDS": "comma-separated numeric guild ids, e.g. 123456789012345678,234567890123456789",
    "DISCORD_REQUESTS_PER_SECOND": "a number of requests per second, e.g. 45",
    "SLACK_REQUESTS_PER_SECOND": "a number of requests per second, or 0 for no pacing",
    "SLACK_COMMAND": "a slash command such as /securebase",
}


class SettingsError(Exception):
    """One line naming the variable and the fix."""


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=False, env_ignore_empty=True)

    db: str = Field("./data/securebase.db", validation_alias=_env("SECUREBASE_DB"))
    content_dir: Path | None = Field(None, validation_alias=_env("SECUREBASE_CONTENT_DIR"))
    data_key: SecretStr | None = Field(None, validation_alias=_env("SECUREBASE_DATA_KEY"))
    catchup_hours: int = Field(24, ge=0, le=168, validation_alias=_env("SECUREBASE_CATCHUP_HOURS"))
    http_host: str = Field("0.0.0.0", validation_alias=_env("SECUREBASE_HTTP_HOST"))
    http_port: int = Field(8080, ge=1, le=65535, validation_alias=_env("SECUREBASE_HTTP_PORT"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("SECUREBASE_LOG_LEVEL")
    )
    log_format: Literal["json", "console"] | None = Field(None, validation_alias=_env("SECUREBASE_LOG_FORMAT"))
    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    discord_api_base: str = Field("https://discord.com/api/v10", validation_alias=_env("DISCORD_API_BASE"))
    discord_guild_ids: str = Field("", validation_alias=_env("DISCORD_GUILD_IDS"))
    discord_read_replies: bool = Field(False, validation_alias=_env("DISCORD_READ_REPLIES"))
    """Ask Discord for message content (a privileged intent), so communities may turn on reading
    prompt-thread replies for crisis language (``setup safety read_replies:true``)."""
    discord_requests_per_second: float = Field(
        45.0, ge=0, le=10_000, validation_alias=_env("DISCORD_REQUESTS_PER_SECOND")
    )
    """Our own pacing of channel posts, under Discord's global 50 requests/s (raise it behind a proxy)."""
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    slack_requests_per_second: float = Field(0.0, ge=0, le=10_000, validation_alias=_env("SLACK_REQUESTS_PER_SECOND"))
    """Our own pacing of Slack posts; 0 leaves it to Slack's 429s and the retry handler."""
    slack_command: str = Field("/securebase", pattern=r"^/[a-z0-9_-]{1,31}$", validation_alias=_env("SLACK_COMMAND"))

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("content_dir")
    @classmethod
    def _existing(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("not a folder")
        return value

    @field_validator("discord_guild_ids")
    @classmethod
    def _guilds(cls, value: str) -> str:
        if value and not all(part.strip().isdigit() for part in value.split(",")):
            raise ValueError("not a list of ids")
        return value

    @property
    def guild_ids(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.discord_guild_ids.split(",") if part.strip())

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None


def load_settings(**overrides: object) -> Settings:
    """Read the environment; raise ``SettingsError`` with the first problem as one line."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        fix = _FIXES.get(name, "see the README's configuration table")
        raise SettingsError(f"{name} is invalid: use {fix}.") from None
    if settings.slack_bot_token and not settings.slack_signing_secret and not settings.slack_app_token:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is missing: set it (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) "
            "beside SLACK_BOT_TOKEN."
        )
    return settings
