"""The core's ``Message`` and ``Form`` as Block Kit, inside Slack's limits.

Slack rejects a whole message when one part is too long, so every limit is enforced here
rather than trusted: ≤ 50 blocks per message (longer replies become several messages),
section text ≤ 3000 characters (split at paragraph or line breaks), header ≤ 150, button
text ≤ 75, ``action_id`` ≤ 255, button ``value`` ≤ 2000, modal title ≤ 24.

A button's ``value`` is the core's own action id (``quiz:a:12:3:1``), so a press carries
everything it needs and still works after a restart; its ``action_id`` is only
``securebase:<n>``, unique within the message as Slack requires.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.text import clip, plain, to_mrkdwn
from bot.events import Button, ButtonStyle, Field, Form, Message

__all__ = [
    "ACTION_PREFIX",
    "FORM_CALLBACK",
    "MAX_BLOCKS",
    "MAX_SECTION",
    "Block",
    "FormMeta",
    "SlackMessage",
    "form_values",
    "modal",
    "render",
    "render_all",
    "split_text",
]

Block = dict[str, Any]

ACTION_PREFIX = "securebase:"
FORM_CALLBACK = "securebase:form"
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_ACTION_ID = 255
MAX_VALUE = 2000
MAX_BUTTONS_PER_ROW = 25
MAX_FIELDS_PER_SECTION = 10
MAX_MODAL_TITLE = 24
MAX_LABEL = 2000
MAX_PLACEHOLDER = 150
MAX_INPUT = 3000
MAX_METADATA = 3000
FALLBACK_LENGTH = 300


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One Slack message: ``text`` is the notification fallback, ``blocks`` what people see."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


def split_text(text: str, limit: int = MAX_SECTION) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at paragraph breaks if possible,
    then line breaks, then spaces, and hard cuts only as a last resort."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = limit
        for separator in ("\n\n", "\n", " "):
            position = window.rfind(separator)
            if position >= limit // 2:
                cut = position
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _sections(markdown: str, *, public: bool) -> list[Block]:
    text = to_mrkdwn(markdown, public=public)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in split_text(text)]


def _field_blocks(fields: Sequence[Field], *, public: bool) -> list[Block]:
    """Inline fields sit side by side (a section's ``fields``); the others get a section each."""
    blocks: list[Block] = []
    inline: list[Block] = []

    def flush() -> None:
        for start in range(0, len(inline), MAX_FIELDS_PER_SECTION):
            blocks.append({"type": "section", "fields": inline[start : start + MAX_FIELDS_PER_SECTION]})
        inline.clear()

    for item in fields:
        name = to_mrkdwn(item.name, public=public)
        value = to_mrkdwn(item.value, public=public)
        if item.inline and len(name) + len(value) + 3 <= MAX_FIELD:
            inline.append({"type": "mrkdwn", "text": f"*{name}*\n{value}"})
            continue
        flush()
        for index, part in enumerate(split_text(value, MAX_SECTION - len(name) - 3)):
            text = f"*{name}*\n{part}" if index == 0 else part
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    flush()
    return blocks


def _button(button: Button, number: int) -> Block | None:
    if len(button.action_id) > MAX_VALUE:
        return None  # cannot be carried; the core keeps its ids far shorter
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": plain(button.label, MAX_BUTTON), "emoji": True},
        "action_id": f"{ACTION_PREFIX}{number}"[:MAX_ACTION_ID],
        "value": button.action_id,
    }
    if button.style is ButtonStyle.PRIMARY:
        element["style"] = "primary"
    elif button.style is ButtonStyle.DANGER:
        element["style"] = "danger"
    return element


def _message_blocks(message: Message, *, public: bool, numbers: Iterable[int]) -> list[Block]:
    blocks: list[Block] = []
    if message.title:
        if len(message.title) <= MAX_HEADER:
            blocks.append({"type": "header", "text": {"type": "plain_text", "text": plain(message.title, MAX_HEADER)}})
        else:
            blocks += _sections(f"**{message.title}**", public=public)
    if message.body.strip():
        blocks += _sections(message.body, public=public)
    blocks += _field_blocks(message.fields, public=public)
    if message.files:
        names = ", ".join(attachment.filename for attachment in message.files)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": to_mrkdwn(f"📎 Sent to our direct messages: {names}", public=public),
                    }
                ],
            }
        )
    counter = iter(numbers)
    elements = [element for button in message.buttons if (element := _button(button, next(counter)))]
    for start in range(0, len(elements), MAX_BUTTONS_PER_ROW):
        blocks.append({"type": "actions", "elements": elements[start : start + MAX_BUTTONS_PER_ROW]})
    if message.footer:
        footer = clip(to_mrkdwn(f"ⓘ {message.footer}", public=public), MAX_SECTION)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return blocks


