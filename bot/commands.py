"""The whole command surface of PRODUCT.md §1, declared once as data.

Adapters translate these specs into their platform's shape (Discord app commands, the
Slack/console text grammar); the dispatcher uses them to validate options before a
handler runs. Nothing here knows how a command is carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "COMMANDS",
    "DAYS",
    "REGIONS",
    "CommandSpec",
    "OptionKind",
    "OptionSpec",
    "spec_for",
]

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REGIONS = ("US", "UK", "IE", "CA", "AU", "INTL")


class OptionKind(Enum):
    """How an option is typed and validated; adapters map kinds to native option types."""

    TEXT = "text"
    CHOICE = "choice"
    CHANNEL = "channel"
    DAY = "day"
    TIME = "time"
    TIMEZONE = "timezone"
    BOOL = "bool"
    ROLE = "role"
    USERS = "users"
    LESSON = "lesson"
    QUIZ = "quiz"
    FAQ = "faq"
    TRACK = "track"
    CONTENT = "content"


AUTOCOMPLETED = frozenset(
    {
        OptionKind.LESSON,
        OptionKind.QUIZ,
        OptionKind.FAQ,
        OptionKind.TRACK,
        OptionKind.TIMEZONE,
        OptionKind.CONTENT,
    }
)


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    description: str
    kind: OptionKind = OptionKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    platforms: frozenset[str] | None = None
    """Only these platforms offer the option (Discord picks a role)."""
    not_on: frozenset[str] = frozenset()
    """Platforms that do not offer it (Discord has roles instead of a users list)."""

    @property
    def autocomplete(self) -> bool:
        return self.kind in AUTOCOMPLETED

    def offered_on(self, platform: str) -> bool:
        return (self.platforms is None or platform in self.platforms) and platform not in self.not_on


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    """Space-separated path: ``lesson`` or ``setup prompts``."""
    description: str
    options: tuple[OptionSpec, ...] = ()
    moderator: bool = False

    @property
    def group(self) -> str | None:
        head, _, tail = self.name.partition(" ")
        return head if tail else None

    @property
    def leaf(self) -> str:
        return self.name.rpartition(" ")[2]

    def option(self, name: str) -> OptionSpec | None:
        return next((option for option in self.options if option.name == name), None)

    def options_for(self, platform: str) -> tuple[OptionSpec, ...]:
        return tuple(option for option in self.options if option.offered_on(platform))


def _schedule_options(extra: tuple[OptionSpec, ...]) -> tuple[OptionSpec, ...]:
    return (
        OptionSpec("channel", "Channel to post in", OptionKind.CHANNEL),
        OptionSpec("day", "Day of the week", OptionKind.DAY, choices=DAYS),
        OptionSpec("time", "Time of day, HH:MM (24-hour)", OptionKind.TIME),
        OptionSpec("timezone", "IANA time zone, e.g. Europe/Berlin", OptionKind.TIMEZONE),
        *extra,
    )


_WHAT_POSTS = ("prompts", "lessons", "all")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "lesson",
        "Read a short lesson privately (your next one, or pick a topic)",
        (OptionSpec("topic", "Lesson id or title", OptionKind.LESSON),),
    ),
    CommandSpec(
        "quiz",
        "Take a quiz privately: the self-reflection quiz or a knowledge quiz",
        (OptionSpec("name", "Which quiz (default: attachment-style)", OptionKind.QUIZ),),
    ),
    CommandSpec("reflect", "See this week's reflection prompt and answer privately or anonymously"),
    CommandSpec("journal", "Write a private journal entry and see your latest ones"),
    CommandSpec("progress", "Your lessons, quiz scores and self-reflection history"),
    CommandSpec(
        "faq",
        "Answers to common questions",
        (OptionSpec("question", "Which question", OptionKind.FAQ),),
    ),
    CommandSpec("resources", "Support lines for your region and where to find help"),
    CommandSpec(
        "mydata",
        "Export or delete everything Secure Base stores about you",
        (OptionSpec("action", "export or delete", OptionKind.CHOICE, required=True, choices=("export", "delete")),),
    ),
    CommandSpec("help", "What Secure Base does and every command"),
    # --- moderators -----------------------------------------------------------
    CommandSpec(
        "setup prompts",
        "Weekly reflection prompts: channel, day, time, time zone",
        _schedule_options((OptionSpec("enabled", "Turn weekly prompts on or off", OptionKind.BOOL),)),
        moderator=True,
    ),
    CommandSpec(
        "setup lessons",
        "Weekly lesson drip: channel, day, time, time zone, track",
        _schedule_options((OptionSpec("track", "Which lesson track to follow", OptionKind.TRACK),)),
        moderator=True,
    ),
    CommandSpec(
        "setup safety",
        "Where safety alerts go and which support lines to show",
        (
            OptionSpec("alerts_channel", "Private channel for moderator safety alerts", OptionKind.CHANNEL),
            OptionSpec("region", "Region for support lines", OptionKind.CHOICE, choices=REGIONS),
            OptionSpec(
                "read_replies",
                "Read replies in prompt threads to offer private support (needs message access)",
                OptionKind.BOOL,
            ),
        ),
        moderator=True,
    ),
    CommandSpec(
        "setup moderators",
        "Who besides admins may use setup",
        (
            OptionSpec("role", "Role whose members may use setup", OptionKind.ROLE, platforms=frozenset({"discord"})),
            OptionSpec(
                "users",
                "Members who may use setup (mentions, space-separated)",
                OptionKind.USERS,
                not_on=frozenset({"discord"}),
            ),
        ),
        moderator=True,
    ),
    CommandSpec(
        "setup content",
        "Turn a lesson, quiz or prompt on or off for this community",
        (
            OptionSpec(
                "action",
                "enable, disable or list",
                OptionKind.CHOICE,
                required=True,
                choices=("enable", "disable", "list"),
            ),
            OptionSpec("id", "Lesson, quiz or prompt id", OptionKind.CONTENT),
        ),
        moderator=True,
    ),
    CommandSpec("setup prompt-add", "Add a custom prompt to this community's rotation", moderator=True),
    CommandSpec("setup lesson-add", "Add a custom lesson at the end of this community's track", moderator=True),
    CommandSpec(
        "setup pause",
        "Stop posting prompts, lessons or both",
        (OptionSpec("what", "prompts, lessons or all", OptionKind.CHOICE, required=True, choices=_WHAT_POSTS),),
        moderator=True,
    ),
    CommandSpec(
        "setup resume",
        "Start posting again",
        (OptionSpec("what", "prompts, lessons or all", OptionKind.CHOICE, required=True, choices=_WHAT_POSTS),),
        moderator=True,
    ),
    CommandSpec(
        "setup post-now",
        "Post the next prompt or lesson now, to check the channel",
        (OptionSpec("what", "prompt or lesson", OptionKind.CHOICE, required=True, choices=("prompt", "lesson")),),
        moderator=True,
    ),
    CommandSpec("setup show", "The whole configuration and the next posting times", moderator=True),
    CommandSpec("setup stats", "Participation in aggregate (never per member)", moderator=True),
)

_BY_NAME = {spec.name: spec for spec in COMMANDS}


def spec_for(name: str) -> CommandSpec | None:
    return _BY_NAME.get(name)
