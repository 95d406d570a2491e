"""structlog set-up: readable on a terminal, JSON elsewhere, and never member text.

Log calls pass ids and names only (command, button family, error id). This module just
decides the rendering and routes the standard library's loggers (discord.py, slack-bolt)
through the same output.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

__all__ = ["configure_logging"]


def configure_logging(level: str = "INFO", fmt: Literal["json", "console"] | None = None) -> None:
    fmt = fmt or ("console" if sys.stderr.isatty() else "json")
    renderer: structlog.types.Processor = (
        # plain tracebacks: "rich" or "better_exceptions", if ever installed, would print local
        # variables, and a local variable may hold what a member wrote.
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback)
        if fmt == "console"
        else structlog.processors.JSONRenderer()
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[*shared, structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer]
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
