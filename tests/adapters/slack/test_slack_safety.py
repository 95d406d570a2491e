"""Replies in a prompt thread, read for crisis language only where the community turned it on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from slack_driver import ADMIN, MEMBER, running_bot

from adapters.slack.testing import FakeSlack, text_in

SETUP = "setup prompts channel:<#CREFLECT01|reflections> day:monday time:18:00 timezone:Europe/Berlin"
MEMBER_DM = "DMEMBER01"
WORRYING = "honestly I don't want to be alive anymore"


async def _dm_text(fake: FakeSlack) -> str:
    for _ in range(100):
        if fake.messages.get(MEMBER_DM):
            break
        await asyncio.sleep(0.02)
    return "\n".join(text_in(message["blocks"]) for message in fake.messages.get(MEMBER_DM, []))


async def test_a_worrying_thread_reply_gets_private_support_and_an_alert_without_text(
    tmp_path: Path, fake: FakeSlack
) -> None:
    fake.add_channel("CMODS00001", "mods")
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        await bot.command("setup post-now what:prompt", user=ADMIN)
        (post,) = fake.posts("CREFLECT01")
        reply = {
            "type": "message",
            "channel": "CREFLECT01",
            "user": MEMBER,
            "text": WORRYING,
            "ts": "1700000099.000001",
            "thread_ts": post["ts"],
        }
        acked = await bot.event(reply)
        assert acked.status == 200 and acked.seconds < 1.0
        await asyncio.sleep(0.2)
        assert fake.messages.get(MEMBER_DM) is None  # reading is off until a moderator turns it on
        await bot.command("setup safety read_replies:true region:UK alerts_channel:<#CMODS00001|mods>", user=ADMIN)
        await bot.event({**reply, "ts": "1700000099.000002"})
        support = await _dm_text(fake)
        assert "116 123" in support and "findahelpline.com" in support
        alerts = "\n".join(text_in(m.get("blocks") or []) + m.get("text", "") for m in fake.posts("CMODS00001"))
        assert alerts and WORRYING not in alerts and "alive" not in alerts
        assert all(WORRYING not in text_in(m.get("blocks") or []) for m in fake.thread("CREFLECT01", post["ts"]))
        # the bot's own messages and edits are never read
        await bot.event({**reply, "ts": "1700000099.000003", "bot_id": "B0BOT"})
        await bot.event({**reply, "ts": "1700000099.000004", "subtype": "message_changed"})


async def test_a_worrying_journal_entry_gets_private_support_and_an_alert(tmp_path: Path, fake: FakeSlack) -> None:
    fake.add_channel("CMODS00001", "mods")
    async with running_bot(tmp_path, fake) as bot:
        await bot.command("setup safety region:UK alerts_channel:<#CMODS00001|mods>", user=ADMIN)
        journal = await bot.command("journal")
        consent = await bot.press(bot.button(journal, "Write an entry"))
        opening = await bot.press(bot.button(consent, "Yes, I agree"))
        await bot.submit(bot.last_modal(), {"title": "Night", "text": WORRYING})
        await asyncio.sleep(0.2)
        said = bot.said(opening)  # the answer goes to the response_url of the press that opened the form
        assert "Saved privately" in said and "116 123" in said
        alerts = "\n".join(text_in(m.get("blocks") or []) + m.get("text", "") for m in fake.posts("CMODS00001"))
        assert alerts and "alive" not in alerts
