from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.schedule_times import next_occurrences, occurrences_between

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK, SYDNEY])
def test_wall_clock_holds_all_year(zone: ZoneInfo) -> None:
    times = next_occurrences(0, time(9, 0), zone, datetime(2026, 1, 1, tzinfo=UTC), 53)
    assert all(t.astimezone(zone).hour == 9 and t.astimezone(zone).weekday() == 0 for t in times)
    assert len({t.utcoffset() for t in times}) == 1  # UTC instants, local hour steady


def test_spring_forward_gap_posts_once_shifted() -> None:
    # Europe/Berlin springs forward on Sunday 29 March 2026 at 02:00 → 03:00.
    times = occurrences_between(
        6, time(2, 30), BERLIN, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)
    )
    assert [t.astimezone(BERLIN).strftime("%H:%M") for t in times] == ["03:30"]


def test_fall_back_overlap_posts_once() -> None:
    # America/New_York falls back on Sunday 1 November 2026 at 02:00 → 01:00.
    times = occurrences_between(
        6, time(1, 30), NEW_YORK, datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    )
    assert len(times) == 1
    assert times[0].astimezone(NEW_YORK).utcoffset().total_seconds() == -4 * 3600  # type: ignore[union-attr]


def test_southern_hemisphere_transitions() -> None:
    # Sydney: back on 5 April 2026 (03:00 → 02:00), forward on 4 October 2026 (02:00 → 03:00).
    back = occurrences_between(
        6, time(2, 30), SYDNEY, datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC)
    )
    forward = occurrences_between(
        6, time(2, 30), SYDNEY, datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 5, tzinfo=UTC)
    )
    assert len(back) == 1
    assert [t.astimezone(SYDNEY).strftime("%H:%M") for t in forward] == ["03:30"]
