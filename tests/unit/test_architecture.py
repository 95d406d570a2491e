"""The shape rules of ARCHITECTURE.md, enforced."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.commands import COMMANDS
from bot.dispatcher import HANDLER_MODULES
from bot.handlers.registry import COMMAND_HANDLERS

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = {"discord", "slack_bolt", "slack_sdk"}


def test_core_imports_no_platform_library() -> None:
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] in PLATFORM_LIBRARIES
            ]
    assert not offenders, "\n".join(offenders)


def test_every_declared_command_has_a_handler_and_no_handler_is_undeclared() -> None:
    assert HANDLER_MODULES
    declared = {spec.name for spec in COMMANDS}
    assert declared == COMMAND_HANDLERS.keys()


def test_command_surface_matches_the_product_contract() -> None:
    members = {"lesson", "quiz", "reflect", "journal", "progress", "faq", "resources", "mydata", "help"}
    setup = {
        "prompts",
        "lessons",
        "safety",
        "moderators",
        "content",
        "prompt-add",
        "lesson-add",
        "pause",
        "resume",
        "post-now",
        "show",
        "stats",
    }
    assert {spec.name for spec in COMMANDS if not spec.moderator} == members
    assert {spec.leaf for spec in COMMANDS if spec.moderator} == setup
    assert all(spec.group == "setup" for spec in COMMANDS if spec.moderator)
    for spec in COMMANDS:
        assert len(spec.description) <= 100, spec.name
        assert len(spec.options) <= 25, spec.name
