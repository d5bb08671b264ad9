"""Trading days: weekdays that are not NYSE holidays.

The holidays are New Year's Day, Martin Luther King Jr. Day (3rd Monday of January),
Washington's Birthday (3rd Monday of February), Good Friday, Memorial Day (last Monday of
May), Juneteenth (from 2022), Independence Day, Labor Day (1st Monday of September),
Thanksgiving (4th Thursday of November) and Christmas; a fixed-date holiday on a Saturday is
observed the Friday before, on a Sunday the Monday after (New Year's Day on a Saturday is not
moved back into December, as on the NYSE). One calendar serves every exchange - a
simplification the synthetic provider can afford.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _observed(day: date) -> date | None:
    if day.weekday() == 5:
        friday = day - timedelta(days=1)
        return None if friday.year != day.year else friday
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def holidays(year: int) -> frozenset[date]:
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 12, 25)]
    if year >= 2022:
        fixed.append(date(year, 6, 19))
    days = {observed for observed in map(_observed, fixed) if observed is not None}
    days.update({
        _nth_weekday(year, 1, 0, 3), _nth_weekday(year, 2, 0, 3),
        _easter(year) - timedelta(days=2), _last_weekday(year, 5, 0),
        _nth_weekday(year, 9, 0, 1), _nth_weekday(year, 11, 3, 4),
    })
    return frozenset(days)


def is_trading_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def trading_days(start: date, end: date) -> Iterator[date]:
    day = start
    one = timedelta(days=1)
    while day <= end:
        if is_trading_day(day):
            yield day
        day += one


def last_trading_day(on_or_before: date) -> date:
    day = on_or_before
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day
