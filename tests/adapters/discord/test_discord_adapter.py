"""The Discord adapter end to end: real discord.py, FakeDiscord on 127.0.0.1, the real core."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.discord.testing import DiscordBot, FakeDiscord, Interaction, discord_bot
from bot.clock import SimulatedClock
from bot.commands import COMMANDS

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
EPHEMERAL = 64


def last_buttons(record: Interaction) -> dict[str, str]:
    return dict(record.buttons())


def shown(record: Interaction, index: int = -1) -> dict[str, Any]:
    return record.messages[index]


async def test_commands_are_registered_with_typed_options_and_setup_permission(bot: DiscordBot) -> None:
    (synced,) = bot.fake.commands.values()
    by_name = {command["name"]: command for command in synced}
    members = [spec.name for spec in COMMANDS if not spec.moderator]
    assert set(by_name) == {*members, "setup"}
    setup = by_name["setup"]
    assert int(setup["default_member_permissions"]) == 1 << 5  # Manage Server
    subs = {option["name"]: option for option in setup["options"]}
    assert set(subs) == {spec.leaf for spec in COMMANDS if spec.moderator}
    prompts = {option["name"]: option for option in subs["prompts"]["options"]}
    assert prompts["channel"]["type"] == 7  # a real channel picker
    assert prompts["enabled"]["type"] == 5  # boolean
    assert [choice["value"] for choice in prompts["day"]["choices"]][:2] == ["monday", "tuesday"]
    assert prompts["timezone"]["autocomplete"] is True
    assert subs["moderators"]["options"][0]["type"] == 8  # a role picker on Discord
    lesson = by_name["lesson"]["options"][0]
    assert lesson["name"] == "topic" and lesson["autocomplete"] is True and not lesson.get("required")
    assert by_name["mydata"]["options"][0]["required"] is True


async def test_autocomplete_offers_lessons_and_time_zones(bot: DiscordBot) -> None:
    lessons = await bot.fake.autocomplete("lesson", "topic", "pursuer", member=bot.member)
    assert {"name": "The pursuer–withdrawer cycle", "value": "pursuer-withdrawer"} in lessons
    zones = await bot.fake.autocomplete("setup prompts", "timezone", "berl", member=bot.admin)
    assert zones[0]["value"] == "Europe/Berlin"


async def test_member_commands_answer_privately(bot: DiscordBot) -> None:
    for name, options, expected in [
        ("help", {}, "Secure Base"),
        ("lesson", {}, "Lesson 1 of"),
        ("lesson", {"topic": "pursuer-withdrawer"}, "pursuer–withdrawer"),
        ("reflect", {}, "This week's reflection"),
        ("journal", {}, "Your journal"),
        ("progress", {}, "Your progress"),
        ("faq", {}, "Questions people often ask"),
        ("resources", {}, "findahelpline.com"),
        ("mydata", {"action": "export"}, "Your data"),
    ]:
        record = await bot.fake.slash(name, options, member=bot.member)
        assert record.callback_type == 4, name
        assert record.callback is not None and record.callback["data"]["flags"] & EPHEMERAL, name
        assert expected in record.texts(), (name, record.texts())
    export = record.callback["data"]  # type: ignore[index]
    assert export["files"] == ["securebase-my-data.json", "securebase-my-data.md"]


async def test_bad_input_gets_one_private_line(bot: DiscordBot) -> None:
    record = await bot.fake.slash("lesson", {"topic": "bananas"}, member=bot.member)
    assert record.texts().startswith('I don\'t have a lesson called "bananas".')
    record = await bot.fake.slash("setup prompts", {"time": "25:99"}, member=bot.admin)
    assert record.texts() == 'Time must be HH:MM (24-hour), got "25:99".'


async def _answer_all(bot: DiscordBot, record: Interaction, choice: int, count: int) -> Interaction:
    for _ in range(count):
        buttons = record.buttons()
        record = await bot.fake.press(shown(record), buttons[choice][1], member=bot.member)
    return record


async def test_self_reflection_quiz_by_presses_survives_a_restart(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        db = tmp_path / "quiz.db"
        async with discord_bot(fake, db, SimulatedClock(START)) as bot:
            consent = await fake.slash("quiz", member=bot.member)
            assert "Before I keep anything" in consent.texts()
            record = await fake.press(shown(consent), last_buttons(consent)["Yes, I agree"], member=bot.member)
            assert "Question 1 of 16" in record.texts()
            record = await _answer_all(bot, record, 1, 8)
            assert "Question 9 of 16" in record.texts()
            waiting_message, waiting_button = shown(record), record.buttons()[5][1]
        # a restart: a new client and core on the same database; the old buttons still work
        async with discord_bot(fake, db, SimulatedClock(START)) as bot:
            record = await fake.press(waiting_message, waiting_button, member=bot.member)
            assert "Question 10 of 16" in record.texts()
            again = await fake.press(waiting_message, waiting_button, member=bot.member)
            assert "already answered" in again.texts()  # a repeated press never counts twice
            record = await _answer_all(bot, record, 1, 7)
            result = record.messages[-1]
            assert "Your self-reflection" in record.texts() and "not a diagnosis" in record.texts()
            assert result["files"] == ["self-reflection.png"]
            assert result["embeds"][0]["image"]["url"] == "attachment://self-reflection.png"


async def test_knowledge_quiz_edits_the_question_in_place(bot: DiscordBot) -> None:
    record = await bot.fake.slash("quiz", {"name": "attachment-basics"}, member=bot.member)
    question = shown(record)
    assert question["flags"] & EPHEMERAL or record.callback is not None
    pressed = await bot.fake.press({**question, "flags": EPHEMERAL}, record.buttons()[0][1], member=bot.member)
    assert pressed.callback_type == 7  # UPDATE_MESSAGE: the question is replaced by feedback and the next one
    assert "Question 2 of" in pressed.texts() and ("Right" in pressed.texts() or "Not quite" in pressed.texts())


async def test_journal_modal_and_anonymous_share_modal(bot: DiscordBot) -> None:
    fake = bot.fake
    journal = await fake.slash("journal", member=bot.member)
    consent = await fake.press(shown(journal), last_buttons(journal)["Write an entry"], member=bot.member)
    modal = await fake.press(shown(consent), last_buttons(consent)["Yes, I agree"], member=bot.member)
    assert modal.callback_type == 9
    form = modal.callback["data"]  # type: ignore[index]
    assert form["custom_id"] == "sbform:journal" and form["title"] == "Private journal"
    saved = await fake.submit(form, {"title": "Tuesday", "text": "It went better than I feared."}, member=bot.member)
    assert "Saved privately" in saved.texts()
    # a prompt posted with its thread, then an anonymous share from the post's button
    reflections = fake.channel_id("reflections")
    await fake.slash(
        "setup prompts",
        {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"},
        member=bot.admin,
    )
    await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
    (post,) = fake.posts("reflections")
    buttons = [button["custom_id"] for row in post["components"] for button in row["components"]]
    share_id = next(custom_id for custom_id in buttons if "share" in custom_id)
    opened = await fake.press(post, share_id, member=bot.member, channel=reflections)
    form = opened.callback["data"]  # type: ignore[index]
    done = await fake.submit(form, {"text": "Thanks @everyone, <@1> and @here for listening."}, member=bot.member)
    assert "without your name" in done.texts()
    thread_id = post["thread"]["id"]
    (share,) = fake.messages[thread_id]
    assert "@everyone" in share["embeds"][0]["description"]
    assert share["allowed_mentions"] == {"parse": []}  # pings nobody
    assert "300000000000000002" not in str(share)


async def test_setup_by_moderator_refused_for_member_allowed_for_role(bot: DiscordBot) -> None:
    fake = bot.fake
    reflections = fake.channel_id("reflections")
    options = {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"}
    refused = await fake.slash("setup prompts", options, member=bot.member)
    assert "Only moderators" in refused.texts()
    assert await bot.app.db.scalar("SELECT COUNT(*) FROM schedules") == 0
    saved = await fake.slash("setup prompts", options, member=bot.admin)
    assert f"in <#{reflections}>" in saved.texts() and "Next: Mon 30 Nov 2026, 18:00 CET" in saved.texts()
    role = next(iter(fake.roles))
    await fake.slash("setup moderators", {"role": role}, member=bot.admin)
    with_role = fake.member("300000000000000003", roles=(role,))
    shown_config = await fake.slash("setup show", member=with_role)
    assert "Secure Base configuration" in shown_config.texts()


async def test_post_now_posts_and_opens_a_thread(bot: DiscordBot) -> None:
    fake = bot.fake
    reflections = fake.channel_id("reflections")
    await fake.slash(
        "setup prompts",
        {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"},
        member=bot.admin,
    )
    record = await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
    assert "opened a thread for replies" in record.texts()
    (post,) = fake.posts("reflections")
    assert post["embeds"][0]["title"] == "This week's reflection"
    assert post["thread"]["name"].startswith("Replies: ")
    assert post["allowed_mentions"] == {"parse": []}


async def test_a_429_is_retried_to_exactly_one_post(bot: DiscordBot) -> None:
    fake = bot.fake
    reflections = fake.channel_id("reflections")
    await fake.slash(
        "setup prompts",
        {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"},
        member=bot.admin,
    )
    fake.fail_next("POST", f"/channels/{reflections}/messages", 429)
    record = await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
    assert "Posted" in record.texts()
    assert len(fake.posts("reflections")) == 1
    attempts = [c for c in fake.calls if c.method == "POST" and c.path == f"/channels/{reflections}/messages"]
    assert len(attempts) == 2


async def test_a_403_becomes_a_clear_message(bot: DiscordBot) -> None:
    fake = bot.fake
    locked = fake.channel_id("locked")
    refused = await fake.slash(
        "setup prompts",
        {"channel": locked, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"},
        member=bot.admin,
    )
    assert (
        refused.texts() == f"I can't post in <#{locked}>: I need the Send Messages and Embed Links permissions there."
    )
    reflections = fake.channel_id("reflections")
    await fake.slash(
        "setup prompts",
        {"channel": reflections, "day": "monday", "time": "18:00", "timezone": "Europe/Berlin"},
        member=bot.admin,
    )
    missing = {"message": "Missing Permissions", "code": 50013}
    fake.fail_next("POST", f"/channels/{reflections}/messages", 403, body=missing)
    record = await fake.slash("setup post-now", {"what": "prompt"}, member=bot.admin)
    assert record.texts().startswith(f"I couldn't post in <#{reflections}>: I'm missing a permission there")


async def test_every_interaction_is_answered_within_a_second(bot: DiscordBot) -> None:
    fake = bot.fake
    records = [
        await fake.slash("lesson", member=bot.member),
        await fake.slash("quiz", {"name": "communication-skills"}, member=bot.member),
        await fake.slash("mydata", {"action": "export"}, member=bot.member),
        await fake.slash("setup show", member=bot.admin),
    ]
    latencies = [record.answered_at - record.sent_at for record in records if record.answered_at is not None]
    assert len(latencies) == len(records)
    assert max(latencies) < 1.0, latencies
