"""Privacy as tests: delete leaves no row naming the member, export holds every row that did,
declining consent stores nothing, the key file is private, and no member text reaches a log."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from bot.crypto import KEY_FILE_NAME, load_or_create_key
from bot.events import ChannelRef, UserRef
from bot.logs import configure_logging
from bot.storage.db import Database
from bot.testing import BotHarness, text_of

SAM = "U0SAM42"
"""A user id distinctive enough to search every column for, even as a substring."""
TRANSFORMED = ("title", "body", "answers")
"""Columns the export opens or decodes (journal text, quiz answers); compared by row otherwise."""


async def rows_naming(db: Database, user_id: str, link: str, member_id: int | None) -> dict[str, list[dict[str, Any]]]:
    """Scan every row of every table: the user id or author link in any column, or the member's
    row id in a ``member_id`` column (or as the ``members`` row itself)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in await db.table_names():
        for row in await db.fetchall(f'SELECT * FROM "{table}"'):
            values = dict(row)
            if any(_names(column, value, table, user_id, link, member_id) for column, value in values.items()):
                found.setdefault(table, []).append(values)
    return found


def _names(column: str, value: object, table: str, user_id: str, link: str, member_id: int | None) -> bool:
    if isinstance(value, str):
        return user_id in value or link in value
    if isinstance(value, bytes):
        return user_id.encode() in value or link.encode() in value
    if member_id is not None and value == member_id:
        return column == "member_id" or (table == "members" and column == "id")
    return False


def comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in TRANSFORMED}


async def write_journal(bot: BotHarness, title: str, text: str) -> str:
    opened = await bot.press(await bot.command("journal"), "Write an entry")
    if opened.form is None:
        opened = await bot.press(opened, "Yes, I agree")
    return text_of(await bot.submit(opened, title=title, text=text))


async def share(bot: BotHarness, text: str) -> str:
    form = await bot.press(await bot.command("reflect"), "Share anonymously")
    return text_of(await bot.submit(form, text=text))


async def fill_every_table(bot: BotHarness) -> None:
    """Leave a row naming SAM in every table that can name a member."""
    bot.as_("mia", admin=True)
    await bot.command("setup safety region:UK alerts_channel:#mods")
    await bot.command("setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin")
    await bot.command("setup post-now what:prompt")
    await bot.command(f"setup moderators users:@{SAM}")  # moderators
    bot.as_(SAM)
    await bot.command("setup lessons channel:#lessons day:friday time:09:00 timezone:Europe/London")  # schedules, audit
    await bot.press(await bot.command("lesson"), "Mark as done")  # lesson_progress
    await write_journal(bot, "Sunday", "I keep thinking about ending my life.")  # members, journal, safety
    reply = await bot.command("quiz communication-skills")
    while reply.messages[-1].buttons and "Question" in reply.messages[-1].title:
        reply = await bot.press(reply, 1)  # a finished knowledge quiz
    await bot.press(await bot.command("quiz attachment-basics"), 1)  # one in progress, answers kept
    reply = await bot.command("quiz")
    for _ in range(16):
        reply = await bot.press(reply, 4)  # reflection_results
    await share(bot, "Thank you all for listening last week.")  # anonymous_shares
    shared = bot.platform.posts()[-1]
    assert shared.message is not None
    bot.as_("mia", admin=True)
    await bot.press_id(shared.message.buttons[0].action_id)  # share_blocks
    bot.as_(SAM)


