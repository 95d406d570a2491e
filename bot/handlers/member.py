"""Member commands, their buttons and their forms: parse → call a service → return a reply."""

from __future__ import annotations

import structlog

from bot.catalog.models import KnowledgeQuestion, Lesson, SelfReflectionQuiz
from bot.errors import StalePress, UserError
from bot.events import Attachment, Button, ButtonStyle, ChannelRef, Field, Message, Reply
from bot.handlers.registry import COMMAND_HANDLERS, FORM_HANDLERS, PRESS_HANDLERS
from bot.handlers.safety import care
from bot.options import Args
from bot.services import Services
from bot.services.context import Context
from bot.services.safety import Place
from bot.storage.repository import EMPTY_SUMMARY, MemberRow, ShareRow
from bot.views import (
    consent_message,
    faq_list,
    faq_message,
    held_share_note,
    help_message,
    journal_form,
    journal_message,
    knowledge_feedback,
    knowledge_result_message,
    lesson_message,
    question_message,
    reflection_result_message,
    resources_message,
    share_form,
    share_post,
)

__all__: list[str] = []

log = structlog.get_logger("securebase.member")


async def _member(s: Services, ctx: Context) -> MemberRow:
    """The member's row, created now because something is about to be stored."""
    if ctx.member is None:
        ctx.member = await s.repo.member(ctx.community.id, ctx.user.user_id, s.clock.now())
    return ctx.member


def _member_id(ctx: Context) -> int | None:
    return ctx.member.id if ctx.member else None


def _note(s: Services, ctx: Context) -> str:
    return s.catalog.notes.not_therapy_for(ctx.prefix)


def _needs_consent(ctx: Context) -> bool:
    return ctx.member is None or ctx.member.consented_at is None


# --- lessons -------------------------------------------------------------------------


@COMMAND_HANDLERS.on("help")
async def help_(s: Services, ctx: Context, args: Args) -> Reply:
    return Reply.of(help_message(s.catalog.notes.welcome, ctx.prefix, ctx.is_moderator))


@COMMAND_HANDLERS.on("lesson")
async def lesson(s: Services, ctx: Context, args: Args) -> Reply:
    topic = args.text("topic")
    if topic:
        found = await s.lessons.find(ctx.community.id, topic, ctx.prefix)
        return Reply.of(lesson_message(await s.lessons.place(ctx.community.id, _member_id(ctx), found), _note(s, ctx)))
    return await _next_lesson(s, ctx)


async def _next_lesson(s: Services, ctx: Context, intro: str = "") -> Reply:
    place = await s.lessons.next_unread(ctx.community.id, _member_id(ctx))
    if place is None:
        return Reply.of(
            Message(
                title="You've read the whole track",
                body=f"{intro}\n\nEvery lesson of this community's track is done. Revisit any with "
                f"`{ctx.prefix}lesson topic:…`, or try `{ctx.prefix}quiz`.".strip(),
                footer=_note(s, ctx),
            )
        )
    return Reply.of(lesson_message(place, _note(s, ctx), intro=intro))


async def _pressed_lesson(s: Services, ctx: Context, parts: list[str]) -> Lesson:
    """The lesson a button names; a button for a lesson since turned off is stale."""
    try:
        return await s.lessons.find(ctx.community.id, parts[0] if parts else "", ctx.prefix)
    except UserError:
        raise StalePress(
            f"That lesson isn't available here any more. {ctx.prefix}lesson shows your next one."
        ) from None


@PRESS_HANDLERS.on("lesson:done")
async def lesson_done(s: Services, ctx: Context, parts: list[str]) -> Reply:
    found = await _pressed_lesson(s, ctx, parts)
    member = await _member(s, ctx)
    first = await s.lessons.mark_done(member.id, found.id)
    done, total = await s.lessons.progress(ctx.community.id, member.id)
    word = "Marked as done" if first else "Already marked as done"
    body = f"{word}: **{found.title}**. You've done {done} of {total} lessons in this community's track."
    buttons = [Button("Next lesson", "lesson:next", ButtonStyle.PRIMARY)] if done < total else []
    if found.quiz:
        buttons.append(Button("Quiz me", f"quiz:start:{found.quiz}"))
    return Reply.of(Message(body=body, buttons=tuple(buttons)))


@PRESS_HANDLERS.on("lesson:next")
async def lesson_next(s: Services, ctx: Context, parts: list[str]) -> Reply:
    return await _next_lesson(s, ctx)


