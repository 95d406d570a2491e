"""``securebase run`` with Discord credentials, as a real process against FakeDiscord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from adapters.discord.testing import FakeDiscord
from bot.testing import free_port


async def test_run_connects_syncs_and_serves(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        port = free_port()
        env = {
            **os.environ,
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "SECUREBASE_DB": str(tmp_path / "run.db"),
            "SECUREBASE_HTTP_HOST": "127.0.0.1",
            "SECUREBASE_HTTP_PORT": str(port),
            "SECUREBASE_LOG_FORMAT": "json",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await asyncio.wait_for(fake.synced.wait(), 30)
            await fake.wait_identified()
            record = await fake.slash("lesson", {"topic": "pursuer-withdrawer"}, member=fake.member("3" * 18))
            assert "pursuer–withdrawer" in record.texts()
            async with aiohttp.ClientSession() as session:
                for _ in range(50):
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                            status, body = response.status, await response.json()
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
            assert status == 200, body
            assert body["parts"] == {"database": True, "scheduler": True, "discord": True}
        finally:
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            _, stderr = await asyncio.wait_for(process.communicate(), 15)
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert time.monotonic() - started < 10


def test_discord_invite_has_exactly_the_needed_scopes_and_permissions() -> None:
    import subprocess

    from adapters.discord.invite import BOT_PERMISSIONS

    env = {**os.environ, "DISCORD_TOKEN": FakeDiscord().token}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "discord-invite"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "https://discord.com/oauth2/authorize?client_id=1000000000000000001"
        f"&scope=bot+applications.commands&permissions={BOT_PERMISSIONS.value}"
    )
    assert not BOT_PERMISSIONS.administrator and not BOT_PERMISSIONS.manage_guild
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "discord-invite"],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"},
    )
    assert missing.returncode == 2 and "--client-id" in missing.stderr
