"""Member flows through the real core (SQLite, content, services) with BotHarness."""

from __future__ import annotations

from pathlib import Path

from bot.testing import BotHarness, find_button, text_of


async def test_lesson_without_topic_is_the_next_unread_one(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        first = await bot.command("lesson")
        assert "Lesson 1 of" in text_of(first)
        done = await bot.press(first, "Mark as done")
        assert "1 of" in text_of(done)
        again = await bot.press(first, "Mark as done")
        assert "Already marked as done" in text_of(again)
        second = await bot.command("lesson")
        assert "Lesson 2 of" in text_of(second)
        assert [b.label for b in second.messages[0].buttons] == ["Mark as done", "Next lesson", "Quiz me"]


async def test_lesson_by_id_title_and_unknown(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        by_id = await bot.command("lesson pursuer-withdrawer")
        by_title = await bot.command("lesson topic:The Pursuer-Withdrawer cycle")
        assert by_id.messages[0].title == by_title.messages[0].title == "The pursuer–withdrawer cycle"
        unknown = await bot.command("lesson bananas")
        assert len(unknown.messages) == 1
        assert text_of(unknown).startswith('I don\'t have a lesson called "bananas".')


async def test_knowledge_quiz_explains_and_scores_and_never_counts_twice(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        reply = await bot.command("quiz attachment-basics")
        assert "Question 1 of" in reply.messages[-1].title
        first_question = reply
        reply = await bot.press(reply, 1)
        assert "Question 2 of" in reply.messages[-1].title
        stale = await bot.press(first_question, 2)
        assert "already answered" in text_of(stale)
        assert "Question 2 of" in stale.messages[-1].title  # the current question is shown again
        total = int(reply.messages[-1].title.rsplit(" ", 1)[1])
        for _ in range(total - 1):
            reply = await bot.press(reply, 1)
        result = text_of(reply)
        assert "You scored" in result and f"of {total}" in result
        assert "education" in reply.messages[-1].footer
        progress = text_of(await bot.command("progress"))
        assert "Attachment basics: best" in progress


async def test_self_reflection_needs_consent_scores_and_keeps_only_scores(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        asked = await bot.command("quiz")
        assert "Before I keep anything" in text_of(asked)
        declined = await bot.press(asked, "No thanks")
        assert "nothing was stored" in text_of(declined)
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM quiz_attempts") == 0
        reply = await bot.press(asked, "Yes, I agree")
        assert "Question 1 of 16" in reply.messages[-1].title
        for _ in range(16):
            reply = await bot.press(reply, 4)  # neutral everywhere: 4.0 and 4.0
        result = reply.messages[-1]
        assert "Anxiety 4.0" in result.body and "avoidance 4.0" in result.body
        assert "Closest to secure" in result.body and "not a diagnosis" in result.body
        assert result.image == "self-reflection.png" and result.files[0].data.startswith(b"\x89PNG")
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM quiz_attempts") == 0
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM reflection_results") == 1


async def test_quiz_in_progress_survives_a_restart(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        reply = await bot.command("quiz communication-skills")
        reply = await bot.press(reply, 1)
        waiting = find_button(reply, 1).action_id
    async with BotHarness.start(tmp_path) as bot:
        reply = await bot.press_id(waiting)
        assert "Question 3 of" in reply.messages[-1].title
        replay = await bot.press_id(waiting)
        assert "already answered" in text_of(replay)


async def test_journal_is_private_encrypted_and_listed(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        journal = await bot.command("journal")
        assert "Your journal is empty" in text_of(journal)
        consent = await bot.press(journal, "Write an entry")
        form = await bot.press(consent, "Yes, I agree")
        assert form.form is not None and form.form.form_id == "journal"
        saved = await bot.submit(form, title="Monday evening", text="I felt calmer after the walk with Jo.")
        assert "Saved privately" in text_of(saved)
        listing = text_of(await bot.command("journal"))
        assert "1 journal entry" in listing and "Monday evening" in listing
    raw = _database_bytes(tmp_path)
    assert b"calmer after the walk" not in raw and b"Monday evening" not in raw


def _database_bytes(folder: Path) -> bytes:
    raw = b"".join(path.read_bytes() for path in folder.glob("securebase.db*"))
    assert raw
    return raw


async def test_faq_resources_help_and_unknown_command(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        listing = text_of(await bot.command("faq"))
        assert "/faq" in listing
        first_id = next(iter(bot.app.services.catalog.faq))
        answer = await bot.command(f"faq {first_id}")
        assert answer.messages[0].footer
        resources = text_of(await bot.command("resources"))
        assert "findahelpline.com" in resources
        assert "For moderators" in text_of(await bot.command("help"))
        unknown = await bot.command("dance")
        assert text_of(unknown) == 'Unknown command "dance". Try /help for the list.'


async def test_mydata_export_and_delete(tmp_path: Path) -> None:
    async with BotHarness.start(tmp_path) as bot:
        lesson = await bot.command("lesson")
        await bot.press(lesson, "Mark as done")
        export = (await bot.command("mydata export")).messages[0]
        names = [f.filename for f in export.files]
        assert names == ["securebase-my-data.json", "securebase-my-data.md"]
        assert b"lesson_progress" in export.files[0].data
        confirm = await bot.command("mydata action:delete")
        gone = await bot.press(confirm, "Delete everything")
        assert "deleted" in text_of(gone)
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM members WHERE user_id = 'alex'") == 0
        assert await bot.app.db.scalar("SELECT COUNT(*) FROM lesson_progress") == 0
