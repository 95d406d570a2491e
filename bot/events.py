"""The platform-neutral vocabulary between the core and the adapters.

Adapters translate platform payloads into the inbound events below and render the
outbound ``Message``/``Form`` values back. Everything is a frozen dataclass so that an
event can be logged (by id, never by text), queued and compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "Attachment",
    "Button",
    "ButtonPress",
    "ButtonStyle",
    "ChannelRef",
    "Command",
    "Field",
    "Form",
    "FormField",
    "FormSubmit",
    "Inbound",
    "Message",
    "MessagePosted",
    "PostedRef",
    "Reply",
    "UserRef",
]


@dataclass(frozen=True, slots=True)
class UserRef:
    """A member as the platform knows them. ``display_name`` is for greetings only, never stored."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ChannelRef:
    platform: str
    workspace_id: str
    channel_id: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class PostedRef:
    """Where a post landed: enough to open a thread on it or link to it later."""

    channel: ChannelRef
    message_id: str
    thread_id: str | None = None
    """Set when the platform reports a thread already open on the post (see ``Platform.find_post``)."""


# --- inbound -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command. ``args`` are the raw option values as typed or chosen.

    ``is_admin`` is the platform's own answer (Discord *Manage Server*, Slack admin/owner,
    a console ``mod``); ``roles`` lets the core honour the moderator role set by
    ``setup moderators`` without asking the platform again.
    """

    user: UserRef
    channel: ChannelRef
    name: str
    args: dict[str, str] = field(default_factory=dict)
    is_admin: bool = False
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ButtonPress:
    user: UserRef
    channel: ChannelRef
    action_id: str
    is_admin: bool = False
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FormSubmit:
    user: UserRef
    channel: ChannelRef
    form_id: str
    values: dict[str, str] = field(default_factory=dict)
    is_admin: bool = False
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MessagePosted:
    """A member's reply in a prompt thread (only delivered where the community allows reading).

    ``message_id`` lets a moderator alert point at the reply without quoting it.
    """

    user: UserRef
    channel: ChannelRef
    text: str
    message_id: str | None = None


Inbound = Command | ButtonPress | FormSubmit


# --- outbound ----------------------------------------------------------------


class ButtonStyle(Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button whose ``action_id`` carries everything a press needs, so it works after a restart."""

    label: str
    action_id: str
    style: ButtonStyle = ButtonStyle.SECONDARY


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime: str


@dataclass(frozen=True, slots=True)
class Message:
    """What the bot shows. ``private`` replies are ephemeral (or printed as private in the console).

    ``image`` names one of ``files`` to show inline (the self-reflection picture).
    ``footer`` carries the short not-therapy note where the contract asks for it.
    """

    body: str
    title: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    files: tuple[Attachment, ...] = ()
    image: str | None = None
    footer: str = ""
    private: bool = True
    marker: str = ""
    """An invisible tag on scheduled posts (``securebase:post:<id>``) so that, after a crash
    between sending and recording, the post can be found again in the channel's history."""


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: str
    multiline: bool = False
    required: bool = True
    max_length: int = 1000
    placeholder: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A modal. ``form_id`` carries what the submit needs (e.g. ``share:<post id>``)."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer: messages to show and, at most, one form to open.

    A form must be opened while the platform's trigger is fresh, so it travels
    separately from messages and adapters open it first.
    """

    messages: tuple[Message, ...] = ()
    form: Form | None = None

    @staticmethod
    def of(*messages: Message) -> Reply:
        return Reply(messages=messages)

    @staticmethod
    def open(form: Form) -> Reply:
        return Reply(form=form)
