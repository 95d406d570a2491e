"""Buttons, modals, files and the App Home tab, through the real Bolt app and a fake Slack."""

from __future__ import annotations

import json
from pathlib import Path

from slack_driver import ADMIN, GENERAL, MEMBER, Acked, SlackBot, running_bot

from adapters.slack.testing import FakeSlack, text_in

SETUP = "setup prompts channel:<#CREFLECT01|reflections> day:monday time:18:00 timezone:Europe/Berlin"
MEMBER_DM = "DMEMBER01"


def first_answer(bot: SlackBot, acked: Acked) -> str:
    """The value of the first button of the last answer that has buttons (answer 1 of a quiz)."""
    for body in reversed(bot.replies(acked)):
        for block in body.get("blocks") or []:
            if block.get("type") == "actions":
                value: str = block["elements"][0]["value"]
                return value
    raise AssertionError("no buttons")


async def test_lesson_buttons_carry_the_core_action_ids(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        lesson = await bot.command("lesson")
        (answer,) = bot.replies(lesson)
        assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
        blocks = answer["blocks"]
        assert blocks[0]["type"] == "header"
        assert "Lesson 1 of" in text_in(blocks) and "*Try this:*" in text_in(blocks)
        buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert [b["text"]["text"] for b in buttons] == ["Mark as done", "Next lesson", "Quiz me"]
        assert buttons[0]["value"].startswith("lesson:done:") and buttons[0]["style"] == "primary"
        assert len({b["action_id"] for b in buttons}) == 3
        assert blocks[-1]["type"] == "context" and "education" in text_in(blocks[-1:])
        done = await bot.press(bot.button(lesson, "Mark as done"))
        assert done.status == 200 and done.seconds < 1.0
        assert "Marked as done" in bot.said(done)
        again = await bot.press(bot.button(lesson, "Mark as done"))
        assert "Already marked as done" in bot.said(again)
        following = await bot.press(bot.button(done, "Next lesson"))
        assert "Lesson 2 of" in bot.said(following)


async def test_a_quiz_by_button_presses_survives_a_restart(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        started = await bot.command("quiz communication-skills")
        said = bot.said(started)
        assert "Question 1 of" in said
        assert len(bot.replies(started)) == 1  # the intro and the first question travel as one message
        answered = await bot.press(first_answer(bot, started))
        assert "Question 2 of" in bot.said(answered)
        assert "Right:" in bot.said(answered) or "Not quite:" in bot.said(answered)
        waiting = first_answer(bot, answered)
    # a second app on the same database: the old button still works
    async with running_bot(tmp_path, fake) as bot:
        after = await bot.press(waiting)
        assert "Question 3 of" in bot.said(after)
        replay = await bot.press(waiting)
        assert "already answered" in bot.said(replay)
        assert "Question 3 of" in bot.said(replay)
        reply = after
        total = int(bot.said(after).split("Question 3 of ", 1)[1].split()[0])
        for _ in range(total - 2):
            reply = await bot.press(first_answer(bot, reply))
        assert "You scored" in bot.said(reply)


async def test_journal_modal_opens_with_the_fresh_trigger_and_submits(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        journal = await bot.command("journal")
        assert "Your journal is empty" in bot.said(journal)
        consent = await bot.press(bot.button(journal, "Write an entry"))
        assert "Before I keep anything" in bot.said(consent)
        opening = await bot.press(bot.button(consent, "Yes, I agree"))
        (opened,) = fake.calls_to("views.open")
        assert opened.args["trigger_id"] == f"trigger-{opening.key}"
        view = opened.args["view"]
        assert view["type"] == "modal" and view["title"]["text"] == "Private journal"
        assert [b["block_id"] for b in view["blocks"]] == ["title", "text"]
        assert view["blocks"][0]["optional"] is True and view["blocks"][1]["element"]["multiline"] is True
        meta = json.loads(view["private_metadata"])
        assert meta["f"] == "journal" and meta["c"] == GENERAL
        submitted = await bot.submit(view, {"title": "Monday evening", "text": "I felt calmer after the walk."})
        assert submitted.status == 200 and submitted.body == "" and submitted.seconds < 1.0
        assert "Saved privately. You have 1 journal entry." in bot.said(opening)  # via the press's response_url
        listing = bot.said(await bot.command("journal"))
        assert "1 journal entry" in listing and "Monday evening" in listing
    assert b"calmer after the walk" not in _database_bytes(tmp_path)


def _database_bytes(folder: Path) -> bytes:
    raw = b"".join(path.read_bytes() for path in folder.glob("securebase.db*"))
    assert raw
    return raw


async def test_anonymous_share_modal_posts_in_the_thread_without_the_author(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        await bot.command("setup post-now what:prompt", user=ADMIN)
        (post,) = fake.posts("CREFLECT01")
        reflect = await bot.command("reflect")
        assert "Replies gather in the thread under the post in <#CREFLECT01>" in bot.said(reflect)
        opening = await bot.press(bot.button(reflect, "Share anonymously"))
        view = bot.last_modal()
        assert fake.calls_to("views.open")[-1].args["trigger_id"] == f"trigger-{opening.key}"
        assert view["title"]["text"] == "Share anonymously"
        assert json.loads(view["private_metadata"])["f"] == "share:1"
        await bot.submit(view, {"text": "It helped to hear I'm not alone."})
        assert "Shared in the thread without your name" in bot.said(opening)
        share = fake.thread("CREFLECT01", post["ts"])[-1]
        assert "It helped to hear I'm not alone." in text_in(share["blocks"])
        assert "Shared anonymously" in text_in(share["blocks"])
        assert MEMBER not in json.dumps(share) and "member" not in text_in(share["blocks"]).lower()


async def test_the_self_reflection_picture_is_uploaded_privately(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        asked = await bot.command("quiz")
        reply = await bot.press(bot.button(asked, "Yes, I agree"))
        for _ in range(16):
            reply = await bot.press(bot.button(reply, "4 ·"))
        said = bot.said(reply)
        assert "Your self-reflection" in said and "not a diagnosis" in said
        assert "Sent to our direct messages: self-reflection.png" in said
        assert all(body["response_type"] == "ephemeral" for body in bot.replies(reply))
        (opened,) = fake.calls_to("conversations.open")
        assert opened.args["users"] == MEMBER
        (completed,) = fake.calls_to("files.completeUploadExternal")
        assert completed.args["channel_id"] == MEMBER_DM  # only the direct message, never a channel
        (file_id,) = [f["id"] for f in json.loads(completed.args["files"])]
        assert fake.uploads[file_id].startswith(b"\x89PNG")


async def test_data_export_files_go_to_the_direct_message(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        lesson = await bot.command("lesson")
        await bot.press(bot.button(lesson, "Mark as done"))
        export = await bot.command("mydata export")
        assert "securebase-my-data.json, securebase-my-data.md" in bot.said(export)
        (completed,) = fake.calls_to("files.completeUploadExternal")
        assert completed.args["channel_id"] == MEMBER_DM
        names = [c.args["filename"] for c in fake.calls_to("files.getUploadURLExternal")]
        assert names == ["securebase-my-data.json", "securebase-my-data.md"]
        data = [fake.uploads[f["id"]] for f in json.loads(completed.args["files"])]
        assert b"lesson_progress" in data[0]


async def test_setup_forms_are_modals_for_moderators(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        opening = await bot.command("setup lesson-add", user=ADMIN)
        view = bot.last_modal()
        assert view["title"]["text"] == "Add a lesson"
        assert all(len(b["label"]["text"]) <= 2000 and b["element"]["max_length"] <= 3000 for b in view["blocks"])
        await bot.submit(
            view,
            {
                "title": "Our group agreements",
                "summary": "How we talk to each other here.",
                "body": "We listen first, we speak for ourselves, and we keep what others share private. " * 2,
                "try_this": "Pick one agreement to practise this week.",
            },
            user=ADMIN,
        )
        assert "custom-lesson-1" in bot.said(opening)
        # a member who somehow holds the modal still cannot submit it
        refused = await bot.command("setup prompt-add", user=ADMIN)
        await bot.submit(bot.last_modal(), {"text": "What made you smile this week?"}, user=MEMBER)
        assert "Only moderators" in bot.said(refused)


async def test_app_home_shows_progress_and_commands(tmp_path: Path, fake: FakeSlack) -> None:
    home_event = {"type": "app_home_opened", "user": MEMBER, "channel": MEMBER_DM, "tab": "home", "event_ts": "1.0"}
    async with running_bot(tmp_path, fake) as bot:
        acked = await bot.event(home_event)
        assert acked.status == 200 and acked.seconds < 1.0
        (published,) = fake.calls_to("views.publish")
        assert published.args["user_id"] == MEMBER
        view = published.args["view"]
        assert view["type"] == "home" and len(view["blocks"]) <= 100
        shown = text_in(view["blocks"])
        assert (
            "*Lessons:* 0 of" in shown and "`/securebase lesson`" in shown and "*Journal:* 0 private entries" in shown
        )
        lesson = await bot.command("lesson")
        await bot.press(bot.button(lesson, "Mark as done"))
        await bot.command("journal")
        await bot.event(home_event)
        shown = text_in(fake.calls_to("views.publish")[-1].args["view"]["blocks"])
        assert "*Lessons:* 1 of" in shown
        # a button on the Home tab: no channel and no response_url, so the answer is a direct message
        await bot.press("lesson:next", channel=None)
        (dm,) = fake.messages[MEMBER_DM]
        assert "Lesson 2 of" in text_in(dm["blocks"])
        await bot.event({**home_event, "tab": "messages"})
        assert len(fake.calls_to("views.publish")) == 2  # the Messages tab publishes nothing


async def test_an_expired_response_url_falls_back_to_an_ephemeral_message(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        fake.expired.add("r1")
        acked = await bot.command("resources")
        assert acked.key == "r1" and bot.replies(acked) == []
        (ephemeral,) = fake.calls_to("chat.postEphemeral")
        assert ephemeral.args["channel"] == GENERAL and ephemeral.args["user"] == MEMBER
        assert "findahelpline.com" in text_in(ephemeral.args["blocks"])
        # and where the bot may not post ephemerally (not in the channel), a direct message
        fake.expired.add("r2")
        await bot.command("resources", channel="CLOCKED001")
        (dm,) = fake.messages[MEMBER_DM]
        assert "findahelpline.com" in text_in(dm["blocks"])


async def test_a_stale_trigger_gets_a_note_instead_of_a_modal(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        fake.fail("views.open", status=200, error="expired_trigger_id", retry_after=None)
        acked = await bot.command("setup prompt-add", user=ADMIN)
        assert "That form took too long to open" in bot.said(acked)