def _fallback(message: Message, *, public: bool) -> str:
    """What a notification or a screen reader shows: the title, else the start of the body."""
    source = message.title or message.body.strip().split("\n", 1)[0] or "Secure Base"
    return clip(to_mrkdwn(source, public=public), FALLBACK_LENGTH)


def render_all(messages: Sequence[Message], *, public: bool) -> list[SlackMessage]:
    """Several core messages of one reply as few Slack messages as the limits allow.

    Fewer messages matter: a ``response_url`` takes at most five, and a quiz step (the
    feedback and the next question) reads best as one.
    """
    out: list[SlackMessage] = []
    blocks: list[Block] = []
    fallback = ""
    metadata: dict[str, Any] | None = None
    numbers = iter(range(1, 10_000))
    for message in messages:
        rendered = _message_blocks(message, public=public, numbers=numbers)
        if message.marker and rendered:
            rendered[0]["block_id"] = message.marker
            metadata = {"event_type": "securebase_post", "event_payload": {"marker": message.marker}}
        if blocks and len(blocks) + 1 + len(rendered) > MAX_BLOCKS:
            out.append(SlackMessage(fallback, blocks, metadata))
            blocks, fallback, metadata = [], "", None
        if blocks:
            blocks.append({"type": "divider"})
        fallback = fallback or _fallback(message, public=public)
        while len(rendered) > MAX_BLOCKS - len(blocks):
            room = MAX_BLOCKS - len(blocks)
            blocks += rendered[:room]
            rendered = rendered[room:]
            out.append(SlackMessage(fallback, blocks, metadata))
            blocks, metadata = [], None
        blocks += rendered
    if blocks:
        out.append(SlackMessage(fallback, blocks, metadata))
    return out


def render(message: Message, *, public: bool) -> list[SlackMessage]:
    """One core message as one or more Slack messages (more only past 50 blocks)."""
    return render_all([message], public=public)


@dataclass(frozen=True, slots=True)
class FormMeta:
    """What a modal's submit needs, carried in ``private_metadata`` (Slack keeps no state for us)."""

    form_id: str
    channel_id: str | None = None
    response_url: str | None = None

    def encode(self) -> str:
        data = {"f": self.form_id, "c": self.channel_id, "r": self.response_url}
        text = json.dumps(data, separators=(",", ":"))
        if len(text) > MAX_METADATA:  # a response_url is a convenience: drop it first
            text = json.dumps({"f": self.form_id, "c": self.channel_id}, separators=(",", ":"))
        return text

    @staticmethod
    def decode(text: str) -> FormMeta | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("f"), str):
            return None
        channel, url = data.get("c"), data.get("r")
        return FormMeta(data["f"], channel if isinstance(channel, str) else None, url if isinstance(url, str) else None)


def modal(form: Form, meta: FormMeta) -> Block:
    blocks: list[Block] = []
    for item in form.fields:
        element: Block = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": item.multiline,
            "max_length": max(1, min(item.max_length, MAX_INPUT)),
        }
        if item.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": plain(item.placeholder, MAX_PLACEHOLDER)}
        blocks.append(
            {
                "type": "input",
                "block_id": item.key,
                "optional": not item.required,
                "label": {"type": "plain_text", "text": plain(item.label, MAX_LABEL)},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": {"type": "plain_text", "text": plain(form.title, MAX_MODAL_TITLE)},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": meta.encode(),
        "blocks": blocks,
    }


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """``view.state.values`` of a submitted modal → ``{field key: text}`` (empty optional fields: "")."""
    state = view.get("state") or {}
    values: dict[str, str] = {}
    for block_id, actions in (state.get("values") or {}).items():
        if not isinstance(actions, dict):
            continue
        entry = actions.get("value")
        text = entry.get("value") if isinstance(entry, dict) else None
        values[str(block_id)] = text if isinstance(text, str) else ""
    return values
