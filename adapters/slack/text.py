"""Slack's text rules: the core's markdown as mrkdwn, escaped so nothing pings anyone.

Slack reads ``<…>`` as control sequences: ``<!channel>``, ``<!here>``, ``<!everyone>``,
``<!subteam^S1>`` and ``<@U1>`` notify people. Text the bot posts may hold what a member or
moderator wrote (anonymous shares, custom prompts), so every ``&``, ``<`` and ``>`` is escaped
except the few sequences the core itself writes on purpose: channel links and URLs always,
user mentions only in private replies (an ephemeral message notifies nobody). Bare
``@channel``/``@here``/``@everyone`` get a zero-width space, in case the app is ever
installed with ``link_names``.

Channel and user arguments arrive escaped too (the manifest sets ``should_escape``):
``<#C123|reflections>`` and ``<@U123>``; the parsers here turn them into ids.
"""

from __future__ import annotations

import re

from bot.errors import UserError

__all__ = [
    "ZWSP",
    "clip",
    "escape",
    "parse_channel",
    "parse_users",
    "plain",
    "to_mrkdwn",
    "unescape",
]

ZWSP = "\u200b"

_CHANNEL_TOKEN = r"#[CG][A-Z0-9]+(?:\|[^<>]*)?"
_URL_TOKEN = r"(?:https?|mailto):[^<>|\s]+(?:\|[^<>]*)?"
_USER_TOKEN = r"@[UW][A-Z0-9]+(?:\|[^<>]*)?"
_KEEP_PUBLIC = re.compile(rf"<(?:{_CHANNEL_TOKEN}|{_URL_TOKEN})>")
_KEEP_PRIVATE = re.compile(rf"<(?:{_CHANNEL_TOKEN}|{_URL_TOKEN}|{_USER_TOKEN})>")
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?|mailto):[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_BOLD_MARK = "\x01"

_CHANNEL_ARG = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^<>]*)?>$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_USER_ARG = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")


def _escape_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + ZWSP, text)


def escape(text: str, *, public: bool) -> str:
    """Escape ``text`` for mrkdwn, keeping only the control sequences that cannot ping.

    ``public``: the text goes where others see it, so user mentions are escaped as well.
    """
    keep = _KEEP_PUBLIC if public else _KEEP_PRIVATE
    out: list[str] = []
    position = 0
    for match in keep.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def to_mrkdwn(markdown: str, *, public: bool) -> str:
    """The core writes CommonMark-ish text (``**bold**``, ``*italic*``, ``~~struck~~``,
    ``[label](url)``); Slack's mrkdwn spells those ``*bold*``, ``_italic_``, ``~struck~``,
    ``<url|label>``. Escaping comes first so the links made here survive it."""
    text = escape(markdown, public=public)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    return text.replace(_BOLD_MARK, "*")


def clip(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters with an ellipsis (Slack rejects longer texts outright)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int) -> str:
    """Text for ``plain_text`` objects (headers, buttons, labels): no markup, within the limit."""
    stripped = text.replace("**", "").replace("~~", "")
    return clip(stripped, limit) or " "


def unescape(text: str) -> str:
    """Slack sends a slash command's own ``&``, ``<`` and ``>`` as entities; the grammar wants
    them as typed. Links Slack made (``<#C1|x>``, ``<@U1>``) use real brackets and pass through."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_channel(raw: str) -> str:
    """``<#C123|reflections>`` (what Slack sends for ``#reflections``), ``<#C123>`` or ``C123`` → ``C123``."""
    text = raw.strip()
    match = _CHANNEL_ARG.match(text)
    if match:
        return match.group(1)
    if _CHANNEL_ID.match(text):
        return text
    raise UserError(
        f"I couldn't find a channel in \"{raw}\": type # and pick the channel from Slack's list "
        "so it becomes a link, e.g. channel:#reflections."
    )


def parse_users(raw: str) -> tuple[str, ...]:
    """``<@U1> <@U2|mia>`` (what Slack sends for ``@sam @mia``) or bare ids → ``("U1", "U2")``."""
    ids: list[str] = []
    for word in raw.replace(",", " ").split():
        match = _USER_ARG.match(word)
        if match:
            ids.append(match.group(1))
        elif _USER_ID.match(word):
            ids.append(word)
        else:
            raise UserError(
                f"I couldn't find a member in \"{word}\": type @ and pick each person from Slack's list, "
                "e.g. users:@sam @mia."
            )
    if not ids:
        raise UserError("Name who may use setup with users:, e.g. users:@sam @mia.")
    return tuple(dict.fromkeys(ids))
