from __future__ import annotations

import os

# Tests never read a developer's .env or real credentials.
for name in (
    "DISCORD_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SECUREBASE_DATA_KEY",
):
    os.environ.pop(name, None)
