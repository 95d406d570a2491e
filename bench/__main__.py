"""``python -m bench``: every figure of PRODUCT.md §4, measured in one run, as a table and JSON.

python -m bench                  # the full run: 10,000 communities, 100,000 members
python -m bench --communities 100 --members 1000 --samples 200 --out /tmp/smoke.json   # a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.commands import measure_commands
from bench.fanout import measure_fanout
from bench.seed import seed
from bot.catalog import bundled_content_dir, load_catalog
from bot.logs import configure_logging

DEFAULT_OUT = Path(__file__).with_name("results.json")


def _startup(db: Path) -> dict[str, Any]:
    """In a fresh process, so imports and memory are the bot's own."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.startup", str(db)], capture_output=True, text=True, check=True, timeout=300
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _machine() -> dict[str, Any]:
    packages = ("discord.py", "slack-bolt", "slack-sdk", "aiosqlite", "APScheduler", "aiohttp")
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": __import__("os").cpu_count(),
        "versions": {name: metadata.version(name) for name in packages},
    }


def _checks(figures: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, target, measured, met) for every target of PRODUCT.md §4."""
    commands = figures["commands"]
    rows: list[tuple[str, str, str, bool]] = []
    for name in ("lesson_cold", "lesson", "quiz_answer", "progress"):
        item = commands[name]
        ok = item["p99_ms"] <= 5.0 and item["p99_ratio_to_bare"] <= 5.0
        rows.append(
            (
                f"command {name.replace('_cold', ' (first in its community)')}",
                "p99 ≤ 5 ms and ≤ 5× bare query",
                f"p50 {item['p50_ms']:.2f} ms, p99 {item['p99_ms']:.2f} ms, p99 {item['p99_ratio_to_bare']:.1f}× bare",
                ok,
            )
        )
    for name in ("discord", "slack"):
        fan = figures["fanout"][name]
        ok = fan["throughput_share_of_limit"] >= 0.9 and fan["duplicates"] == 0 and fan["share_429"] <= 0.01
        rows.append(
            (
                f"fan-out {fan['communities']:,} channels ({name})",
                "≥ 90 % of limit, 0 duplicates, ≤ 1 % 429s",
                f"{fan['throughput_share_of_limit']:.1%} of {fan['limit_per_second']:.0f}/s, "
                f"{fan['duplicates']} duplicates, {fan['share_429']:.2%} 429s, {fan['missing']} missing",
                ok and fan["missing"] == 0,
            )
        )
    start = figures["startup"]
    rows.append(
        (
            "memory, all communities scheduled",
            "≤ 150 MB RSS",
            f"{start['peak_rss_mb']:.0f} MB peak",
            start["peak_rss_mb"] <= 150,
        )
    )
    rows.append(
        (
            f"start to ready, {start['schedules_armed']:,} schedules",
            "≤ 3 s",
            f"{start['process_to_ready_seconds']:.2f} s (process start to ready)",
            start["process_to_ready_seconds"] <= 3,
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--limit", type=float, default=500.0, help="the fakes' rate limit, requests per second")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    options = parser.parse_args()
    configure_logging("WARNING", "json")
    catalog = load_catalog([bundled_content_dir()])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        seeded = seed(folder / "bench.db", catalog, communities=options.communities, members=options.members)
        figures: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "scale": {"communities": options.communities, "members": options.members, "samples": options.samples},
            "machine": _machine(),
            "commands": asyncio.run(measure_commands(seeded, catalog, samples=options.samples)),
            "startup": _startup(seeded.path),
            "fanout": {
                name: asyncio.run(
                    measure_fanout(folder, catalog, platform=name, communities=options.communities, limit=options.limit)
                )
                for name in ("discord", "slack")
            },
        }
    figures["seconds"] = round(time.perf_counter() - started, 1)
    checks = _checks(figures)
    figures["targets"] = [{"what": w, "target": t, "measured": m, "met": ok} for w, t, m, ok in checks]
    options.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    width = max(len(row[0]) for row in checks)
    print(
        f"Secure Base benchmark: {options.communities:,} communities, {options.members:,} members "
        f"({figures['seconds']} s, {figures['machine']['cpus']} cores)"
    )
    for what, target, measured, ok in checks:
        print(f"  {'✓' if ok else '✗'} {what:<{width}}  {measured}   [target {target}]")
    print(
        f"Bare aiosqlite point query in the same run: p50 {figures['commands']['bare_point_query']['p50_ms']:.3f} ms, "
        f"p99 {figures['commands']['bare_point_query']['p99_ms']:.3f} ms. Figures in {options.out}."
    )


if __name__ == "__main__":
    main()
