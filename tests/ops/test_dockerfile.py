"""The Dockerfile, checked by reading it, and its install steps run for real in a fresh venv.

No Docker engine runs here, so the image is never built in tests; instead the build
stage's COPY and RUN steps are replayed in a temporary folder, which catches a missing
file in the wheel (content, migrations) or an install step that drifted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = re.compile(r"TOKEN|SECRET|PASSWORD|DATA_KEY|API_KEY", re.IGNORECASE)


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return parser


def instructions(parser: DockerfileParser, stage: int | None = None) -> list[dict[str, str]]:
    """All instructions, or those of one stage (0 = the first FROM)."""
    result: list[dict[str, str]] = []
    current = -1
    for item in parser.structure:
        if item["instruction"] == "FROM":
            current += 1
        if stage is None or current == stage:
            result.append(item)
    return result


def test_runtime_runs_as_a_non_root_user_with_a_data_volume_and_a_healthcheck(dockerfile: DockerfileParser) -> None:
    runtime = instructions(dockerfile, stage=1)
    users = [item["value"] for item in runtime if item["instruction"] == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    volumes = " ".join(item["value"] for item in runtime if item["instruction"] == "VOLUME")
    assert "/data" in volumes
    healthchecks = [item["value"] for item in runtime if item["instruction"] == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/healthz" in healthchecks[0]
    cmd = [item["value"] for item in runtime if item["instruction"] == "CMD"]
    assert cmd == ['["securebase", "run"]']
    base = [item["value"] for item in instructions(dockerfile) if item["instruction"] == "FROM"]
    assert all(image.startswith("python:3.11-slim") for image in base)


def test_no_secret_is_baked_in(dockerfile: DockerfileParser) -> None:
    problems = []
    for item in instructions(dockerfile):
        if item["instruction"] in ("ENV", "ARG"):
            problems += [word for word in re.split(r"[\s=]+", item["value"]) if SECRET_WORDS.search(word)]
    assert not problems, problems
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for must in (".env", ".venv", "data", "*.db", "securebase.key"):
        assert must in ignored, must


def test_compose_example_keeps_secrets_out() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "env_file: .env" in compose and "/data" in compose
    assert not re.search(
        r"^\s*(DISCORD_TOKEN|SLACK_BOT_TOKEN|SLACK_SIGNING_SECRET|SECUREBASE_DATA_KEY)\s*:", compose, re.M
    )


def test_the_build_stage_install_steps_work_in_a_fresh_venv(dockerfile: DockerfileParser, tmp_path: Path) -> None:
    """Replay the build stage: COPY into a scratch folder, RUN with the venv path moved there."""
    build = instructions(dockerfile, stage=0)
    workdir = tmp_path / "src"
    workdir.mkdir()
    venv = tmp_path / "venv"
    for item in build:
        if item["instruction"] == "COPY":
            *sources, target = item["value"].split()
            for source in sources:
                origin = ROOT / source
                destination = workdir / (origin.name if target.endswith("/") or target == "./" else target)
                if origin.is_dir():
                    shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(origin, destination)
        elif item["instruction"] == "RUN":
            command = (
                item["value"]
                .replace("/opt/securebase", str(venv))
                .replace("python -m venv", f"{sys.executable} -m venv")
            )
            subprocess.run(["bash", "-ec", command], cwd=workdir, check=True, capture_output=True, timeout=900)
    installed = venv / "bin" / "securebase"
    env = {**os.environ, "SECUREBASE_DB": str(tmp_path / "check.db")}
    check = subprocess.run(
        [str(installed), "content", "validate"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("Content OK:")
    migrations = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from bot.storage.db import migrations; print(len(migrations()))"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert migrations.returncode == 0 and int(migrations.stdout) >= 1, migrations.stderr
