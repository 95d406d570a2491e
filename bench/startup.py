"""Start-to-ready and memory, in a fresh process: ``python -m bench.startup DB``.

Prints one JSON line: seconds from interpreter start to ready (imports included) and from
``build_app`` to ready, the number of schedules armed in APScheduler, and the resident set
size (now and peak) with every community scheduled.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

PROCESS_START = time.perf_counter()


def _rss_mb() -> tuple[float, float]:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


async def main(db: str) -> dict[str, float]:
    from bench.seed import SEED_NOW
    from bot.app import build_app
    from bot.clock import SimulatedClock
    from bot.logs import configure_logging
    from bot.settings import Settings
    from bot.testing import RecordingPlatform

    configure_logging("WARNING", "json")
    imported = time.perf_counter()
    platform = RecordingPlatform(name="discord")
    settings = Settings(SECUREBASE_DB=db)  # type: ignore[call-arg]
    # Between the seeded week's posts and the next ones: nothing is owed, as on an ordinary restart.
    clock = SimulatedClock(SEED_NOW - timedelta(minutes=30))
    app = await build_app(settings, {"discord": platform}, clock=clock, real_time=True)
    await app.start()
    ready = time.perf_counter()
    jobs = len(app.scheduler.jobs())
    rss, peak = _rss_mb()
    await app.close()
    return {
        "process_to_ready_seconds": round(ready - PROCESS_START, 3),
        "build_to_ready_seconds": round(ready - imported, 3),
        "schedules_armed": jobs,
        "rss_mb": round(rss, 1),
        "peak_rss_mb": round(peak, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
