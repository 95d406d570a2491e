"""A bug in a handler: the member sees a short apology with an id; the log has the same id, no text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from bot.testing import BotHarness, text_of


async def test_unexpected_error_is_logged_with_the_id_the_member_sees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotHarness.start(tmp_path) as bot:

        async def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("boom")

        monkeypatch.setattr(bot.app.services.journal, "summary", broken)
        with capture_logs() as logs:
            reply = await bot.command("journal")
        said = text_of(reply)
        match = re.fullmatch(r"Sorry, something went wrong on my side \(error id ([0-9a-f]{8})\)\. .+", said)
        assert match, said
        (failure,) = [entry for entry in logs if entry["event"] == "handler_failed"]
        assert failure["request_id"] == match.group(1) and failure["name"] == "journal"
        again = await bot.command("help")
        assert "Secure Base" in text_of(again)  # and the bot carries on
