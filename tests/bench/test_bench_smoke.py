"""A small run of the benchmark (100 communities), so it cannot rot between full runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_benchmark_smoke_run_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "smoke.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--communities",
            "100",
            "--members",
            "1000",
            "--samples",
            "100",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert {"lesson_cold", "lesson", "quiz_answer", "progress", "bare_point_query"} <= set(figures["commands"])
    for name in ("discord", "slack"):
        fan = figures["fanout"][name]
        assert fan["duplicates"] == 0 and fan["missing"] == 0 and fan["posted_channels"] == 100
    assert figures["startup"]["schedules_armed"] == 200
    assert len(figures["targets"]) == 8
    assert "Secure Base benchmark" in result.stdout