async def test_delete_leaves_no_row_naming_the_member_and_export_held_every_one(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await fill_every_table(bot)
        member_id = await bot.app.db.scalar("SELECT id FROM members WHERE user_id = ?", (SAM,))
        link = bot.app.services.vault.author_link(1, SAM)
        before = await rows_naming(bot.app.db, SAM, link, member_id)
        expected_tables = {
            "members",
            "lesson_progress",
            "quiz_attempts",
            "reflection_results",
            "journal_entries",
            "anonymous_shares",
            "share_blocks",
            "safety_responses",
            "moderators",
            "schedules",
            "audit_log",
        }
        assert expected_tables <= set(before), f"the flows left no row in {expected_tables - set(before)}"

        export = (await bot.command("mydata export")).messages[0]
        document = json.loads(export.files[0].data)
        exported = document["tables"]
        for table, rows in before.items():
            exported_rows = [comparable(row) for row in exported.get(table, [])]
            for row in rows:
                assert comparable(row) in exported_rows, f"{table} row {comparable(row)} is missing from the export"
        assert exported["journal_entries"][0]["body"] == "I keep thinking about ending my life."  # opened for them
        markdown = export.files[1].data.decode()
        assert "### Sunday" in markdown and "When I last sent you support lines" in markdown

        await bot.press(await bot.command("mydata delete"), "Delete everything")
        after = await rows_naming(bot.app.db, SAM, link, member_id)
        assert after == {}, after


async def test_export_and_delete_without_a_member_row(tmp_path: Path) -> None:
    """A moderator who never stored anything personal is still named by their setup actions."""
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        await bot.command("setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin")
        document = json.loads((await bot.command("mydata export")).messages[0].files[0].data)
        assert document["tables"]["audit_log"][0]["actor_id"] == "mia"
        assert document["tables"]["schedules"][0]["configured_by"] == "mia"
        await bot.press(await bot.command("mydata delete"), "Delete everything")
        assert await rows_naming(bot.app.db, "mia", bot.app.services.vault.author_link(1, "mia"), None) == {}


async def test_consent_declined_stores_nothing(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_(SAM)
        asked = await bot.press(await bot.command("journal"), "Write an entry")
        assert "nothing was stored" in text_of(await bot.press(asked, "No thanks"))
        asked = await bot.command("quiz")
        assert "nothing was stored" in text_of(await bot.press(asked, "No thanks"))
        await bot.command("lesson")
        await bot.command("resources")
        link = bot.app.services.vault.author_link(1, SAM)
        assert await rows_naming(bot.app.db, SAM, link, None) == {}


async def test_the_database_file_holds_no_member_text(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        await bot.command("setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin")
        await bot.command("setup post-now what:prompt")
        bot.as_(SAM)
        await write_journal(bot, "Quince evening", "The quince tree reminded me of my grandmother.")
        await write_journal(bot, "Later", "Honestly I just want to die tonight.")
        await share(bot, "Wintergreen tea and a long walk helped me.")
        await share(bot, "I have pills lined up and I want to end it all.")
        await bot.app.db.fetchone("PRAGMA wal_checkpoint(FULL)")
    raw = database_bytes(tmp_path)
    for text in (b"quince", b"Quince", b"grandmother", b"want to die", b"Wintergreen", b"pills lined up"):
        assert text not in raw


def database_bytes(folder: Path) -> bytes:
    raw = b"".join(path.read_bytes() for path in folder.glob("securebase.db*"))
    assert raw
    return raw


def test_the_generated_key_file_is_private_and_a_configured_key_writes_none(tmp_path: Path) -> None:
    key = load_or_create_key(None, str(tmp_path / "data" / "securebase.db"))
    key_file = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert load_or_create_key(None, str(tmp_path / "data" / "securebase.db")) == key
    configured = load_or_create_key(key.decode(), str(tmp_path / "other" / "securebase.db"))
    assert configured == key and not (tmp_path / "other" / KEY_FILE_NAME).exists()


# --- logs ------------------------------------------------------------------------------------------------

MEMBER_WORDS = ("ottoline", "zeppelin", "wintergreen", "marmalade", "quixotic", "want to die", "ending my life")


@pytest.fixture
def log_stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The real logging set-up (bot.logs) writing JSON to a string instead of stderr."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("DEBUG", "json")
    try:
        yield stream
    finally:
        structlog.configure(**saved)
        root.handlers[:] = handlers
        root.setLevel(level)


async def run_every_flow(bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    bot.as_("mia", admin=True)
    await bot.command("setup safety region:UK alerts_channel:#mods read_replies:true")
    await bot.command("setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin")
    await bot.command("setup post-now what:prompt")
    form = await bot.command("setup prompt-add")
    await bot.submit(form, text="Quixotic question: I want to die, do you?")
    bot.as_(SAM)
    await write_journal(bot, "Ottoline", "The zeppelin exhibit with Ottoline was lovely.")
    await write_journal(bot, "Marmalade", "Marmalade again. I keep thinking about ending my life.")
    await share(bot, "Wintergreen tea helped me through the week.")
    await share(bot, "Wintergreen or not, I want to die.")
    thread = next(sent.target for sent in bot.platform.sent if sent.kind == "thread")
    assert isinstance(thread, ChannelRef)
    await bot.reply_in_thread(thread, "The zeppelin of sadness: I want to die.", "m20")
    reply = await bot.command("quiz communication-skills")
    while reply.messages[-1].buttons and "Question" in reply.messages[-1].title:
        reply = await bot.press(reply, 2)
    reply = await bot.command("quiz")
    reply = await bot.press(reply, "Yes, I agree") if "Before I keep" in text_of(reply) else reply
    for _ in range(16):
        reply = await bot.press(reply, 6)
    await bot.command("lesson zeppelin marmalade")  # an unknown topic, typed by the member
    await bot.command("marmalade ottoline")  # an unknown command
    await bot.advance(timedelta(hours=2))

    async def broken(*args: object) -> None:
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(bot.app.services.journal, "add", broken)
    failed = await write_journal(bot, "Ottoline", "Zeppelin marmalade: I want to die.")  # a bug, logged with an id
    assert "error id" in failed


async def test_no_member_words_reach_the_logs(
    tmp_path: Path, log_stream: io.StringIO, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    async with BotHarness.start(tmp_path) as bot:
        await run_every_flow(bot, monkeypatch)
    logged = log_stream.getvalue()
    events = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    names = {event["event"] for event in events}
    assert {"crisis_language", "handler_failed", "refused"} <= names, names  # logging really was on
    everything = (logged + caplog.text).lower()
    for words in MEMBER_WORDS:
        assert words not in everything, f"{words!r} reached the logs"
    assert SAM.lower() not in "\n".join(
        json.dumps(event).lower() for event in events if event["event"] == "crisis_language"
    )


async def test_a_crisis_is_logged_by_kind_and_source_only(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_(SAM)
        with capture_logs() as captured:
            await write_journal(bot, "Marmalade", "I keep thinking about ending my life.")
    (event,) = [entry for entry in captured if entry["event"] == "crisis_language"]
    assert set(event) == {
        "event",
        "log_level",
        "source",
        "kinds",
        "community_id",
        "support_sent",
        "moderators_alerted",
    }
    assert event["source"] == "journal" and event["kinds"] == ["direct"] and event["support_sent"] is True


async def test_export_and_delete_cover_one_community_only(tmp_path: Path) -> None:
    """A person in two communities has two separate records: what one exports, the other keeps."""


    async with BotHarness.start(tmp_path) as bot:
        dispatcher = bot.app.dispatcher
        for workspace in ("w1", "w2"):
            user, channel = UserRef("test", workspace, "mia"), ChannelRef("test", workspace, "general")
            line = "setup prompts channel:#r day:monday time:18:00 timezone:Europe/Berlin"
            await dispatcher.handle_line(user, channel, line, is_admin=True)
        export = await dispatcher.handle_line(
            UserRef("test", "w1", "mia"), ChannelRef("test", "w1", "g"), "mydata export"
        )
        tables = json.loads(export.messages[0].files[0].data)["tables"]
        assert len(tables["schedules"]) == 1 and len(tables["audit_log"]) == 1
        assert {row["community_id"] for row in tables["schedules"]} == {1}
