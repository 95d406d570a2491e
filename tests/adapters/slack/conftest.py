from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack.testing import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A fresh fake Slack Web API on 127.0.0.1 with one channel the bot is in and one it is not."""
    slack = FakeSlack()
    await slack.start()
    slack.add_channel("CGENERAL01", "general")
    slack.add_channel("CREFLECT01", "reflections")
    slack.add_channel("CLOCKED001", "locked", member=False)
    slack.users["UADMIN001"] = {"is_admin": True}
    try:
        yield slack
    finally:
        await slack.close()
