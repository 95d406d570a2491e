"""``securebase``: run the bot, the console demo, and content checks.

Exit codes: 0 done, 1 a check found problems (``content validate``), 2 the bot cannot
start as configured (a setting or the content is wrong), with one line saying why.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.catalog import ContentError, bundled_content_dir, load_catalog
from bot.settings import Settings, SettingsError, load_settings

__all__ = ["main"]

CONNECT_HINT = (
    "No DISCORD_TOKEN or SLACK_BOT_TOKEN is set, so this is the console demo.\n"
    "To connect a real community, set DISCORD_TOKEN (Discord) or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack); "
    "see the README."
)


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as problem:
        click.echo(str(problem), err=True)
        sys.exit(2)


@click.group()
def main() -> None:
    """Secure Base: a gentle companion bot for support-group communities."""


@main.command()
def run() -> None:
    """Start every platform whose credentials are set; with none, the console demo."""
    settings = _settings()
    if not (settings.discord_enabled or settings.slack_enabled):
        click.echo(CONNECT_HINT + "\n")
        _console(settings, script=None)
        return
    from bot.logs import configure_logging
    from bot.runner import make_adapters, serve

    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(serve(settings, make_adapters(settings)))
    except (ContentError, SettingsError) as problem:
        click.echo(str(problem), err=True)
        sys.exit(2)


@main.command()
@click.option(
    "--script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run a transcript and exit.",
)
@click.option("--db", type=str, default=None, help="SQLite database file (default: SECUREBASE_DB).")
def console(script: Path | None, db: str | None) -> None:
    """The console adapter: the whole bot in this terminal."""
    settings = _settings(**({"SECUREBASE_DB": db} if db else {}))
    _console(settings, script)


def _console(settings: Settings, script: Path | None) -> None:
    from adapters.console import run_console
    from bot.logs import configure_logging

    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level, settings.log_format)
    lines = script.read_text(encoding="utf-8").splitlines() if script else None
    files_dir = Path(settings.db).resolve().parent / "console-files"
    try:
        asyncio.run(run_console(settings, lines, files_dir))
    except ContentError as problem:
        click.echo(str(problem), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("\nBye.")


@main.command("discord-invite")
@click.option("--client-id", default=None, help="The application id (default: read from DISCORD_TOKEN).")
def discord_invite(client_id: str | None) -> None:
    """Print the invite URL with exactly the scopes and permissions the bot needs."""
    from adapters.discord.invite import client_id_from_token, invite_url

    if client_id is None:
        token = _settings().discord_token
        client_id = client_id_from_token(token.get_secret_value()) if token else None
    if not client_id or not client_id.isdigit():
        click.echo(
            "I need the application id: pass --client-id (Discord Developer Portal → your app → Application ID) "
            "or set DISCORD_TOKEN.",
            err=True,
        )
        sys.exit(2)
    click.echo(invite_url(client_id))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(path: Path) -> None:
    """A consistent copy of the database at PATH, safe while the bot runs."""
    from bot.storage.backup import BackupError, backup_database

    settings = _settings()
    try:
        pages = backup_database(settings.db, path)
    except BackupError as problem:
        click.echo(str(problem), err=True)
        sys.exit(1)
    click.echo(f"Backed up {settings.db} to {path} ({pages} pages).")
    if settings.data_key is None:
        click.echo(
            "Keep a copy of the key file beside the database (securebase.key) somewhere safe too: "
            "without it, journal entries in the backup cannot be read."
        )


@main.group()
def content() -> None:
    """Check content files."""


@content.command("validate")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def validate(directory: Path | None) -> None:
    """Check DIRECTORY (layered over the bundled pack), or the bundled pack alone."""
    folders = [bundled_content_dir(), *([directory] if directory else [])]
    try:
        catalog = load_catalog(folders)
    except ContentError as problem:
        for line in problem.problems:
            click.echo(line)
        click.echo(f"{len(problem.problems)} problem(s) found.")
        sys.exit(1)
    click.echo(
        f"Content OK: {len(catalog.lessons)} lessons, {len(catalog.tracks)} tracks, {len(catalog.quizzes)} quizzes, "
        f"{len(catalog.prompts)} prompts, {len(catalog.faq)} FAQ entries, {len(catalog.resources)} regions."
    )


@main.command("slack-manifest")
@click.option(
    "--url",
    "base_url",
    default="https://securebase.example.org",
    show_default=True,
    help="Public HTTPS address of the bot's HTTP server; /slack/events is added to it.",
)
@click.option(
    "--command",
    "slash_command",
    envvar="SLACK_COMMAND",
    default="/securebase",
    show_default=True,
    help="The slash command's name (SLACK_COMMAND).",
)
@click.option("--socket-mode", is_flag=True, help="Socket Mode (SLACK_APP_TOKEN): no request URLs needed.")
@click.option(
    "--read-replies", is_flag=True, help="Subscribe to channel messages (for setup safety read_replies:true)."
)
def slack_manifest(base_url: str, slash_command: str, socket_mode: bool, read_replies: bool) -> None:
    """Print the Slack app manifest (YAML): paste it at api.slack.com/apps → Create New App → From a manifest."""
    from adapters.slack.manifest import manifest_yaml

    if not base_url.startswith(("https://", "http://")):
        click.echo(f'--url must be an address such as https://bot.example.org, got "{base_url}".', err=True)
        sys.exit(2)
    click.echo(
        manifest_yaml(base_url, command=slash_command, socket_mode=socket_mode, read_replies=read_replies), nl=False
    )
