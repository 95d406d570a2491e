"""Moderator commands (``setup …``): validate, call the community service, confirm in one reply."""

from __future__ import annotations

from typing import Literal

from bot.errors import UserError
from bot.events import Field, Message, Reply
from bot.handlers.registry import COMMAND_HANDLERS, FORM_HANDLERS
from bot.handlers.safety import care
from bot.options import Args
from bot.services import Services
from bot.services.community import ScheduleChange, ScheduleView
from bot.services.context import Context
from bot.services.safety import Place
from bot.storage.repository import ScheduleKind
from bot.views import held_prompt_note, lesson_form, prompt_form, when

__all__: list[str] = []

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _schedule_line(view: ScheduleView, ctx: Context) -> str:
    schedule = view.schedule
    where = ctx.platform.channel_label(schedule.channel_id)
    line = f"{DAY_NAMES[schedule.weekday]}s at {schedule.local_time} {schedule.timezone} in {where}"
    if schedule.kind == "lessons":
        line += f" · track {schedule.track_id or 'default'}"
    if not schedule.enabled:
        return f"{line} · **off**"
    if schedule.paused:
        return f"{line} · **paused** ({schedule.pause_reason or 'by a moderator'})"
    return line + "\nNext: " + "; ".join(when(moment) for moment in view.next_times)


async def _configure(s: Services, ctx: Context, args: Args, kind: ScheduleKind) -> Reply:
    channel = args.text("channel")
    if channel is not None:
        await ctx.platform.check_channel(ctx.community.workspace_id, channel)
    change = ScheduleChange(
        channel_id=channel,
        weekday=args.day("day"),
        at=args.time("time"),
        zone=args.zone("timezone"),
        enabled=args.flag("enabled"),
        track_id=args.text("track"),
    )
    view = await s.community.configure_schedule(ctx.community, kind, change, ctx.user.user_id)
    noun = "reflection prompts" if kind == "prompts" else "lessons"
    return Reply.of(Message(title=f"Weekly {noun} saved", body=_schedule_line(view, ctx)))


@COMMAND_HANDLERS.on("setup prompts", moderator=True)
async def setup_prompts(s: Services, ctx: Context, args: Args) -> Reply:
    return await _configure(s, ctx, args, "prompts")


@COMMAND_HANDLERS.on("setup lessons", moderator=True)
async def setup_lessons(s: Services, ctx: Context, args: Args) -> Reply:
    return await _configure(s, ctx, args, "lessons")


@COMMAND_HANDLERS.on("setup safety", moderator=True)
async def setup_safety(s: Services, ctx: Context, args: Args) -> Reply:
    alerts, region, read_replies = args.text("alerts_channel"), args.text("region"), args.flag("read_replies")
    if alerts is None and region is None and read_replies is None:
        raise UserError(
            "Give region (US, UK, IE, CA, AU or INTL), alerts_channel, read_replies (true or false), or several."
        )
    if alerts is not None:
        await ctx.platform.check_channel(ctx.community.workspace_id, alerts)
    community = ctx.community
    if alerts is not None or region is not None:
        community = await s.community.set_safety(community, region, alerts, ctx.user.user_id)
    if read_replies is not None:
        await s.safety.set_read_replies(community, read_replies, ctx.user.user_id)
    alerts_text = ctx.platform.channel_label(community.alerts_channel) if community.alerts_channel else "not set"
    body = f"Safety saved: support lines for **{community.region}**; moderator alerts go to {alerts_text}."
    if read_replies is not None:
        body += " " + _reading_text(read_replies)
    return Reply.of(Message(body=body))


def _reading_text(on: bool) -> str:
    if on:
        return (
            "I'll read replies in prompt threads, only to offer private support when someone may be in crisis; "
            "I never quote them."
        )
    return "I won't read replies in prompt threads."


@COMMAND_HANDLERS.on("setup moderators", moderator=True)
async def setup_moderators(s: Services, ctx: Context, args: Args) -> Reply:
    role = args.text("role")
    if role is not None:
        await s.community.set_moderators(ctx.community, "role", (role,), ctx.user.user_id)
        return Reply.of(Message(body=f"Members with the role <@&{role}> may now use setup."))
    users = args.items("users")
    if not users:
        raise UserError("Name who may use setup with users:, e.g. setup moderators users:@sam @mia.")
    await s.community.set_moderators(ctx.community, "user", users, ctx.user.user_id)
    names = ", ".join(f"<@{user}>" for user in users)
    return Reply.of(Message(body=f"Besides admins, these members may now use setup: {names}."))


@COMMAND_HANDLERS.on("setup content", moderator=True)
async def setup_content(s: Services, ctx: Context, args: Args) -> Reply:
    action = args.text("action")
    content_id = args.text("id")
    if action == "list":
        return Reply.of(await _content_list(s, ctx))
    if not content_id:
        raise UserError(f"Say which item with id:, e.g. setup content action:{action} id:pursuer-withdrawer.")
    toggle: Literal["enable", "disable"] = "enable" if action == "enable" else "disable"
    kind = await s.community.toggle_content(ctx.community, content_id, toggle, ctx.user.user_id)
    state = "on" if toggle == "enable" else "off"
    return Reply.of(Message(body=f"The {kind} `{content_id}` is now {state} for this community."))


