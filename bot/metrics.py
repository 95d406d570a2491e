"""Prometheus metrics: what happened, how fast, never who or what they wrote.

Labels are bounded sets the code controls (command names from the registry, platform
names, outcomes), so nothing a member typed can become a label.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "securebase_commands",
            "Commands, button presses and form submits handled",
            ["command", "platform", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "securebase_command_seconds",
            "Time the core took to produce a reply",
            ["platform"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.posts = Counter(
            "securebase_posts", "Posts to channels by outcome", ["kind", "outcome"], registry=self.registry
        )
        self.retries = Counter(
            "securebase_post_retries", "Post attempts retried after a passing failure", registry=self.registry
        )
        self.schedule_lag = Histogram(
            "securebase_schedule_lag_seconds",
            "How long after its occurrence a scheduled post went out",
            buckets=(1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600),
            registry=self.registry,
        )
        self.crisis_responses = Counter(
            "securebase_crisis_responses",
            "Private support messages sent after crisis language (a count only)",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
