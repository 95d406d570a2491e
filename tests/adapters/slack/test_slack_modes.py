"""HTTP vs Socket Mode, ``connected``, start-up failures, and the app manifest."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from slack_driver import START, TOKEN, running_bot, slack_settings

from adapters.slack import SlackAdapter
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.testing import TEAM, FakeSlack
from bot.app import build_app
from bot.cli import main
from bot.clock import SimulatedClock
from bot.settings import SettingsError


async def test_http_mode_is_connected_after_auth_test_and_mounted(tmp_path: Path, fake: FakeSlack) -> None:
    async with running_bot(tmp_path, fake) as bot:
        assert bot.adapter.mode == "http" and bot.adapter.connected
        assert [call.method for call in fake.calls] == ["auth.test"]
        assert fake.calls[0].token == TOKEN
        async with bot.session.get(f"http://127.0.0.1:{bot.web.port}/healthz") as response:
            assert response.status == 200
        adapter = bot.adapter
    assert not adapter.connected  # stopped


async def test_socket_mode_is_chosen_with_an_app_token_and_serves_commands(tmp_path: Path, fake: FakeSlack) -> None:
    settings = slack_settings(tmp_path / "socket.db", fake, SLACK_APP_TOKEN="xapp-test-token", SLACK_SIGNING_SECRET="")
    adapter = SlackAdapter(settings)
    assert adapter.mode == "socket"
    app = await build_app(settings, {"slack": adapter}, clock=SimulatedClock(START), real_time=False)
    try:
        await adapter.start(app)  # no web server needed: nothing is mounted
        assert adapter.connected
        (opened,) = fake.calls_to("apps.connections.open")
        assert opened.token == "xapp-test-token"
        await fake.socket_send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": TEAM,
                    "channel_id": "CGENERAL01",
                    "user_id": "UMEMBER01",
                    "user_name": "member",
                    "command": "/securebase",
                    "text": "resources",
                    "response_url": fake.response_url("socket"),
                    "trigger_id": "trigger-socket",
                },
            }
        )
        ack = await asyncio.wait_for(fake.socket_acks.get(), timeout=5)
        assert ack["envelope_id"] == "env-1"
        for _ in range(100):
            await adapter.idle()
            if fake.replies("socket"):
                break
            await asyncio.sleep(0.02)
        (answer,) = fake.replies("socket")
        assert "findahelpline.com" in str(answer["blocks"])
    finally:
        await adapter.stop()
        await app.close()
    assert not adapter.connected


async def test_a_refused_token_stops_start_up_with_one_line(tmp_path: Path, fake: FakeSlack) -> None:
    fake.fail("auth.test", status=200, error="invalid_auth", retry_after=None)
    settings = slack_settings(tmp_path / "x.db", fake)
    adapter = SlackAdapter(settings)
    app = await build_app(settings, {"slack": adapter}, clock=SimulatedClock(START), real_time=False)
    try:
        with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\)"):
            await adapter.start(app)
        assert not adapter.connected
    finally:
        await adapter.stop()
        await app.close()


async def test_slack_unreachable_at_start_is_not_connected_yet(tmp_path: Path, fake: FakeSlack) -> None:
    fake.fail("auth.test", status=503, error="service_unavailable", retry_after=None)
    async with running_bot(tmp_path, fake) as bot:
        assert not bot.adapter.connected
        async with bot.session.get(f"http://127.0.0.1:{bot.web.port}/healthz") as response:
            assert response.status == 503
        for _ in range(60):  # the background check retries after a second
            if bot.adapter.connected:
                break
            await asyncio.sleep(0.1)
        assert bot.adapter.connected


def test_slack_manifest_creates_a_working_app_in_one_paste() -> None:
    result = CliRunner().invoke(main, ["slack-manifest", "--url", "https://bot.example.org/"])
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.output)
    url = "https://bot.example.org/slack/events"
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/securebase" and command["url"] == url and command["should_escape"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert manifest["settings"]["event_subscriptions"] == {"bot_events": ["app_home_opened"], "request_url": url}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Secure Base"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "im:write", "files:write", "users:read", "channels:read", "channels:history"}
    assert needed <= scopes == {scope for scope, _ in BOT_SCOPES}
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert len(manifest["display_information"]["description"]) <= 140
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000


def test_slack_manifest_options() -> None:
    runner = CliRunner()
    default = yaml.safe_load(runner.invoke(main, ["slack-manifest"]).output)
    assert default["features"]["slash_commands"][0]["url"] == "https://securebase.example.org/slack/events"
    socket = yaml.safe_load(runner.invoke(main, ["slack-manifest", "--socket-mode", "--command", "/calm"]).output)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert socket["features"]["slash_commands"][0]["command"] == "/calm"
    assert "url" not in socket["features"]["slash_commands"][0]
    assert "request_url" not in socket["settings"]["interactivity"]
    bad = runner.invoke(main, ["slack-manifest", "--url", "bot.example.org"])
    assert bad.exit_code == 2 and "--url must be an address" in bad.output
