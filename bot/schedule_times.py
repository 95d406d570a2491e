"""Weekly wall-clock occurrences in a community's time zone, across daylight saving.

``09:00 Europe/Berlin`` stays 09:00 local all year. A time in the spring-forward gap
happens once, shifted forward by the gap (02:30 → 03:30); a time in the fall-back
overlap happens once, at its first instance (``fold=0``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["next_occurrences", "occurrences_between"]


def _local_instant(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on ``day`` in ``zone``; nonexistent times resolve forward."""
    naive = datetime.combine(day.date(), at)
    aware = naive.replace(tzinfo=zone, fold=0)
    # A gap time with fold=0 takes the offset before the change, which lands after the gap.
    return aware.astimezone(UTC)


def _weekly(weekday: int, at: time, zone: ZoneInfo, start: datetime) -> Iterator[datetime]:
    local_start = start.astimezone(zone)
    day = local_start - timedelta(days=(local_start.weekday() - weekday) % 7 + 7)
    while True:
        yield _local_instant(day, at, zone)
        day += timedelta(days=7)


def next_occurrences(weekday: int, at: time, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` occurrences strictly after ``after`` (UTC datetimes)."""
    found: list[datetime] = []
    for instant in _weekly(weekday, at, zone, after):
        if instant > after:
            found.append(instant)
            if len(found) == count:
                return found
    raise AssertionError("unreachable")  # pragma: no cover


def occurrences_between(weekday: int, at: time, zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Occurrences in ``(start, end]``, oldest first."""
    found: list[datetime] = []
    for instant in _weekly(weekday, at, zone, start):
        if instant > end:
            return found
        if instant > start:
            found.append(instant)
    raise AssertionError("unreachable")  # pragma: no cover
