"""How the core's results look: platform-neutral ``Message`` and ``Form`` values.

Adapters decide how a message is drawn (embed, Block Kit, terminal text); this module
decides what it says and which buttons it carries. Button ids carry everything a press
needs, so a press still works after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.catalog.models import FaqEntry, KnowledgeQuestion, Lesson, ReflectionItem, Resource
from bot.commands import COMMANDS
from bot.events import Attachment, Button, ButtonStyle, Field, Form, FormField, Message
from bot.render import render_plane
from bot.services.journal import BODY_MAX, TITLE_MAX, JournalSummary
from bot.services.lessons import TrackPlace
from bot.services.prompts import PromptItem
from bot.services.quizzes import KnowledgeResult, ReflectionResult, Step
from bot.services.safety import Source
from bot.services.scoring import MIDPOINT, NEAR_MIDPOINT

__all__ = [
    "consent_message",
    "crisis_support_message",
    "faq_list",
    "faq_message",
    "held_prompt_note",
    "held_share_note",
    "help_message",
    "journal_form",
    "lesson_form",
    "lesson_message",
    "lesson_post",
    "prompt_form",
    "prompt_post",
    "question_message",
    "resources_message",
    "safety_alert_message",
    "share_form",
    "share_post",
]


def lesson_buttons(lesson: Lesson, *, next_button: bool = True) -> tuple[Button, ...]:
    buttons = [Button("Mark as done", f"lesson:done:{lesson.id}", ButtonStyle.PRIMARY)]
    if next_button:
        buttons.append(Button("Next lesson", "lesson:next"))
    if lesson.quiz:
        buttons.append(Button("Quiz me", f"quiz:start:{lesson.quiz}"))
    return tuple(buttons)


def _lesson_body(lesson: Lesson) -> str:
    parts = [f"*{lesson.summary}*", "", lesson.body.strip(), "", f"**Try this:** {lesson.try_this.strip()}"]
    if lesson.key_terms:
        parts += ["", "**Key terms**", *(f"• {term}" for term in lesson.key_terms)]
    return "\n".join(parts)


def lesson_message(place: TrackPlace, note: str, *, intro: str = "") -> Message:
    lesson = place.lesson
    where = f"Lesson {place.position} of {place.total}" if place.position else "Extra lesson"
    status = " · done ✓" if place.done else ""
    body = _lesson_body(lesson)
    if intro:
        body = f"{intro}\n\n{body}"
    return Message(
        title=f"{lesson.title}",
        body=body,
        fields=(Field("Where you are", f"{where}{status}", inline=True),),
        buttons=lesson_buttons(lesson, next_button=place.next_lesson is not None),
        footer=note,
    )


def lesson_post(lesson: Lesson, note: str, marker: str = "") -> Message:
    """The weekly lesson in a channel: everyone reads it, each member marks it done for themselves."""
    return Message(
        title=f"This week's lesson: {lesson.title}",
        body=_lesson_body(lesson),
        buttons=lesson_buttons(lesson, next_button=False),
        footer=note,
        private=False,
        marker=marker,
    )


def prompt_post(item: PromptItem, post_id: int, marker: str = "") -> Message:
    return Message(
        title="This week's reflection",
        body=f"{item.text}\n\nReply in the thread, write privately in your journal, or share anonymously.",
        buttons=(
            Button("Write privately", f"reflect:write:{item.id}", ButtonStyle.PRIMARY),
            Button("Share anonymously", f"reflect:share:{post_id}"),
        ),
        private=False,
        marker=marker,
    )


def question_message(step: Step, *, feedback: str = "") -> Message:
    question = step.question
    progress = f"Question {step.position + 1} of {step.total}"
    if isinstance(question, KnowledgeQuestion):
        buttons = tuple(
            Button(_short(option.text), f"quiz:a:{step.attempt_id}:{step.position}:{index}")
            for index, option in enumerate(question.options)
        )
        body = question.text
    else:
        scale = getattr(step.quiz, "scale", [])
        buttons = tuple(
            Button(f"{index + 1} · {label}", f"quiz:a:{step.attempt_id}:{step.position}:{index}")
            for index, label in enumerate(scale)
        )
        body = f"{_reflection_text(question)}\n\nHow much do you agree? (1 = strongly disagree, 7 = strongly agree)"
    if feedback:
        body = f"{feedback}\n\n───\n\n{body}"
    return Message(title=f"{step.quiz.title} · {progress}", body=body, buttons=buttons)


def _reflection_text(item: ReflectionItem) -> str:
    return f"“{item.text}”"


def _short(text: str, limit: int = 80) -> str:
    """Button labels are capped at 80 characters on Discord and 75 on Slack."""
    return text if len(text) <= limit - 5 else text[: limit - 6].rstrip() + "…"


def knowledge_feedback(question: KnowledgeQuestion, choice: int) -> str:
    chosen = question.options[choice]
    right = next(option for option in question.options if option.correct)
    if chosen.correct:
        return f"✅ **Right:** {chosen.text}\n{chosen.explanation}"
    return f"❌ **Not quite:** {chosen.text}\n{chosen.explanation}\nThe answer: **{right.text}**. {right.explanation}"


def knowledge_result_message(result: KnowledgeResult, feedback: str, note: str, prefix: str) -> Message:
    body = [feedback, "", "───", "", f"**You scored {result.score} of {result.total}.**"]
    if result.revisit:
        body.append("To brush up on what you missed, read:")
        body += [f"• {lesson.title} — `{prefix}lesson {lesson.id}`" for lesson in result.revisit]
    else:
        body.append("Every answer right. Well done!")
    buttons = tuple(
        Button(f"Read: {_short(lesson.title, 60)}", f"lesson:open:{lesson.id}") for lesson in result.revisit[:4]
    )
    return Message(
        title=f"{result.quiz.title} · Result",
        body="\n".join(body),
        buttons=(*buttons, Button("Take it again", f"quiz:start:{result.quiz.id}")),
        footer=note,
    )


def reflection_result_message(result: ReflectionResult, lessons: Sequence[Lesson], note: str) -> Message:
    near = [
        name
        for name, score in (("anxiety", result.anxiety), ("avoidance", result.avoidance))
        if abs(score - MIDPOINT) <= NEAR_MIDPOINT
    ]
    body = [
        f"**Anxiety {result.anxiety:.1f}** and **avoidance {result.avoidance:.1f}** (each from 1 to 7).",
        "",
        f"**{result.pattern.label}.** {result.pattern.description.strip()}",
    ]
    if near:
        body += ["", f"You are near the middle on {' and '.join(near)}, so the label is a loose fit."]
    body += [
        "",
        "This is self-reflection, not a diagnosis. The dividing lines at 4 are a rough guide, and attachment "
        "can differ between relationships and change over time. Only your two scores and today's date are kept.",
    ]
    picture = Attachment(
        "self-reflection.png",
        render_plane(result.anxiety, result.avoidance, history=result.history),
        "image/png",
    )
    return Message(
        title="Your self-reflection",
        body="\n".join(body),
        fields=(Field("Read next", "\n".join(f"• {lesson.title}" for lesson in lessons)),) if lessons else (),
        buttons=tuple(
            Button(f"Read: {_short(lesson.title, 60)}", f"lesson:open:{lesson.id}") for lesson in lessons[:4]
        ),
        files=(picture,),
        image=picture.filename,
        footer=note,
    )


def consent_message(purpose: str, then_action: str) -> Message:
    return Message(
        title="Before I keep anything",
        body=(
            f"To {purpose} I need to store it, linked to you, in this community's Secure Base database. "
            "What you write is treated as sensitive health information: journal entries are encrypted, "
            "nothing you write appears in logs or to moderators, and `mydata` exports or deletes it all "
            "at any time.\n\nOne exception to keep you safe: if something you write suggests you may be in "
            "danger, I'll send you support lines privately and, if this community has set up safety alerts, "
            "let its moderators know that you may need support, never what you wrote."
            "\n\nDo you agree to that?"
        ),
        buttons=(
            Button("Yes, I agree", f"consent:yes:{then_action}", ButtonStyle.PRIMARY),
            Button("No thanks", "consent:no"),
        ),
    )


def help_message(welcome: str, prefix: str, is_moderator: bool) -> Message:
    member = [f"`{prefix}{spec.name}` — {spec.description}" for spec in COMMANDS if not spec.moderator]
    fields = [Field("Commands", "\n".join(member))]
    if is_moderator:
        setup = [f"`{prefix}{spec.name}` — {spec.description}" for spec in COMMANDS if spec.moderator]
        fields.append(Field("For moderators", "\n".join(setup)))
    else:
        fields.append(Field("For moderators", f"Moderators configure the bot with `{prefix}setup …`."))
    return Message(title="Secure Base", body=welcome, fields=tuple(fields))


def resources_message(resources: Sequence[Resource], note: str) -> Message:
    lines = [f"**{item.name}** — {item.contact}\n{item.url} (checked {item.checked:%d %b %Y})" for item in resources]
    return Message(
        title="Support when you need it",
        body=("If you are in danger right now, call your local emergency number.\n\n" + "\n\n".join(lines)),
        footer=note,
    )


def faq_list(entries: Sequence[FaqEntry], prefix: str) -> Message:
    lines = [f"• {entry.question} — `{prefix}faq {entry.id}`" for entry in entries]
    return Message(title="Questions people often ask", body="\n".join(lines))


def faq_message(entry: FaqEntry, note: str) -> Message:
    return Message(title=entry.question, body=entry.answer.strip(), footer=note)


def journal_message(summary: JournalSummary) -> Message:
    if summary.count:
        latest = "\n".join(f"• {title} — {when:%d %b %Y}" for title, when in summary.latest)
        body = f"You have {summary.count} journal {'entry' if summary.count == 1 else 'entries'}. The latest:\n{latest}"
    else:
        body = "Your journal is empty. Only you can read it, and it is encrypted."
    return Message(
        title="Your journal",
        body=body,
        buttons=(Button("Write an entry", "journal:write", ButtonStyle.PRIMARY),),
    )


def journal_form(prompt: PromptItem | None = None) -> Form:
    label = _short(prompt.text, 45) if prompt else "What's on your mind?"
    return Form(
        form_id=f"journal:{prompt.id}" if prompt else "journal",
        title="Private journal",
        fields=(
            FormField("title", "Title (optional)", required=False, max_length=TITLE_MAX),
            FormField("text", label, multiline=True, max_length=BODY_MAX),
        ),
    )


def share_form(post_id: int) -> Form:
    return Form(
        form_id=f"share:{post_id}",
        title="Share anonymously",
        fields=(
            FormField(
                "text",
                "Your reply (posted without your name)",
                multiline=True,
                max_length=1500,
                placeholder="Nobody, moderators included, will see who wrote this.",
            ),
        ),
    )


def prompt_form() -> Form:
    return Form(
        form_id="setup:prompt-add",
        title="Add a reflection prompt",
        fields=(FormField("text", "One open, kind question", multiline=True, max_length=300),),
    )


def lesson_form() -> Form:
    return Form(
        form_id="setup:lesson-add",
        title="Add a lesson",
        fields=(
            FormField("title", "Title", max_length=80),
            FormField("summary", "One-line summary", max_length=160),
            FormField("body", "Lesson (about a minute to read)", multiline=True, max_length=3000),
            FormField("try_this", "Try this (a small exercise)", multiline=True, max_length=400),
        ),
    )


def when(moment: datetime) -> str:
    """A local time as moderators read it: ``Mon 07 Dec 2026, 18:00 CET``."""
    return moment.strftime("%a %d %b %Y, %H:%M %Z")


# --- crisis-language care ------------------------------------------------------------------------
# Written to be read by someone who may be in pain: plain words, no verdict about how serious
# things are, no pressure, and honest about what the bot did (held a share, told moderators).

_SUPPORT_OPENINGS: dict[Source, str] = {
    "journal": "Thank you for writing this down. Some of what you wrote sounds really heavy, and I want to "
    "make sure you know where support is.",
    "reply": "Some of what you wrote in the thread sounds really heavy, and I want to make sure you know "
    "where support is.",
    "share": "I haven't posted this one in the thread. Some of what you wrote sounds really heavy, and you "
    "deserve more support than an anonymous thread can give.",
    "prompt": "I haven't added this prompt: some of its words read like someone going through something "
    "really hard, and prompts go to the whole community. If it's about you, please reach out. If it's "
    "meant as a question for the group, try gentler wording and add it again.",
}
_MODERATORS_TOLD: dict[Source, str] = {
    "journal": "I've also let this community's moderators know you might welcome a check-in. "
    "They don't see what you wrote.",
    "reply": "I've also let this community's moderators know you might welcome a check-in.",
    "share": "The moderators know that a share was held back, but not who wrote it or what it said.",
    "prompt": "I've also let the other moderators know, without your words.",
}


def crisis_support_message(
    resources: Sequence[Resource], note: str, source: Source, *, moderators_told: bool
) -> Message:
    """The private reply to crisis language: the region's lines and the international directory."""
    lines = resources_message(resources, note).body
    parts = [
        _SUPPORT_OPENINGS[source],
        "I'm a bot, so I can't be there the way a person can. But people are ready to listen right now, "
        "any time of day or night, and you don't have to be at your worst to call:",
        lines,
        "Talking to someone you trust today can help too.",
    ]
    if moderators_told:
        parts.append(_MODERATORS_TOLD[source])
    return Message(title="You don't have to carry this alone", body="\n\n".join(parts), footer=note)


