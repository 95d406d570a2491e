"""Moderator flows: setup commands, permissions, posting, and the anonymous-share path."""

from __future__ import annotations

import re
from pathlib import Path

from bot.testing import BotHarness, text_of

SETUP = "setup prompts channel:#reflections day:monday time:18:00 timezone:Europe/Berlin"


async def test_setup_prompts_then_show_lists_four_local_times(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        saved = text_of(await bot.command(SETUP))
        assert "Mondays at 18:00 Europe/Berlin in #reflections" in saved
        show = text_of(await bot.command("setup show"))
        # the harness clock starts Monday 30 Nov 2026 09:00 UTC: the next four Mondays at 18:00 Berlin
        assert re.findall(r"Mon \d\d \w{3} \d{4}, 18:00 CET", show) == [
            "Mon 30 Nov 2026, 18:00 CET",
            "Mon 07 Dec 2026, 18:00 CET",
            "Mon 14 Dec 2026, 18:00 CET",
            "Mon 21 Dec 2026, 18:00 CET",
        ]
        assert "Region INTL" in show and "admins only" in show


async def test_members_are_refused_and_nothing_changes(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("sam")
        refused = await bot.command(SETUP)
        assert len(refused.messages) == 1 and "Only moderators" in text_of(refused)
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM schedules") == 0
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM audit_log") == 0


async def test_a_named_moderator_may_use_setup(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        assert "sam" in text_of(await bot.command("setup moderators users:@sam"))
        bot.as_("sam")
        assert "saved" in text_of(await bot.command(SETUP))


async def test_first_setup_needs_every_part_and_later_changes_are_partial(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        partial = text_of(await bot.command("setup prompts channel:#reflections"))
        expected = "To start weekly prompts I need channel, day, time and timezone; missing: day, time, timezone."
        assert partial == expected
        await bot.command(SETUP)
        moved = text_of(await bot.command("setup prompts time:07:30"))
        assert "Mondays at 07:30 Europe/Berlin" in moved
        off = text_of(await bot.command("setup prompts enabled:false"))
        assert "**off**" in off


async def test_missing_permission_is_named(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.platform.missing_permission.add("locked")
        bot.as_("mia", admin=True)
        reply = text_of(await bot.command(SETUP.replace("#reflections", "#locked")))
        assert reply == (
            "I can't post in #locked: I need the Send Messages and Create Public Threads permissions there."
        )


async def test_post_now_opens_a_thread_and_members_share_anonymously(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        await bot.command(SETUP)
        posted = text_of(await bot.command("setup post-now what:prompt"))
        assert "in #reflections and opened a thread" in posted
        (post,) = bot.platform.posts()
        assert post.message is not None and not post.message.private
        assert [b.label for b in post.message.buttons] == ["Write privately", "Share anonymously"]
        bot.as_("sam")
        reflect = await bot.command("reflect")
        assert post.message.body.split("\n")[0] in text_of(reflect)
        form = await bot.press(reflect, "Share anonymously")
        shared = await bot.submit(form, text="It helped to hear I'm not alone.")
        assert "without your name" in text_of(shared)
        share = bot.platform.posts()[-1]
        assert share.target.thread_id is not None  # type: ignore[union-attr]
        assert share.message is not None and "sam" not in share.message.body + share.message.title
        stored = await bot.app.db.fetchall("SELECT * FROM anonymous_shares")
        assert len(stored) == 1 and "sam" not in str(tuple(stored[0]))
        bot.as_("mia", admin=True)
        stats = text_of(await bot.command("setup stats"))
        assert "Anonymous shares: **1**" in stats and "Posts made: **1**" in stats


async def test_prompts_rotate_without_repeats(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        await bot.command(SETUP)
        pool = len(bot.app.services.catalog.prompts)
        for _ in range(pool):
            await bot.command("setup post-now what:prompt")
        bodies = [sent.message.body for sent in bot.platform.posts() if sent.message]
        assert len(set(bodies)) == pool
        await bot.command("setup post-now what:prompt")
        assert bodies[0] == bot.platform.posts()[-1].message.body  # type: ignore[union-attr]  # a new round


async def test_content_toggles_custom_prompts_and_lessons(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        first = text_of(await bot.command("lesson")).splitlines()[0]
        first_id = next(iter(bot.app.services.catalog.default_track.lessons))
        off = text_of(await bot.command(f"setup content action:disable id:{first_id}"))
        assert off == f"The lesson `{first_id}` is now off for this community."
        assert text_of(await bot.command("lesson")).splitlines()[0] != first
        listing = text_of(await bot.command("setup content action:list"))
        assert f"~~{first_id}~~" in listing
        unknown = text_of(await bot.command("setup content action:enable id:nothing-here"))
        assert unknown == 'Nothing is called "nothing-here". See every id with setup content action:list.'
        form = await bot.command("setup prompt-add")
        added = text_of(await bot.submit(form, text="What made you smile this week?"))
        assert "custom-prompt-1" in added
        assert any(item.id == "custom-prompt-1" for item in await bot.app.services.prompts.pool(1))
        form = await bot.command("setup lesson-add")
        added = text_of(
            await bot.submit(
                form,
                title="Our group agreements",
                summary="How we talk to each other here.",
                body="We listen first, we speak for ourselves, and we keep what others share private. " * 2,
                try_this="Read the agreements once and pick one to practise this week.",
            )
        )
        assert "custom-lesson-1" in added
        track = await bot.app.services.lessons.track(1)
        assert track[-1].id == "custom-lesson-1"


async def test_pause_and_resume(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        nothing = text_of(await bot.command("setup pause what:lessons"))
        assert nothing.startswith("There is nothing to pause yet")
        await bot.command(SETUP)
        assert text_of(await bot.command("setup pause all")) == "Paused: prompts."
        assert "**paused**" in text_of(await bot.command("setup show"))
        assert text_of(await bot.command("setup resume what:prompts")) == "Resumed: prompts."


async def test_safety_region_changes_resources(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        bot.as_("mia", admin=True)
        saved = text_of(await bot.command("setup safety region:UK alerts_channel:#mods"))
        assert saved == "Safety saved: support lines for **UK**; moderator alerts go to #mods."
        resources = text_of(await bot.command("resources"))
        assert "116 123" in resources and "findahelpline.com" in resources
