"""Block Kit rendering within Slack's limits, mrkdwn, escaping, argument parsing, error mapping."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_SECTION,
    FormMeta,
    form_values,
    modal,
    render,
    render_all,
    split_text,
)
from adapters.slack.errors import to_post_failed
from adapters.slack.text import ZWSP, escape, parse_channel, parse_users, to_mrkdwn, unescape
from bot.errors import UserError
from bot.events import Button, ButtonStyle, Field, Form, FormField, Message


def _texts(blocks: list[dict[str, object]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            out.append(str(text["text"]))
        for item in block.get("fields") or []:  # type: ignore[attr-defined]
            out.append(str(item["text"]))
    return out


def test_long_text_is_split_into_sections_within_the_limit() -> None:
    paragraph = "A calm sentence about feeling safe with someone. " * 20
    body = "\n\n".join([paragraph] * 12)  # ~12,000 characters
    (message,) = render(Message(body=body, title="Long"), public=False)
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) >= 4
    assert all(len(b["text"]["text"]) <= MAX_SECTION for b in sections)
    assert "".join(b["text"]["text"] for b in sections).replace("\n", "").replace(" ", "") == body.replace(
        "\n", ""
    ).replace(" ", "")


def test_split_text_cuts_unbroken_text_hard() -> None:
    pieces = split_text("x" * 7000, 3000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


def test_many_buttons_and_fields_stay_within_blocks_buttons_and_ids() -> None:
    buttons = tuple(Button("A label that is far too long for Slack " * 3, f"quiz:a:{i}:0:1") for i in range(60))
    fields = tuple(Field(f"Field {i}", "value " * 10, inline=i % 2 == 0) for i in range(80))
    chunks = render(Message(body="Body", title="T" * 200, fields=fields, buttons=buttons, footer="note"), public=False)
    assert len(chunks) >= 2
    values: list[str] = []
    for chunk in chunks:
        assert len(chunk.blocks) <= MAX_BLOCKS
        action_ids: list[str] = []
        for block in chunk.blocks:
            if block["type"] == "actions":
                assert len(block["elements"]) <= 25
                for element in block["elements"]:
                    assert len(element["text"]["text"]) <= 75
                    assert len(element["action_id"]) <= 255 and element["action_id"].startswith("securebase:")
                    action_ids.append(element["action_id"])
                    values.append(element["value"])
            if block["type"] == "section" and "fields" in block:
                assert len(block["fields"]) <= 10
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
        assert len(action_ids) == len(set(action_ids))
    assert values == [b.action_id for b in buttons]  # every press carries the core's own id


def test_styles_footer_marker_and_files() -> None:
    message = Message(
        body="Hello",
        buttons=(Button("Go", "a:b", ButtonStyle.PRIMARY), Button("Stop", "a:c", ButtonStyle.DANGER), Button("x", "y")),
        footer="Education, not therapy.",
        marker="securebase:post:7",
        files=(),
        private=False,
    )
    (chunk,) = render(message, public=True)
    assert chunk.blocks[0]["block_id"] == "securebase:post:7"
    assert chunk.metadata == {"event_type": "securebase_post", "event_payload": {"marker": "securebase:post:7"}}
    elements = chunk.blocks[-2]["elements"]
    assert [e.get("style") for e in elements] == ["primary", "danger", None]
    assert chunk.blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "ⓘ Education, not therapy."}],
    }
    assert chunk.text == "Hello"


def test_one_reply_of_several_messages_is_one_slack_message_when_it_fits() -> None:
    chunks = render_all(
        [Message(body="Intro", title="Quiz"), Message(body="Q1", title="Question 1 of 3")], public=False
    )
    (chunk,) = chunks
    assert [b["type"] for b in chunk.blocks] == ["header", "section", "divider", "header", "section"]


def test_markdown_becomes_mrkdwn() -> None:
    text = "**Try this:** breathe. *A summary.* ~~old~~ [Helplines](https://findahelpline.com) `code`\n# Heading"
    assert to_mrkdwn(text, public=False) == (
        "*Try this:* breathe. _A summary._ ~old~ <https://findahelpline.com|Helplines> `code`\n*Heading*"
    )
    assert to_mrkdwn("• a * b and 2*3", public=False) == "• a * b and 2*3"


def test_escaping_neutralises_every_ping_in_public_text() -> None:
    loud = "<!channel> <!here|here> <!everyone> <!subteam^S1|@team> <@U123ABC> <@W123ABC|sam> @channel @Here a&b <b>"
    public = escape(loud, public=True)
    for ping in ("<!channel>", "<!here", "<!everyone>", "<!subteam", "<@U123ABC>", "<@W123ABC"):
        assert ping not in public
    assert f"@{ZWSP}channel" in public and f"@{ZWSP}Here" in public
    assert "a&amp;b &lt;b&gt;" in public
    kept = escape("See <#C123ABC|reflections>, <https://x.org|x> and <@U123ABC>", public=False)
    assert kept == "See <#C123ABC|reflections>, <https://x.org|x> and <@U123ABC>"
    assert escape("<@U123ABC>", public=True) == "&lt;@U123ABC&gt;"


def test_channel_and_user_arguments() -> None:
    assert parse_channel("<#C0123ABC|reflections>") == "C0123ABC"
    assert parse_channel(" <#C0123ABC> ") == "C0123ABC"
    assert parse_channel("<#G0123ABC|>") == "G0123ABC"
    assert parse_channel("C0123ABCD") == "C0123ABCD"
    for bad in ("#reflections", "reflections", "<@U0123ABC>", "<#c0123|x>"):
        with pytest.raises(UserError, match="pick the channel from Slack's list"):
            parse_channel(bad)
    assert parse_users("<@U0123ABC> <@W0123ABC|mia>, <@U0123ABC>") == ("U0123ABC", "W0123ABC")
    assert parse_users("U0123ABCD") == ("U0123ABCD",)
    with pytest.raises(UserError, match='"@sam"'):
        parse_users("<@U0123ABC> @sam")


def test_forms_become_modals_and_back() -> None:
    form = Form(
        "share:12",
        "Share anonymously with the whole group",
        (
            FormField("text", "Your reply", multiline=True, max_length=5000, placeholder="p" * 300),
            FormField("title", "Title", required=False),
        ),
    )
    meta = FormMeta("share:12", "C0123ABC", "https://hooks.slack.com/actions/T/1/x")
    view = modal(form, meta)
    assert view["callback_id"] == "securebase:form" and len(view["title"]["text"]) <= 24
    first, second = view["blocks"]
    assert first["element"]["max_length"] == 3000 and len(first["element"]["placeholder"]["text"]) <= 150
    assert first["optional"] is False and second["optional"] is True
    assert FormMeta.decode(view["private_metadata"]) == meta
    assert FormMeta.decode("not json") is None
    state = {"values": {"text": {"value": {"value": "hi"}}, "title": {"value": {"value": None}}}}
    assert form_values({"state": state}) == {"text": "hi", "title": ""}


def _error(code: str, status: int = 200, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


@pytest.mark.parametrize(
    ("code", "status", "lasting"),
    [
        ("ratelimited", 429, False),
        ("internal_error", 500, False),
        ("service_unavailable", 503, False),
        ("channel_not_found", 200, True),
        ("not_in_channel", 200, True),
        ("is_archived", 200, True),
        ("missing_scope", 200, True),
        ("invalid_auth", 200, True),
        ("something_new", 200, True),
    ],
)
def test_slack_errors_map_to_post_failed(code: str, status: int, lasting: bool) -> None:
    failed = to_post_failed(_error(code, status, {"Retry-After": "7"} if status == 429 else None))
    assert failed.lasting is lasting
    if status == 429:
        assert failed.retry_after == 7.0
    if code == "not_in_channel":
        assert "invite @Secure Base" in failed.reason


def test_timeouts_are_passing() -> None:
    assert to_post_failed(TimeoutError()).lasting is False


def test_slash_command_text_is_unescaped_for_the_grammar() -> None:
    assert unescape("faq question:you &amp; me &lt;3 &amp;lt;") == "faq question:you & me <3 &lt;"
    assert unescape("setup prompts channel:<#C0123ABC|reflections>") == "setup prompts channel:<#C0123ABC|reflections>"
