"""``securebase run`` as a real process: Slack over HTTP on the bot's port, /healthz, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_driver import SECRET, TOKEN, sign

from adapters.discord.testing import FakeDiscord
from adapters.slack.testing import TEAM, FakeSlack
from bot.testing import free_port


def _slash_body(fake: FakeSlack, text: str, key: str) -> str:
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": "CGENERAL01",
            "user_id": "UMEMBER01",
            "user_name": "member",
            "command": "/securebase",
            "text": text,
            "response_url": fake.response_url(key),
            "trigger_id": f"trigger-{key}",
        }
    )


async def _answer(fake: FakeSlack, key: str) -> dict[str, object]:
    for _ in range(200):
        if fake.replies(key):
            break
        await asyncio.sleep(0.05)
    (answer,) = fake.replies(key)
    return answer


def _slack_env(fake: FakeSlack, port: int, db: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "SLACK_APP_TOKEN")},
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "SECUREBASE_HTTP_HOST": "127.0.0.1",
        "SECUREBASE_HTTP_PORT": str(port),
        "SECUREBASE_DB": str(db),
        "SECUREBASE_LOG_FORMAT": "json",
    }


async def _wait_healthy(session: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.returncode is None, "securebase run exited early"
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("/healthz never answered 200")


async def test_securebase_run_serves_signed_slack_requests_and_stops_on_sigterm(
    tmp_path: Path, fake: FakeSlack
) -> None:
    port = free_port()
    env = _slack_env(fake, port, tmp_path / "run.db")
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_healthy(session, f"http://127.0.0.1:{port}/healthz", process)
            body = _slash_body(fake, "help", "run")
            url = f"http://127.0.0.1:{port}/slack/events"
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            started = time.perf_counter()
            async with session.post(url, data=body, headers={**form, **sign(body)}) as response:
                assert response.status == 200
            assert time.perf_counter() - started < 1.0
            async with session.post(url, data=body, headers={**form, **sign(body, secret="wrong")}) as response:
                assert response.status == 401
            answer = await _answer(fake, "run")
            assert "/securebase lesson" in str(answer["blocks"])
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=15)
        assert code == 0, log_path.read_text(errors="replace")
        logged = log_path.read_text(errors="replace")
        assert "slack_started" in logged and "Traceback" not in logged
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_discord_and_slack_run_in_one_process_with_one_database(tmp_path: Path, fake: FakeSlack) -> None:
    async with FakeDiscord() as discord:
        port = free_port()
        db = tmp_path / "both.db"
        env = {**_slack_env(fake, port, db), "DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.api_base}
        log_path = tmp_path / "both.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=env,
                cwd=tmp_path,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            async with aiohttp.ClientSession() as session:
                await _wait_healthy(session, f"http://127.0.0.1:{port}/healthz", process)
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    parts = (await response.json())["parts"]
                assert parts == {"database": True, "scheduler": True, "discord": True, "slack": True}
                await discord.wait_identified()
                record = await discord.slash("lesson", {"topic": "pursuer-withdrawer"}, member=discord.member("3" * 18))
                assert "pursuer–withdrawer" in record.texts()
                body = _slash_body(fake, "lesson pursuer-withdrawer", "both")
                url = f"http://127.0.0.1:{port}/slack/events"
                headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
                async with session.post(url, data=body, headers=headers) as response:
                    assert response.status == 200
                assert "pursuer–withdrawer" in str((await _answer(fake, "both"))["blocks"])
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), timeout=15)
            assert code == 0, log_path.read_text(errors="replace")
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    ready = [line for line in log_path.read_text(errors="replace").splitlines() if '"ready"' in line]
    assert len(ready) == 1 and '"discord"' in ready[0] and '"slack"' in ready[0]  # one process, one scheduler
    with sqlite3.connect(db) as database:
        platforms = {row[0] for row in database.execute("SELECT platform FROM communities")}
    assert platforms == {"discord", "slack"}
