"""Core messages and forms → Discord embeds, buttons, files and modals, within Discord's limits.

Limits (Discord API): embed title 256, description 4096, 25 fields (name 256, value 1024),
footer 2048, 6000 characters across a message's embeds, 10 embeds; 5 rows × 5 buttons;
button label 80; ``custom_id`` 100; modal title 45, 5 text inputs, input label 45.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.events import Button, ButtonStyle, Form, Message

__all__ = ["BUTTON_PREFIX", "FORM_PREFIX", "Rendered", "render_form", "render_message", "split_text"]

BUTTON_PREFIX = "sb:"
FORM_PREFIX = "sbform:"
EMBED_DESCRIPTION = 4096
EMBED_TOTAL = 6000
FIELD_VALUE = 1024
MAX_EMBEDS = 10
COLOUR = discord.Colour(0x3B6EA5)

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


@dataclass
class Rendered:
    """Keyword arguments for ``send``/``send_message``/``followup.send``, split where needed."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        result: dict[str, Any] = {"embeds": self.embeds}
        if self.view is not None:
            result["view"] = self.view
        if self.files:
            result["files"] = self.files
        return result


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries so no piece exceeds ``limit``."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


ButtonFactory = Callable[[str, str, discord.ButtonStyle, int], discord.ui.Item[Any]]
"""Makes the persistent button for (action id, label, style, row)."""


def button_view(buttons: tuple[Button, ...], make: ButtonFactory) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(buttons[:25]):
        view.add_item(make(button.action_id, button.label, _STYLES[button.style], index // 5))
    return view


def render_message(message: Message, make_button: ButtonFactory | None = None) -> Rendered:
    """One core message as embeds (long bodies continue in further embeds), buttons and files."""
    chunks = split_text(message.body, EMBED_DESCRIPTION) if message.body else [""]
    embeds: list[discord.Embed] = []
    budget = EMBED_TOTAL
    for index, chunk in enumerate(chunks[:MAX_EMBEDS]):
        embed = discord.Embed(colour=COLOUR, description=chunk or None)
        if index == 0 and message.title:
            embed.title = _clip(message.title, 256)
        embeds.append(embed)
    last = embeds[-1]
    for item in message.fields[:25]:
        value = item.value or "—"
        last.add_field(name=_clip(item.name, 256), value=_clip(value, FIELD_VALUE), inline=item.inline)
    if message.footer:
        last.set_footer(text=_clip(message.footer, 2048))
    if message.image:
        embeds[0].set_image(url=f"attachment://{message.image}")
    if message.marker:
        # Invisible to people; lets find_post recognise the post in the channel's history.
        last.set_author(name="Secure Base", url=f"https://securebase.invalid/{message.marker.replace(':', '/')}")
    while sum(len(embed) for embed in embeds) > budget and len(embeds) > 1:
        embeds.pop()
    files = [discord.File(io.BytesIO(item.data), filename=item.filename) for item in message.files]
    view = button_view(message.buttons, make_button) if message.buttons and make_button else None
    return Rendered(embeds, view, files)


class CoreModal(discord.ui.Modal):
    """A core ``Form`` as a modal. Submissions are handled in ``on_interaction`` by custom id,
    so a form opened before a restart can still be submitted after it."""

    async def on_submit(self, interaction: discord.Interaction) -> None:  # handled by the adapter
        return None


def render_form(form: Form) -> discord.ui.Modal:
    modal = CoreModal(title=_clip(form.title, 45), custom_id=_clip(FORM_PREFIX + form.form_id, 100), timeout=None)
    for item in form.fields[:5]:
        modal.add_item(
            discord.ui.TextInput(
                label=_clip(item.label, 45),
                custom_id=item.key,
                style=discord.TextStyle.paragraph if item.multiline else discord.TextStyle.short,
                required=item.required,
                max_length=min(item.max_length, 4000),
                placeholder=_clip(item.placeholder, 100) or None,
            )
        )
    return modal


def form_values(data: dict[str, Any]) -> dict[str, str]:
    """Text input values from a modal-submit payload, wherever Discord nests them."""
    values: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == 4 and "custom_id" in node:
                values[str(node["custom_id"])] = str(node.get("value") or "")
            for key in ("components", "component"):
                if key in node:
                    walk(node[key])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(data.get("components", []))
    return values