def held_share_note(prefix: str) -> Message:
    """A held share when support lines already went out within the hour: still private, still kind."""
    return Message(
        body="I haven't posted this one in the thread. If things feel heavy right now, people are ready to "
        f"listen: `{prefix}resources` lists them."
    )


def held_prompt_note(prefix: str) -> Message:
    return Message(
        body="I haven't added this prompt: some of its words read like someone in crisis, and prompts go to "
        f"the whole community. Try gentler wording and add it again. Support lines are in `{prefix}resources`."
    )


_ALERT_WHAT: dict[Source, str] = {
    "journal": "Something {who} wrote in their private journal matched crisis language. "
    "I sent them support lines privately. You won't see what they wrote.",
    "reply": "A reply by {who} in {where} matched crisis language. I sent them support lines privately; "
    "the reply itself is unchanged.",
    "share": "An anonymous share for {where} matched crisis language. I didn't post it, and I offered its "
    "author support lines privately. Nobody can tell who wrote it, and this alert doesn't either.",
    "prompt": "A custom prompt {who} was adding matched crisis language. I didn't add it, and I sent them "
    "support lines privately.",
}


def safety_alert_message(source: Source, where: str, who: str) -> Message:
    """For the alerts channel: where it happened, never what was written (and no name for shares)."""
    return Message(
        title="Safety: someone may need support",
        body=_ALERT_WHAT[source].format(who=who, where=where) + "\n\nA gentle, private check-in may help.",
        footer="This is an automatic flag on wording, not an assessment of risk. If someone is in immediate "
        "danger, contact local emergency services.",
        private=False,
    )


def share_post(text: str, share_id: int) -> Message:
    """An anonymous share in its thread; moderators can remove it and block its unknown author."""
    return Message(
        title="Shared anonymously",
        body=text,
        buttons=(Button("Remove and block (moderators)", f"share:remove:{share_id}", ButtonStyle.DANGER),),
        private=False,
    )