async def _content_list(s: Services, ctx: Context) -> Message:
    disabled = await s.community.disabled(ctx.community.id)
    lessons = await s.lessons.all_lessons(ctx.community.id)
    prompts = await s.prompts.pool(ctx.community.id)

    def line(ids: list[str]) -> str:
        return ", ".join(f"~~{i}~~" if i in disabled else i for i in ids) or "none"

    catalog_lessons = list(s.catalog.lessons)
    custom_lessons = [lesson.id for lesson in lessons if lesson.id not in s.catalog.lessons]
    return Message(
        title="Content for this community",
        body="Struck-through items are off. Turn one on or off with `setup content action:enable id:…`.",
        fields=(
            Field("Lessons", line(catalog_lessons + custom_lessons)),
            Field("Quizzes", line(list(s.catalog.quizzes))),
            Field("Prompts", line(sorted({*s.catalog.prompts, *(p.id for p in prompts)}, key=_natural))),
        ),
    )


def _natural(text: str) -> tuple[str, int]:
    head, _, tail = text.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (text, 0)


@COMMAND_HANDLERS.on("setup prompt-add", moderator=True)
async def setup_prompt_add(s: Services, ctx: Context, args: Args) -> Reply:
    return Reply.open(prompt_form())


@FORM_HANDLERS.on("setup:prompt-add", moderator=True)
async def prompt_add_submit(s: Services, ctx: Context, parts: list[str], values: dict[str, str]) -> Reply:
    looked = await care(s, ctx, values.get("text", ""), Place("prompt"))
    if looked.matched:  # prompts are posted to everyone: crisis wording is not added
        return Reply.of(looked.support or held_prompt_note(ctx.prefix))
    prompt_id = await s.community.add_prompt(ctx.community, values.get("text", ""), ctx.user.user_id)
    return Reply.of(Message(body=f"Added to this community's rotation as `{prompt_id}`."))


@COMMAND_HANDLERS.on("setup lesson-add", moderator=True)
async def setup_lesson_add(s: Services, ctx: Context, args: Args) -> Reply:
    return Reply.open(lesson_form())


@FORM_HANDLERS.on("setup:lesson-add", moderator=True)
async def lesson_add_submit(s: Services, ctx: Context, parts: list[str], values: dict[str, str]) -> Reply:
    lesson_id = await s.community.add_lesson(
        ctx.community,
        values.get("title", ""),
        values.get("summary", ""),
        values.get("body", ""),
        values.get("try_this", ""),
        ctx.user.user_id,
    )
    return Reply.of(Message(body=f"Added at the end of this community's track as `{lesson_id}`."))


async def _pause(s: Services, ctx: Context, args: Args, paused: bool) -> Reply:
    changed = await s.community.set_paused(ctx.community, args.text("what") or "all", paused, ctx.user.user_id)
    verb = "Paused" if paused else "Resumed"
    return Reply.of(Message(body=f"{verb}: {' and '.join(changed)}."))


@COMMAND_HANDLERS.on("setup pause", moderator=True)
async def setup_pause(s: Services, ctx: Context, args: Args) -> Reply:
    return await _pause(s, ctx, args, True)


@COMMAND_HANDLERS.on("setup resume", moderator=True)
async def setup_resume(s: Services, ctx: Context, args: Args) -> Reply:
    return await _pause(s, ctx, args, False)


@COMMAND_HANDLERS.on("setup post-now", moderator=True)
async def setup_post_now(s: Services, ctx: Context, args: Args) -> Reply:
    kind: ScheduleKind = "prompts" if args.text("what") == "prompt" else "lessons"
    posted = await s.posting.post_now(ctx.community, kind)
    assert posted.channel is not None
    where = ctx.platform.channel_label(posted.channel.channel_id)
    if posted.thread:
        extra = " and opened a thread for replies"
    elif kind == "prompts":
        extra = f", but couldn't open a thread for replies: {posted.reason}"
    else:
        extra = ""
    return Reply.of(Message(body=f"Posted “{posted.item_title}” in {where}{extra}."))


@COMMAND_HANDLERS.on("setup show", moderator=True)
async def setup_show(s: Services, ctx: Context, args: Args) -> Reply:
    views = {view.schedule.kind: view for view in await s.community.schedules(ctx.community.id)}
    community = ctx.community
    moderators = await s.community.moderators(community.id)
    disabled = await s.community.disabled(community.id)
    mods = ", ".join(f"<@&{ref}>" if kind == "role" else f"<@{ref}>" for kind, ref in moderators) or "admins only"
    fields = [
        Field(
            "Weekly prompts",
            _schedule_line(views["prompts"], ctx) if "prompts" in views else "not set: setup prompts",
        ),
        Field(
            "Weekly lessons",
            _schedule_line(views["lessons"], ctx) if "lessons" in views else "not set: setup lessons",
        ),
        Field(
            "Safety",
            f"Region {community.region}; alerts to "
            + (ctx.platform.channel_label(community.alerts_channel) if community.alerts_channel else "not set")
            + ("; replies in prompt threads read" if await s.safety.reads_replies(community.id) else ""),
        ),
        Field("Moderators", mods),
        Field("Content turned off", ", ".join(sorted(disabled)) or "none"),
    ]
    return Reply.of(Message(title="Secure Base configuration", body="", fields=tuple(fields)))


@COMMAND_HANDLERS.on("setup stats", moderator=True)
async def setup_stats(s: Services, ctx: Context, args: Args) -> Reply:
    stats = await s.community.stats(ctx.community.id)
    labels = {
        "posts": "Posts made",
        "members": "Members who used the bot",
        "lessons_done": "Lessons marked done",
        "quizzes_finished": "Quizzes completed",
        "reflections": "Self-reflections taken",
        "journal_entries": "Private journal entries (count only)",
        "anonymous_shares": "Anonymous shares",
    }
    body = "\n".join(f"{labels[key]}: **{value}**" for key, value in stats.items())
    return Reply.of(Message(title="Participation (totals only)", body=body))