@PRESS_HANDLERS.on("lesson:open")
async def lesson_open(s: Services, ctx: Context, parts: list[str]) -> Reply:
    found = await _pressed_lesson(s, ctx, parts)
    return Reply.of(lesson_message(await s.lessons.place(ctx.community.id, _member_id(ctx), found), _note(s, ctx)))


# --- quizzes -------------------------------------------------------------------------


@COMMAND_HANDLERS.on("quiz")
async def quiz(s: Services, ctx: Context, args: Args) -> Reply:
    return await _start_quiz(s, ctx, args.text("name"))


@PRESS_HANDLERS.on("quiz:start")
async def quiz_start(s: Services, ctx: Context, parts: list[str]) -> Reply:
    return await _start_quiz(s, ctx, parts[0] if parts else None)


async def _start_quiz(s: Services, ctx: Context, name: str | None) -> Reply:
    disabled = await s.community.disabled(ctx.community.id)
    chosen = s.quizzes.find(name, disabled, ctx.prefix)
    if isinstance(chosen, SelfReflectionQuiz) and _needs_consent(ctx):
        return Reply.of(consent_message("keep your self-reflection scores", f"quiz:start:{chosen.id}"))
    member = await _member(s, ctx)
    step = await s.quizzes.start(member.id, chosen)
    intro = Message(title=chosen.title, body=chosen.description.strip())
    return Reply.of(intro, question_message(step))


@PRESS_HANDLERS.on("quiz:a")
async def quiz_answer(s: Services, ctx: Context, parts: list[str]) -> Reply:
    try:
        attempt_id, position, choice = (int(part) for part in parts)
    except ValueError:
        raise StalePress(f"That button is from an older version of me. Start again with {ctx.prefix}quiz.") from None
    member = await _member(s, ctx)
    try:
        answered = await s.quizzes.answer(member.id, attempt_id, position, choice, ctx.prefix)
    except StalePress as stale:
        current = await s.quizzes.current(member.id, attempt_id)
        if current is None:
            raise
        return Reply.of(Message(body=stale.message), question_message(current))
    feedback = (
        knowledge_feedback(answered.question, answered.choice)
        if isinstance(answered.question, KnowledgeQuestion)
        else ""
    )
    if answered.next_step is not None:
        return Reply.of(question_message(answered.next_step, feedback=feedback))
    if answered.knowledge is not None:
        return Reply.of(knowledge_result_message(answered.knowledge, feedback, _note(s, ctx), ctx.prefix))
    assert answered.reflection is not None
    lessons = [s.catalog.lessons[i] for i in answered.reflection.pattern.lessons if i in s.catalog.lessons]
    return Reply.of(reflection_result_message(answered.reflection, lessons, _note(s, ctx)))


# --- consent ---------------------------------------------------------------------------


@PRESS_HANDLERS.on("consent:yes")
async def consent_yes(s: Services, ctx: Context, parts: list[str]) -> Reply:
    member = await _member(s, ctx)
    await s.privacy.give_consent(member)
    ctx.member = await s.repo.member(ctx.community.id, ctx.user.user_id, s.clock.now())
    then = ":".join(parts)
    routed = PRESS_HANDLERS.route(then)
    if routed is None or routed[0].moderator or then.startswith("consent:"):
        return Reply.of(Message(body="Thank you. You can change your mind any time with `mydata`."))
    entry, rest = routed
    return await entry.handler(s, ctx, rest)


@PRESS_HANDLERS.on("consent:no")
async def consent_no(s: Services, ctx: Context, parts: list[str]) -> Reply:
    return Reply.of(
        Message(
            body=f"That's fine: nothing was stored. Lessons, FAQ and resources work without it (`{ctx.prefix}lesson`)."
        )
    )


# --- reflect and journal ------------------------------------------------------------------


@COMMAND_HANDLERS.on("reflect")
async def reflect(s: Services, ctx: Context, args: Args) -> Reply:
    item, post = await s.prompts.this_week(ctx.community.id)
    if item is None:
        return Reply.of(
            Message(body="There is no reflection prompt yet: a moderator can add one with setup prompt-add.")
        )
    buttons = [Button("Write privately", f"reflect:write:{item.id}", ButtonStyle.PRIMARY)]
    if post is not None and post.thread_id:
        buttons.append(Button("Share anonymously", f"reflect:share:{post.id}"))
        where = f"Replies gather in the thread under the post in {ctx.platform.channel_label(post.channel_id or '')}."
    else:
        where = "Anonymous sharing opens once this prompt is posted in the community's channel."
    return Reply.of(Message(title="This week's reflection", body=f"{item.text}\n\n{where}", buttons=tuple(buttons)))


