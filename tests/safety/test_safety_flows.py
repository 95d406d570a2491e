"""Crisis-language care through the real core: private support, moderator alerts without text,
the hourly limit, held shares and prompts, thread replies, and removing an anonymous share."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.events import ChannelRef, Message, Reply
from bot.ports import PostFailed
from bot.testing import PLATFORM, WORKSPACE, BotHarness, Sent, text_of

SETUP_PROMPTS = "setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin"
CRISIS = "Another hard day at the marmalade factory. I keep thinking about ending my life."
CRISIS_AGAIN = "Still heavy tonight. Honestly I just want to die."
IDIOM = "This marmalade deadline is killing me, and I'd die for a weekend off."
SUPPORT_TITLE = "You don't have to carry this alone"


def alerts(bot: BotHarness) -> list[Message]:
    return [
        sent.message
        for sent in bot.platform.posts()
        if isinstance(sent.target, ChannelRef) and sent.target.channel_id == "mods" and sent.message
    ]


def support_in(reply: Reply | None) -> Message | None:
    messages = reply.messages if reply else ()
    return next((message for message in messages if message.title == SUPPORT_TITLE), None)


async def setup_community(bot: BotHarness, *, prompts: bool = False) -> None:
    bot.as_("mia", admin=True)
    await bot.command("setup safety region:UK alerts_channel:#mods")
    if prompts:
        await bot.command(SETUP_PROMPTS)
        await bot.command("setup post-now what:prompt")
    bot.as_("sam")


async def write_journal(bot: BotHarness, text: str) -> Reply:
    opened = await bot.press(await bot.command("journal"), "Write an entry")
    if opened.form is None:  # the first time: the consent step
        opened = await bot.press(opened, "Yes, I agree")
    return await bot.submit(opened, title="Tuesday", text=text)


async def share(bot: BotHarness, text: str) -> Reply:
    form = await bot.press(await bot.command("reflect"), "Share anonymously")
    return await bot.submit(form, text=text)


def prompt_thread(bot: BotHarness) -> ChannelRef:
    thread = next(sent.target for sent in bot.platform.sent if sent.kind == "thread")
    assert isinstance(thread, ChannelRef)
    return thread


async def test_crisis_in_a_journal_gets_private_support_once_an_hour_and_alerts_without_text(
    tmp_path: Path,
) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot)
        reply = await write_journal(bot, CRISIS)
        support = support_in(reply)
        assert support is not None and support.private
        assert "Samaritans" in support.body and "116 123" in support.body and "findahelpline.com" in support.body
        assert "emergency number" in support.body and support.footer  # the not-therapy note
        assert "Saved privately. You have 1 journal entry." in text_of(reply)
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM journal_entries") == 1  # nothing lost

        (alert,) = alerts(bot)
        assert not alert.private
        alert_text = f"{alert.title}\n{alert.body}\n{alert.footer}"
        assert "<@sam>" in alert_text and "private journal" in alert_text
        for words in ("marmalade", "ending my life", "Tuesday", "hard day"):
            assert words not in alert_text
        assert "not an assessment of risk" in alert_text

        await bot.advance(timedelta(minutes=30))
        again = await write_journal(bot, CRISIS_AGAIN)
        assert support_in(again) is None and "Saved privately. You have 2 journal entries." in text_of(again)
        assert len(alerts(bot)) == 1

        await bot.advance(timedelta(minutes=31))
        later = await write_journal(bot, CRISIS_AGAIN)
        assert support_in(later) is not None
        assert len(alerts(bot)) == 2


async def test_each_member_has_their_own_hour(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot)
        assert support_in(await write_journal(bot, CRISIS)) is not None
        bot.as_("lee")
        assert support_in(await write_journal(bot, CRISIS)) is not None


async def test_a_figurative_idiom_gets_no_safety_reply(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot)
        reply = await write_journal(bot, IDIOM)
        assert support_in(reply) is None and text_of(reply).startswith("Saved privately")
        assert alerts(bot) == []
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM safety_responses") == 0


async def test_without_an_alerts_channel_the_member_still_gets_support(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        support = support_in(await write_journal(bot, CRISIS))
        assert support is not None and "findahelpline.com" in support.body
        assert "moderators" not in support.body  # nobody was told, so it doesn't say so
        assert bot.platform.posts() == []


async def test_a_failed_alert_never_stands_between_the_member_and_support(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot)
        bot.platform.faults.append(PostFailed("missing permission: Send Messages", lasting=True))
        reply = await write_journal(bot, CRISIS)
        support = support_in(reply)
        assert support is not None and "moderators" not in support.body
        assert "Saved privately" in text_of(reply)


async def test_an_anonymous_share_with_crisis_text_is_held_and_the_author_offered_support(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot, prompts=True)
        posts_before = len(bot.platform.posts())
        reply = await share(bot, CRISIS)
        support = support_in(reply)
        assert support is not None and support.private and "haven't posted this one" in support.body
        assert "116 123" in support.body
        thread_posts = [sent for sent in bot.platform.posts()[posts_before:] if sent.target.thread_id]  # type: ignore[union-attr]
        assert thread_posts == []  # not posted
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM anonymous_shares") == 0  # and not stored

        (alert,) = alerts(bot)
        alert_text = f"{alert.title}\n{alert.body}"
        assert "#reflections" in alert_text and "thread" in alert_text
        assert "sam" not in alert_text and "marmalade" not in alert_text and "ending my life" not in alert_text

        held_again = await share(bot, CRISIS_AGAIN)  # within the hour: held, with a short kind note
        assert support_in(held_again) is None and "haven't posted this one" in text_of(held_again)
        assert "/resources" in text_of(held_again)


async def test_an_ordinary_share_is_posted_with_a_moderator_button(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot, prompts=True)
        reply = await share(bot, "It helped to hear I'm not alone.")
        assert "without your name" in text_of(reply)
        posted = bot.platform.posts()[-1]
        assert posted.message is not None and posted.message.body == "It helped to hear I'm not alone."
        assert [b.label for b in posted.message.buttons] == ["Remove and block (moderators)"]
        row = await bot.app.db.fetchone("SELECT status, message_id FROM anonymous_shares")
        assert row is not None and tuple(row) == ("posted", "m3")


async def test_moderators_remove_a_share_and_block_its_unknown_author(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot, prompts=True)
        await share(bot, "Something the group shouldn't have to read.")
        shared = bot.platform.posts()[-1]
        assert shared.message is not None
        action = shared.message.buttons[0].action_id

        refused = await bot.press_id(action)  # sam is not a moderator
        assert "Only moderators" in text_of(refused)
        assert await bot.app.db.scalar("SELECT status FROM anonymous_shares") == "posted"

        bot.as_("mia", admin=True)
        removed = text_of(await bot.press_id(action))
        assert removed.startswith("Removed.") and "sam" not in removed
        assert await bot.app.db.scalar("SELECT status FROM anonymous_shares") == "removed"
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM share_blocks") == 1
        deleted = [sent for sent in bot.platform.sent if sent.kind == "delete"]
        assert deleted == [Sent("delete", shared.target, name="m3")]
        audit = await bot.app.db.fetchall("SELECT action, detail FROM audit_log WHERE action = 'share remove'")
        link = bot.app.services.vault.author_link(1, "sam")
        assert len(audit) == 1 and link not in str(tuple(audit[0])) and "sam" not in str(tuple(audit[0]))
        assert "already removed" in text_of(await bot.press_id(action))
        assert "Anonymous shares: **0**" in text_of(await bot.command("setup stats"))

        bot.as_("sam")
        blocked = await share(bot, "Can I share again?")
        assert "Anonymous sharing is turned off for you" in text_of(blocked)
        bot.as_("lee")
        assert "without your name" in text_of(await share(bot, "Others still can."))


async def test_when_the_platform_cannot_delete_the_moderator_is_told(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot, prompts=True)
        await share(bot, "A share.")
        shared = bot.platform.posts()[-1]
        assert shared.message is not None
        bot.platform.undeletable.add("m3")
        bot.as_("mia", admin=True)
        reply = text_of(await bot.press_id(shared.message.buttons[0].action_id))
        assert "delete it by hand" in reply
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM share_blocks") == 1


async def test_replies_in_prompt_threads_are_read_only_where_turned_on(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot, prompts=True)
        thread = prompt_thread(bot)
        assert await bot.reply_in_thread(thread, CRISIS, "m9") is None  # reading is off by default

        bot.as_("mia", admin=True)
        turned_on = text_of(await bot.command("setup safety read_replies:true"))
        assert "I'll read replies in prompt threads" in turned_on
        assert "replies in prompt threads read" in text_of(await bot.command("setup show"))
        bot.as_("sam")

        assert await bot.reply_in_thread(thread, "Thanks everyone, this helped.", "m8") is None
        elsewhere = ChannelRef(PLATFORM, WORKSPACE, "general", "t99")
        assert await bot.reply_in_thread(elsewhere, CRISIS, "m10") is None  # not a prompt thread
        reply = await bot.reply_in_thread(thread, CRISIS, "m9")
        support = support_in(reply)
        assert reply is not None and all(message.private for message in reply.messages)
        assert support is not None and "116 123" in support.body
        (alert,) = alerts(bot)
        assert f"thread {thread.thread_id}" in alert.body and "message m9" in alert.body
        assert "<@sam>" in alert.body and "marmalade" not in alert.body

        bot.as_("mia", admin=True)
        assert "I won't read replies" in text_of(await bot.command("setup safety read_replies:false"))
        bot.as_("lee")
        assert await bot.reply_in_thread(thread, CRISIS, "m11") is None


async def test_a_custom_prompt_with_crisis_wording_is_not_added(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        await setup_community(bot)
        bot.as_("mia", admin=True)
        form = await bot.command("setup prompt-add")
        reply = await bot.submit(form, text="Have you ever wanted to kill yourself? I want to kill myself.")
        support = support_in(reply)
        assert support is not None and "haven't added this prompt" in support.body
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM custom_prompts") == 0
        form = await bot.command("setup prompt-add")
        assert "custom-prompt-1" in text_of(await bot.submit(form, text="What helped you feel safe this week?"))


async def test_setup_safety_needs_something_to_change(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        reply = text_of(await bot.run("setup safety"))
        assert reply == (
            "Give region (US, UK, IE, CA, AU or INTL), alerts_channel, read_replies (true or false), or several."
        )
        assert "must be true or false" in text_of(await bot.command("setup safety read_replies:maybe"))
