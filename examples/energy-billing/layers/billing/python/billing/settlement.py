"""Settlement days and periods (GB electricity settlement, local clock time).

A settlement day runs from local midnight to local midnight and has one period per elapsed
half-hour: 48 on most days, 46 on the day the clocks go forward (last Sunday of March) and
50 on the day they go back (last Sunday of October). A meter-year therefore has
365 × 48 = 17,520 periods whichever way the clock changes fall. The rule is computed, not
read from a time-zone database, so it needs nothing beyond the standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

PERIODS_PER_DAY = 48


def last_sunday(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    last_day = first_of_next - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() + 1) % 7)


def periods_in_day(day: date) -> int:
    """46, 48 or 50 half-hours in a settlement day."""
    if day.month == 3 and day == last_sunday(day.year, 3):
        return PERIODS_PER_DAY - 2
    if day.month == 10 and day == last_sunday(day.year, 10):
        return PERIODS_PER_DAY + 2
    return PERIODS_PER_DAY


def days(first: date, last: date) -> Iterator[date]:
    """Every day from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` month."""
    year, number = int(month[:4]), int(month[5:7])
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return first, following - timedelta(days=1)


class Slot(NamedTuple):
    """One half-hour: a settlement day and a period number (1-based)."""

    day: date
    period: int

    def key(self) -> str:
        return f"{self.day.isoformat()}#{self.period:02d}"