@PRESS_HANDLERS.on("reflect:write")
async def reflect_write(s: Services, ctx: Context, parts: list[str]) -> Reply:
    prompt_id = parts[0] if parts else ""
    if _needs_consent(ctx):
        return Reply.of(consent_message("save your journal entry", f"reflect:write:{prompt_id}"))
    return Reply.open(journal_form(await s.prompts.item(ctx.community.id, prompt_id)))


@COMMAND_HANDLERS.on("journal")
async def journal(s: Services, ctx: Context, args: Args) -> Reply:
    return Reply.of(journal_message(await s.journal.summary(_member_id(ctx))))


@PRESS_HANDLERS.on("journal:write")
async def journal_write(s: Services, ctx: Context, parts: list[str]) -> Reply:
    if _needs_consent(ctx):
        return Reply.of(consent_message("save your journal entry", "journal:write"))
    return Reply.open(journal_form())


@FORM_HANDLERS.on("journal")
async def journal_submit(s: Services, ctx: Context, parts: list[str], values: dict[str, str]) -> Reply:
    if _needs_consent(ctx):
        raise UserError("I can only save journal entries after you agree to it: press Write an entry in journal first.")
    member = await _member(s, ctx)
    prompt_id = parts[0] if parts else None
    title, text = values.get("title", ""), values.get("text", "")
    try:
        await s.journal.add(member.id, title, text, prompt_id)
    except UserError as problem:
        # not saved (empty, too long), but what they wrote still gets care
        looked = await care(s, ctx, f"{title}. {text}", Place("journal"))
        if looked.support is None:
            raise
        return Reply.of(looked.support, Message(body=problem.message))
    looked = await care(s, ctx, f"{title}. {text}", Place("journal"))
    summary = await s.journal.summary(member.id)
    saved = Message(
        body=f"Saved privately. You have {summary.count} journal {'entry' if summary.count == 1 else 'entries'}."
    )
    return Reply.of(*((looked.support,) if looked.support else ()), saved)


@PRESS_HANDLERS.on("reflect:share")
async def reflect_share(s: Services, ctx: Context, parts: list[str]) -> Reply:
    post = await s.repo.post(int(parts[0])) if parts and parts[0].isdigit() else None
    if post is None or post.community_id != ctx.community.id or not post.thread_id:
        raise StalePress("That prompt's thread is no longer open for sharing. Try the latest one with reflect.")
    return Reply.open(share_form(post.id))


@FORM_HANDLERS.on("share")
async def share_submit(s: Services, ctx: Context, parts: list[str], values: dict[str, str]) -> Reply:
    post = await s.repo.post(int(parts[0])) if parts and parts[0].isdigit() else None
    if post is None or post.community_id != ctx.community.id or not post.thread_id or not post.channel_id:
        raise StalePress("That prompt's thread is no longer open for sharing. Try the latest one with reflect.")
    text = values.get("text", "").strip()
    if not text:
        raise UserError("Your share is empty: write something in the box, then send.")
    thread = ChannelRef(ctx.community.platform, ctx.community.workspace_id, post.channel_id, post.thread_id)
    looked = await care(s, ctx, text, Place("share", thread))
    if looked.matched:  # held: not posted, not stored; the author is offered support instead
        return Reply.of(looked.support or held_share_note(ctx.prefix))
    author = s.vault.author_link(ctx.community.id, ctx.user.user_id)
    if await s.repo.share_blocked(ctx.community.id, author):
        raise UserError("Anonymous sharing is turned off for you in this community. You can still write privately.")
    # recorded first so the post can carry its own remove button; dropped again if the post fails
    share_id = await s.repo.add_share(ctx.community.id, post.id, author, "held", None, s.clock.now())
    try:
        posted = await ctx.platform.post(thread, share_post(text, share_id))
    except BaseException:
        await s.repo.forget_share(share_id)
        raise
    await s.repo.share_posted(share_id, posted.message_id)
    return Reply.of(Message(body="Shared in the thread without your name. Thank you for trusting the group."))


@PRESS_HANDLERS.on("share:remove", moderator=True)
async def share_remove(s: Services, ctx: Context, parts: list[str]) -> Reply:
    """Remove an anonymous share and block its author link; the moderator never learns who it was."""
    share = await s.repo.share(int(parts[0])) if parts and parts[0].isdigit() else None
    if share is None or share.community_id != ctx.community.id:
        raise StalePress("That share is no longer here.")
    if share.status != "posted" or not await s.repo.remove_share_and_block(share, s.clock.now()):
        return Reply.of(Message(body="That share was already removed."))
    await s.repo.audit(ctx.community.id, ctx.user.user_id, "share remove", f"share={share.id}", s.clock.now())
    deleted = await _delete_share_post(s, ctx, share)
    body = "Removed. Its author can no longer share anonymously here; nobody was told who it was, you included."
    if not deleted:
        body += " I couldn't delete the message itself: please delete it by hand."
    return Reply.of(Message(body=body))


