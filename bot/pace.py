"""Keep outgoing requests under a platform's rate limit instead of bumping into it.

A platform answers a burst beyond its limit with 429s; every 429 costs a wasted request
and a wait. Spacing requests at just under the limit gets the most through with almost
none refused. Platform-neutral: adapters wrap their REST calls with it.
"""

from __future__ import annotations

import asyncio

__all__ = ["BURST_SHARE", "Pace"]

BURST_SHARE = 0.03
"""Burst as a share of the rate: 3 % (15 calls at 500/s) absorbs the event loop's jitter."""


class Pace:
    """``rate`` calls per second on average, at most ``burst`` back to back (GCRA).

    Each caller reserves its slot at once, before any await, then sleeps until it; so a
    waiter woken late by a busy event loop delays nobody else (a lock handed from waiter to
    waiter would cost one loop iteration per call and cap the rate far below the limit).
    Keep ``rate + burst`` under the platform's limit per second. ``None`` or ``0``: no pacing.
    """

    def __init__(self, rate: float | None, *, burst: float = 1.0) -> None:
        self.rate = rate or 0.0
        self._interval = 1.0 / self.rate if self.rate else 0.0
        self._tolerance = (max(1.0, burst) - 1.0) * self._interval
        self._next: float | None = None
        """The theoretical arrival time of the next call."""

    async def wait(self) -> None:
        if not self._interval:
            return
        now = asyncio.get_running_loop().time()
        due = now if self._next is None else max(self._next, now)
        self._next = due + self._interval
        delay = due - self._tolerance - now
        if delay > 0:
            await asyncio.sleep(delay)
