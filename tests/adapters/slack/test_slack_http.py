"""The real Bolt app on 127.0.0.1, driven with signed requests, the Web API pointed at a fake."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

from slack_driver import ADMIN, MEMBER, SlackBot, running_bot, sign

from adapters.slack.adapter import THREAD_INTRO
from adapters.slack.testing import FakeSlack, text_in
from adapters.slack.text import ZWSP
from bot.events import ChannelRef, Reply, UserRef

SETUP = "setup prompts channel:<#CREFLECT01|reflections> day:monday time:18:00 timezone:Europe/Berlin"


async def _count(bot: SlackBot, table: str) -> int:
    value = await bot.app.db.scalar(f"SELECT COUNT(*) FROM {table}")
    assert isinstance(value, int)
    return value


# --- request verification ----------------------------------------------------------------------


async def test_bad_signature_and_stale_timestamp_get_401_and_run_nothing(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        calls_before = len(fake.calls)  # auth.test at start
        body = "team_id=T0TEAM&user_id=UMEMBER01&channel_id=CGENERAL01&command=%2Fsecurebase&text=help"
        wrong_secret = sign(body, secret="not-the-secret")
        stale = sign(body, timestamp=int(time.time()) - 6 * 60)
        forged = {**sign(body), "X-Slack-Signature": "v0=" + "0" * 64}
        for headers in (wrong_secret, stale, forged, {}):
            status, answer, _ = await bot.send(body, "application/x-www-form-urlencoded", headers=headers)
            assert status == 401, headers
            assert json.loads(answer) == {"error": "invalid request"}
        assert fake.calls[calls_before:] == []  # not even users.info
        assert fake.responses == []
        assert await _count(bot, "communities") == 0
        ok = await bot.command("help")
        assert ok.status == 200 and "/securebase lesson" in bot.said(ok)


async def test_slack_can_verify_the_events_url(tmp_path: Path, fake: FakeSlack) -> None:
    """Slack checks the request URL when the manifest is pasted: a signed ``url_verification``."""
    async with running_bot(tmp_path, fake) as bot:
        body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
        status, answer, _ = await bot.send(body, "application/json")
        assert status == 200 and json.loads(answer) == {"challenge": "c-123"}
        status, _, _ = await bot.send(body, "application/json", headers=sign(body, secret="wrong"))
        assert status == 401


# --- acknowledgement -------------------------------------------------------------------------------


MEMBER_COMMANDS = [
    "",
    "help",
    "lesson",
    "lesson pursuer-withdrawer",
    "quiz attachment-basics",
    "quiz",
    "reflect",
    "journal",
    "progress",
    "faq",
    "resources",
    "mydata export",
    "mydata action:delete",
    "dance",
]
SETUP_COMMANDS = [
    SETUP,
    "setup lessons channel:<#CREFLECT01|reflections> day:tuesday time:09:00 timezone:Europe/Berlin",
    "setup safety region:UK",
    "setup moderators users:<@UMEMBER01|member>",
    "setup content action:list",
    "setup prompt-add",
    "setup lesson-add",
    "setup pause what:lessons",
    "setup resume what:lessons",
    "setup post-now what:prompt",
    "setup show",
    "setup stats",
    "setup prompts time:25:99",
]


async def test_every_command_is_acknowledged_within_a_second_and_answered(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        for line in MEMBER_COMMANDS:
            acked = await bot.command(line)
            assert acked.status == 200 and acked.body == "", line
            assert bot.replies(acked) or fake.calls_to("views.open"), line
        for line in SETUP_COMMANDS:
            acked = await bot.command(line, user=ADMIN)
            assert acked.status == 200, line
            answered = bot.replies(acked)
            opened = [c for c in fake.calls_to("views.open") if c.args["trigger_id"] == f"trigger-{acked.key}"]
            assert answered or opened, line
        assert all(reply["response_type"] == "ephemeral" for _, reply in fake.responses)
        slowest = max(bot.acks)
        print(
            f"\nslack ack latency over {len(bot.acks)} commands: median {statistics.median(bot.acks) * 1000:.1f} ms, "
            f"max {slowest * 1000:.1f} ms"
        )
        assert slowest < 1.0


async def test_ack_comes_first_even_when_the_work_is_slow(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        real = bot.app.dispatcher.handle_line

        async def slow(user: UserRef, channel: ChannelRef, text: str, **kwargs: object) -> Reply:
            await asyncio.sleep(2.5)
            return await real(user, channel, text, **kwargs)  # type: ignore[arg-type]

        bot.app.dispatcher.handle_line = slow  # type: ignore[method-assign]
        acked = await bot.command("resources")
        assert acked.status == 200 and acked.seconds < 1.0
        assert "findahelpline.com" in bot.said(acked)  # answered later, through the response_url


# --- grammar on Slack ----------------------------------------------------------------------------------


async def test_help_lists_commands_with_the_slack_prefix_and_errors_name_it(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        bare = bot.said(await bot.command(""))
        assert "`/securebase lesson`" in bare and "`/securebase setup …`" in bare
        admin_help = bot.said(await bot.command("help", user=ADMIN))
        assert "`/securebase setup prompts`" in admin_help
        unknown = bot.said(await bot.command("dance"))
        assert unknown == 'Unknown command "dance". Try /securebase help for the list.'
        escaped = bot.said(await bot.command("lesson topic:bananas &amp; &lt;cream&gt;"))
        # the core saw "bananas & <cream>"; the answer is escaped once for mrkdwn (not "&amp;amp;")
        assert escaped.startswith('I don\'t have a lesson called "bananas &amp; &lt;cream&gt;".')
        plain_name = bot.said(await bot.command("setup prompts channel:#reflections", user=ADMIN))
        assert plain_name.startswith('I couldn\'t find a channel in "#reflections"')


async def test_slack_command_renames_the_command_and_the_prefix(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake, SLACK_COMMAND="/calm") as bot:
        said = bot.said(await bot.command("help", slash="/calm"))
        assert "`/calm lesson`" in said and "/securebase" not in said
        other = await bot.command("help", slash="/securebase")
        assert other.status == 404 and bot.replies(other) == []


# --- moderators -------------------------------------------------------------------------------------------


async def test_setup_by_an_admin_and_refused_for_a_member(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        refused = await bot.command(SETUP, user=MEMBER)
        assert "Only moderators can use" in bot.said(refused)
        assert refused.response_url and bot.replies(refused)[0]["response_type"] == "ephemeral"
        assert await _count(bot, "schedules") == 0
        saved = bot.said(await bot.command(SETUP, user=ADMIN))
        assert "Weekly reflection prompts saved" in saved and "Mondays at 18:00 Europe/Berlin in <#CREFLECT01>" in saved
        assert [c.args["user"] for c in fake.calls_to("users.info")] == [MEMBER, ADMIN]
        named = bot.said(await bot.command("setup moderators users:<@UMEMBER01|member>", user=ADMIN))
        assert "<@UMEMBER01>" in named  # a private answer may show the mention
        shown = bot.said(await bot.command("setup show", user=MEMBER))
        assert "Secure Base configuration" in shown and "<@UMEMBER01>" in shown


async def test_a_channel_the_bot_is_not_in_is_named_with_the_fix(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        locked = bot.said(
            await bot.command(SETUP.replace("<#CREFLECT01|reflections>", "<#CLOCKED001|locked>"), user=ADMIN)
        )
        assert locked == (
            "I can't post in #locked: I'm not a member yet. Invite @Secure Base there "
            "(type /invite @Secure Base in #locked), then run this again."
        )
        unknown = bot.said(await bot.command(SETUP.replace("<#CREFLECT01|reflections>", "<#CPRIVATE99>"), user=ADMIN))
        assert unknown.startswith("I can't see <#CPRIVATE99>. If it is a private channel, invite me first")
        assert await _count(bot, "schedules") == 0


# --- posting ---------------------------------------------------------------------------------------------------


async def test_post_now_posts_with_chat_post_message_and_a_thread(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        answer = bot.said(await bot.command("setup post-now what:prompt", user=ADMIN))
        assert "in <#CREFLECT01> and opened a thread for replies" in answer
        (post,) = fake.posts("CREFLECT01")
        assert post["metadata"] == {"event_type": "securebase_post", "event_payload": {"marker": "securebase:post:1"}}
        assert post["blocks"][0]["block_id"] == "securebase:post:1"
        assert "This week's reflection" in text_in(post["blocks"])
        values = [e["value"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert values[1] == "reflect:share:1" and values[0].startswith("reflect:write:")
        (intro,) = fake.thread("CREFLECT01", post["ts"])
        assert intro["text"] == THREAD_INTRO
        stored = await bot.app.db.fetchone("SELECT message_id, thread_id FROM posts WHERE id = 1")
        assert stored is not None and tuple(stored) == (post["ts"], post["ts"])
        found = await bot.adapter.find_post(ChannelRef("slack", "T0TEAM", "CREFLECT01"), "securebase:post:1")
        assert found is not None and found.message_id == post["ts"] and found.thread_id == post["ts"]
        assert await bot.adapter.find_post(ChannelRef("slack", "T0TEAM", "CREFLECT01"), "securebase:post:9") is None


async def test_a_429_on_chat_post_message_is_retried_to_exactly_one_post(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        fake.fail("chat.postMessage", status=429, error="ratelimited", retry_after="0")
        answer = bot.said(await bot.command("setup post-now what:prompt", user=ADMIN))
        assert "opened a thread" in answer
        assert len(fake.posts("CREFLECT01")) == 1
        parent_attempts = [c for c in fake.calls_to("chat.postMessage") if not c.args.get("thread_ts")]
        assert len(parent_attempts) == 2  # the 429, then the one that landed
        assert await _count(bot, "posts") == 1


async def test_a_lasting_failure_is_reported_with_the_fix(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        fake.channels["CREFLECT01"]["is_member"] = False  # someone removed the bot
        answer = bot.said(await bot.command("setup post-now what:prompt", user=ADMIN))
        assert answer == (
            "I couldn't post in <#CREFLECT01>: I'm not in that channel: invite @Secure Base to it "
            "(type /invite @Secure Base there)"
        )
        assert fake.posts("CREFLECT01") == []
        assert len(fake.calls_to("chat.postMessage")) == 1  # lasting: not retried


async def test_mentions_in_member_and_moderator_text_ping_nobody(tmp_path: Path, fake: FakeSlack) -> None:
    loud = "<!channel> <!here> <!everyone> <!subteam^S0MODS|@mods> <@UADMIN001> @here & friends: what helped?"
    async with running_bot(tmp_path, fake) as bot:
        await bot.command(SETUP, user=ADMIN)
        # a moderator's custom prompt
        await bot.command("setup prompt-add", user=ADMIN)
        await bot.submit(bot.last_modal(), {"text": loud}, user=ADMIN)
        community = await bot.app.services.repo.community("slack", "T0TEAM", bot.app.services.clock.now())
        for prompt_id in list(bot.app.services.catalog.prompts):  # leave only the custom prompt in rotation
            await bot.app.services.community.toggle_content(community, prompt_id, "disable", ADMIN)
        await bot.command("setup post-now what:prompt", user=ADMIN)
        (post,) = fake.posts("CREFLECT01")
        # a member's anonymous share in its thread
        reflect = await bot.command("reflect")
        await bot.press(bot.button(reflect, "Share anonymously"))
        await bot.submit(bot.last_modal(), {"text": loud})
        share = fake.thread("CREFLECT01", post["ts"])[-1]
        for message in (post, share):
            shown = text_in(message["blocks"]) + "\n" + message["text"]
            for ping in ("<!channel>", "<!here>", "<!everyone>", "<!subteam^", "<@UADMIN001>"):
                assert ping not in shown
            assert "&lt;!channel&gt;" in shown and f"@{ZWSP}here" in shown and "&amp; friends" in shown
        assert MEMBER not in json.dumps(share)
