"""Replies in a prompt thread, read for crisis language only where the community turned it on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from adapters.discord.testing import FakeDiscord, discord_bot
from bot.clock import SimulatedClock

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

WORRYING = "honestly I don't want to be alive anymore"


def _texts(messages: list[dict[str, object]]) -> str:
    return "\n".join(str(message.get("embeds")) + str(message.get("content")) for message in messages)


async def test_a_worrying_thread_reply_gets_a_private_note_and_an_alert_without_text(tmp_path: Path) -> None:
    async with (
        FakeDiscord() as fake,
        discord_bot(fake, tmp_path / "r.db", SimulatedClock(START), read_replies=True) as bot,
    ):
        reflections, mods = fake.channel_id("reflections"), fake.channel_id("mods")
        setup = {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"}
        await fake.slash("setup prompts", setup, member=bot.admin)
        await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
        (post,) = fake.posts("reflections")
        thread = post["thread"]["id"]
        await fake.say(thread, WORRYING, member=bot.member)
        await asyncio.sleep(0.3)
        assert fake.dms() == []  # reading is off until a moderator turns it on
        await fake.slash(
            "setup safety", {"read_replies": True, "region": "UK", "alerts_channel": mods}, member=bot.admin
        )
        await fake.say(thread, WORRYING, member=bot.member)
        for _ in range(100):
            if fake.dms():
                break
            await asyncio.sleep(0.02)
        support = _texts(fake.dms())
        assert "116 123" in support and "findahelpline.com" in support
        alerts = _texts(fake.posts("mods"))
        assert alerts and "alive" not in alerts
        replies_by_bot = [m for m in fake.messages[thread] if m["author"]["id"] == fake.application_id]
        assert replies_by_bot == []  # never a public reply in the thread


async def test_a_worrying_journal_entry_gets_private_support_once_an_hour_and_shares_are_held(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, discord_bot(fake, tmp_path / "j.db", SimulatedClock(START)) as bot:
        mods = fake.channel_id("mods")
        await fake.slash("setup safety", {"region": "UK", "alerts_channel": mods}, member=bot.admin)
        journal = await fake.slash("journal", member=bot.member)
        consent = await fake.press(journal.messages[-1], dict(journal.buttons())["Write an entry"], member=bot.member)
        modal = await fake.press(consent.messages[-1], dict(consent.buttons())["Yes, I agree"], member=bot.member)
        form = modal.callback["data"]  # type: ignore[index]
        saved = await fake.submit(form, {"title": "Night", "text": WORRYING}, member=bot.member)
        said = saved.texts()
        assert "Saved privately" in said and "116 123" in said
        assert all(message.get("flags", 0) & 64 for message in saved.messages)  # ephemeral only
        alerts = _texts(fake.posts("mods"))
        assert alerts and "alive" not in alerts
        again = await fake.submit(form, {"title": "Later", "text": WORRYING}, member=bot.member)
        assert "116 123" not in again.texts()  # not repeated within the hour
        # an anonymous share with crisis language is held, not posted
        reflections = fake.channel_id("reflections")
        setup = {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"}
        await fake.slash("setup prompts", setup, member=bot.admin)
        await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
        (post,) = fake.posts("reflections")
        share = next(
            b["custom_id"] for row in post["components"] for b in row["components"] if "share" in b["custom_id"]
        )
        opened = await fake.press(post, share, member=bot.member, channel=reflections)
        held = await fake.submit(opened.callback["data"], {"text": WORRYING}, member=bot.member)  # type: ignore[index]
        assert fake.messages[post["thread"]["id"]] == [] and held.texts()
