"""Schedule expressions shared by EventBridge rules and EventBridge Scheduler.

``rate(5 minutes)``, ``cron(0 12 ? * MON-FRI *)`` and (Scheduler only)
``at(2026-01-01T10:00:00)``. ``parse_schedule`` returns a plain value object; ``next_fire``
answers "when is the first fire strictly after this instant" in epoch seconds, evaluating
cron fields and ``at`` times in a time zone (EventBridge rules always use UTC).

Cron follows AWS's six-field form ``minutes hours day-of-month month day-of-week year``:
``, - * /`` everywhere; ``?`` in exactly one of day-of-month / day-of-week; ``L`` and ``W``
in day-of-month (``L``, ``LW``, ``15W``); ``L`` and ``#`` in day-of-week (``6L``, ``2#1``);
months ``JAN``-``DEC``, days ``SUN``-``SAT`` (1 = Sunday).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

MONTHS = {name: index for index, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
WEEKDAYS = {name: index for index, name in enumerate(
    ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
RATE_UNITS_S = {"minute": 60, "hour": 3600, "day": 86400}
MIN_YEAR, MAX_YEAR = 1970, 2199

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)\Z")
_CRON = re.compile(r"cron\((.*)\)\Z")
_AT = re.compile(r"at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)\Z")


class ScheduleExpressionError(ValueError):
    """The expression is not valid (callers turn this into their service's error)."""


@dataclass(frozen=True)
class RateSchedule:
    interval_s: int


@dataclass(frozen=True)
class AtSchedule:
    moment: datetime  # naive: wall-clock time in the schedule's time zone


@dataclass(frozen=True)
class DayOfMonthSpec:
    days: frozenset[int]
    last: bool = False  # L
    last_weekday: bool = False  # LW
    nearest_weekday: int | None = None  # 15W


@dataclass(frozen=True)
class DayOfWeekSpec:
    days: frozenset[int]  # 1 = Sunday … 7 = Saturday
    last_of_month: int | None = None  # 6L: the last Friday of the month
    nth: tuple[int, int] | None = None  # 2#1: (weekday 2, first occurrence)


@dataclass(frozen=True)
class CronSchedule:
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: DayOfMonthSpec | None  # None for "?"
    months: frozenset[int]
    day_of_week: DayOfWeekSpec | None  # None for "?"
    years: frozenset[int]

    def day_matches(self, day: date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.day_of_month is not None:
            return _dom_matches(self.day_of_month, day)
        if self.day_of_week is not None:
            return _dow_matches(self.day_of_week, day)
        return False


Schedule = RateSchedule | CronSchedule | AtSchedule


def parse_schedule(expression: str, *, allow_at: bool = False) -> Schedule:
    """Parse ``rate(...)``, ``cron(...)`` and, when ``allow_at``, ``at(...)``."""
    text = expression.strip()
    if text.startswith("rate("):
        return parse_rate(text)
    if text.startswith("cron("):
        return parse_cron(text)
    if allow_at and text.startswith("at("):
        return parse_at(text)
    raise ScheduleExpressionError(f"invalid schedule expression {expression!r}")


def parse_rate(text: str) -> RateSchedule:
    found = _RATE.match(text.strip())
    if not found:
        raise ScheduleExpressionError(f"invalid rate expression {text!r}")
    value, unit = int(found.group(1)), found.group(2)
    plural = unit.endswith("s")
    if value <= 0 or (value == 1) == plural:
        # AWS: 1 takes the singular unit, anything larger the plural.
        raise ScheduleExpressionError(f"invalid rate expression {text!r}")
    return RateSchedule(value * RATE_UNITS_S[unit.rstrip("s")])


def parse_at(text: str) -> AtSchedule:
    found = _AT.match(text.strip())
    if not found:
        raise ScheduleExpressionError(f"invalid at expression {text!r}")
    try:
        year, month, day, hour, minute, second = (int(part) for part in found.groups())
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ScheduleExpressionError(str(exc)) from exc
    return AtSchedule(moment)


def parse_cron(text: str) -> CronSchedule:
    found = _CRON.match(text.strip())
    if not found:
        raise ScheduleExpressionError(f"invalid cron expression {text!r}")
    fields = found.group(1).split()
    if len(fields) != 6:
        raise ScheduleExpressionError("cron needs six fields")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleExpressionError("exactly one of day-of-month and day-of-week must be ?")
    return CronSchedule(
        minutes=_values(minute, 0, 59),
        hours=_values(hour, 0, 23),
        day_of_month=None if dom == "?" else _day_of_month(dom),
        months=_values(month, 1, 12, MONTHS),
        day_of_week=None if dow == "?" else _day_of_week(dow),
        years=_values(year, MIN_YEAR, MAX_YEAR),
    )


def _number(token: str, low: int, high: int, names: dict[str, int] | None) -> int:
    upper = token.upper()
    if names and upper in names:
        return names[upper]
    if not token.isdigit():
        raise ScheduleExpressionError(f"bad cron value {token!r}")
    value = int(token)
    if not low <= value <= high:
        raise ScheduleExpressionError(f"cron value {value} out of range {low}-{high}")
    return value


def _values(field: str, low: int, high: int,
            names: dict[str, int] | None = None) -> frozenset[int]:
    """``*``, ``5``, ``1-5``, ``*/10``, ``5/15``, ``1-30/2`` and lists of them."""
    found: set[int] = set()
    for part in field.split(","):
        if not part:
            raise ScheduleExpressionError(f"empty cron list item in {field!r}")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleExpressionError(f"bad cron step in {field!r}")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, low, high, names), _number(last, low, high, names)
        else:
            start = _number(base, low, high, names)
            end = high if step_text else start
        if end >= start:
            found.update(range(start, end + 1, step))
        else:  # wrapping range such as FRI-MON or 22-2
            span = list(range(start, high + 1)) + list(range(low, end + 1))
            found.update(span[::step])
    return frozenset(found)


def _day_of_month(field: str) -> DayOfMonthSpec:
    upper = field.upper()
    if upper == "L":
        return DayOfMonthSpec(frozenset(), last=True)
    if upper == "LW":
        return DayOfMonthSpec(frozenset(), last_weekday=True)
    if upper.endswith("W"):
        return DayOfMonthSpec(frozenset(), nearest_weekday=_number(upper[:-1], 1, 31, None))
    return DayOfMonthSpec(_values(field, 1, 31))


def _day_of_week(field: str) -> DayOfWeekSpec:
    upper = field.upper()
    if upper == "L":
        return DayOfWeekSpec(frozenset({7}))
    if "#" in upper:
        weekday, _, nth = upper.partition("#")
        return DayOfWeekSpec(frozenset(), nth=(_number(weekday, 1, 7, WEEKDAYS),
                                               _number(nth, 1, 5, None)))
    if upper.endswith("L"):
        return DayOfWeekSpec(frozenset(), last_of_month=_number(upper[:-1], 1, 7, WEEKDAYS))
    return DayOfWeekSpec(_values(field, 1, 7, WEEKDAYS))


def _weekday(day: date) -> int:
    return (day.isoweekday() % 7) + 1  # Sunday 1 … Saturday 7


def _dom_matches(spec: DayOfMonthSpec, day: date) -> bool:
    last_day = calendar.monthrange(day.year, day.month)[1]
    if spec.last:
        return day.day == last_day
    if spec.last_weekday:
        return day.day == _nearest_weekday(day.year, day.month, last_day)
    if spec.nearest_weekday is not None:
        target = min(spec.nearest_weekday, last_day)
        return day.day == _nearest_weekday(day.year, day.month, target)
    return day.day in spec.days


def _nearest_weekday(year: int, month: int, target: int) -> int:
    """The weekday (Mon-Fri) nearest to ``target`` without leaving the month."""
    last_day = calendar.monthrange(year, month)[1]
    weekday = date(year, month, target).weekday()  # Monday 0 … Sunday 6
    if weekday == 5:  # Saturday → Friday, or Monday when the 1st
        return target - 1 if target > 1 else target + 2
    if weekday == 6:  # Sunday → Monday, or Friday when the last day
        return target + 1 if target < last_day else target - 2
    return target


def _dow_matches(spec: DayOfWeekSpec, day: date) -> bool:
    weekday = _weekday(day)
    if spec.nth is not None:
        wanted, nth = spec.nth
        return weekday == wanted and (day.day - 1) // 7 + 1 == nth
    if spec.last_of_month is not None:
        last_day = calendar.monthrange(day.year, day.month)[1]
        return weekday == spec.last_of_month and day.day + 7 > last_day
    return weekday in spec.days


def next_fire(schedule: Schedule, after_s: float, *, zone: tzinfo = UTC,
              anchor_s: float | None = None) -> float | None:
    """The first fire time strictly after ``after_s`` (epoch seconds), or ``None``.

    A rate fires at ``anchor_s`` (the creation or start time) and every interval after it;
    without an anchor it counts from ``after_s``."""
    if isinstance(schedule, RateSchedule):
        anchor = after_s if anchor_s is None else anchor_s
        if after_s < anchor:
            return anchor
        intervals = int((after_s - anchor) // schedule.interval_s) + 1
        return anchor + intervals * schedule.interval_s
    if isinstance(schedule, AtSchedule):
        moment = schedule.moment.replace(tzinfo=zone).timestamp()
        return moment if moment > after_s else None
    return _next_cron(schedule, after_s, zone)


def _next_cron(cron: CronSchedule, after_s: float, zone: tzinfo) -> float | None:
    local = datetime.fromtimestamp(after_s, tz=UTC).astimezone(zone)
    day = local.date()
    minutes, hours = sorted(cron.minutes), sorted(cron.hours)
    last_year = max(cron.years)
    while day.year <= last_year:
        if day.year not in cron.years:
            day = date(day.year + 1, 1, 1)
            continue
        if day.month not in cron.months:
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            continue
        if cron.day_matches(day):
            for hour in hours:
                for minute in minutes:
                    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                    epoch = moment.timestamp()
                    if epoch > after_s and _exists(moment, zone):
                        return epoch
        day += timedelta(days=1)
    return None


def _exists(moment: datetime, zone: tzinfo) -> bool:
    """False for a wall time skipped by a daylight-saving jump (it is not run, as in AWS);
    a repeated wall time maps to its first occurrence, so it runs once."""
    back = moment.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)
