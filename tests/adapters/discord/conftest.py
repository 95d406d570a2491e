"""The real discord.py client against ``FakeDiscord`` on 127.0.0.1, wired to the real core."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord.testing import DiscordBot, FakeDiscord, discord_bot
from bot.clock import SimulatedClock

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[DiscordBot]:
    async with FakeDiscord() as fake, discord_bot(fake, tmp_path / "discord.db", SimulatedClock(START)) as running:
        yield running