async def _delete_share_post(s: Services, ctx: Context, share: ShareRow) -> bool:
    post = await s.repo.post(share.post_id) if share.post_id is not None else None
    if post is not None and post.channel_id:
        where = ChannelRef(ctx.community.platform, ctx.community.workspace_id, post.channel_id, post.thread_id)
    else:
        where = ctx.channel  # the button was pressed on the share itself
    if not share.message_id:
        return False
    try:
        await ctx.platform.delete_message(where, share.message_id)
    except Exception as error:
        log.warning("share_delete_failed", community_id=ctx.community.id, reason=type(error).__name__)
        return False
    return True


# --- progress, faq, resources -------------------------------------------------------------------


@COMMAND_HANDLERS.on("progress")
async def progress(s: Services, ctx: Context, args: Args) -> Reply:
    summary = await s.repo.member_summary(ctx.member.id) if ctx.member else EMPTY_SUMMARY
    track = await s.lessons.track(ctx.community.id)
    done = sum(lesson.id in summary.lessons_done for lesson in track)
    quiz_lines = [
        f"• {s.catalog.quizzes[q].title if q in s.catalog.quizzes else q}: best {best} of {out_of} ({times}×)"
        for q, best, out_of, times in summary.best_scores
    ] or [f"None yet: try `{ctx.prefix}quiz name:…`."]
    reflection_lines = [
        f"• {taken}: anxiety {anx:.1f}, avoidance {avo:.1f}" for anx, avo, taken in summary.reflections
    ] or [f"None yet: `{ctx.prefix}quiz` starts it."]
    return Reply.of(
        Message(
            title="Your progress",
            body=f"Lessons: **{done} of {len(track)}** in this community's track.",
            fields=(
                Field("Knowledge quizzes", "\n".join(quiz_lines)),
                Field("Self-reflection over time", "\n".join(reflection_lines)),
                Field("Journal", f"{summary.journal_entries} private entries"),
            ),
        )
    )


@COMMAND_HANDLERS.on("faq")
async def faq(s: Services, ctx: Context, args: Args) -> Reply:
    question = args.text("question")
    if not question:
        return Reply.of(faq_list(list(s.catalog.faq.values()), ctx.prefix))
    entry = s.catalog.find_faq(question)
    if entry is None:
        raise UserError(f'I don\'t have an answer for "{question}". See every question with {ctx.prefix}faq.')
    return Reply.of(faq_message(entry, _note(s, ctx)))


@COMMAND_HANDLERS.on("resources")
async def resources(s: Services, ctx: Context, args: Args) -> Reply:
    return Reply.of(resources_message(s.catalog.region_resources(ctx.community.region), _note(s, ctx)))


# --- my data ------------------------------------------------------------------------------------


@COMMAND_HANDLERS.on("mydata")
async def mydata(s: Services, ctx: Context, args: Args) -> Reply:
    if args.text("action") == "delete":
        return Reply.of(
            Message(
                title="Delete everything about you?",
                body="This removes your progress, quiz results, self-reflection history, journal entries and the "
                "link to your anonymous shares in this community. It cannot be undone.",
                buttons=(
                    Button("Delete everything", "mydata:delete", ButtonStyle.DANGER),
                    Button("Keep my data", "mydata:keep"),
                ),
            )
        )
    export = await s.privacy.export(ctx.member, ctx.community.id, ctx.user.user_id)
    return Reply.of(
        Message(
            title="Your data",
            body=f"Here is everything I store about you in this community ({export.rows} records), "
            "as JSON and as a readable Markdown file. Only you can see this.",
            files=(
                Attachment("securebase-my-data.json", export.json_text.encode(), "application/json"),
                Attachment("securebase-my-data.md", export.markdown.encode(), "text/markdown"),
            ),
        )
    )


@PRESS_HANDLERS.on("mydata:delete")
async def mydata_delete(s: Services, ctx: Context, parts: list[str]) -> Reply:
    await s.privacy.delete(ctx.member, ctx.community.id, ctx.user.user_id)
    ctx.member = None
    return Reply.of(Message(body="Done: everything that named you in this community has been deleted."))


@PRESS_HANDLERS.on("mydata:keep")
async def mydata_keep(s: Services, ctx: Context, parts: list[str]) -> Reply:
    return Reply.of(Message(body="Nothing was deleted."))
