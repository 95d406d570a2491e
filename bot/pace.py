"""Keep outgoing requests under a platform's rate limit instead of bumping into it.

A platform answers a burst beyond its limit with 429s; every 429 costs a wasted request
and a wait. Spacing requests evenly at just under the limit gets the most through with
almost none refused. Platform-neutral: adapters wrap their REST calls with it.
"""

from __future__ import annotations

import asyncio

__all__ = ["Pace"]


class Pace:
    """At most ``rate`` calls per second, evenly spaced (a token bucket holding one token).

    ``None`` or ``0`` turns pacing off. Callers queue in arrival order.
    """

    def __init__(self, rate: float | None) -> None:
        self.rate = rate or 0.0
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if self._next > now:
                await asyncio.sleep(self._next - now)
                now = self._next
            self._next = now + self._interval
