"""rate/cron/at parsing and next fire times (AWS's cron dialect: ?, L, W, #, names)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from fogbank.services.events.schedule_expressions import (
    AtSchedule,
    RateSchedule,
    ScheduleExpressionError,
    next_fire,
    parse_schedule,
)


def ts(*parts: int, zone=UTC) -> float:
    return datetime(*parts, tzinfo=zone).timestamp()


def after(expression: str, *start: int, zone=UTC) -> datetime:
    fire = next_fire(parse_schedule(expression, allow_at=True), ts(*start, zone=UTC), zone=zone)
    assert fire is not None
    return datetime.fromtimestamp(fire, tz=UTC)


@pytest.mark.parametrize(("text", "seconds"), [
    ("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(1 hour)", 3600),
    ("rate(12 hours)", 43200), ("rate(1 day)", 86400), ("rate(7 days)", 604800)])
def test_rates(text, seconds):
    assert parse_schedule(text) == RateSchedule(seconds)


@pytest.mark.parametrize("text", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-1 minutes)",
    "rate(1 week)", "rate(minutes)", "cron(* * * * *)", "cron(0 12 * * * *)",
    "cron(0 12 ? * ? *)", "cron(60 * * * ? *)", "cron(0 24 * * ? *)", "cron(0 0 32 * ? *)",
    "cron(0 0 ? * 8 *)", "cron(0 0 * 13 ? *)", "cron(0 0 * * ? 2200)", "cron(*/0 * * * ? *)",
    "at(2026-01-01T10:00:00)", "every minute"])
def test_invalid_expressions(text):
    with pytest.raises(ScheduleExpressionError):
        parse_schedule(text)


def test_at_only_when_allowed():
    assert parse_schedule("at(2026-02-03T04:05:06)", allow_at=True) == AtSchedule(
        datetime(2026, 2, 3, 4, 5, 6))
    with pytest.raises(ScheduleExpressionError):
        parse_schedule("at(2026-02-30T04:05:06)", allow_at=True)


@pytest.mark.parametrize(("expression", "start", "expected"), [
    ("cron(0 10 * * ? *)", (2026, 3, 1, 9, 0), (2026, 3, 1, 10, 0)),
    ("cron(0 10 * * ? *)", (2026, 3, 1, 10, 0), (2026, 3, 2, 10, 0)),
    ("cron(15 12 * * ? *)", (2026, 3, 1, 12, 15), (2026, 3, 2, 12, 15)),
    ("cron(0/15 * * * ? *)", (2026, 3, 1, 9, 1), (2026, 3, 1, 9, 15)),
    ("cron(0 18 ? * MON-FRI *)", (2026, 3, 6, 19, 0), (2026, 3, 9, 18, 0)),  # Fri → Mon
    ("cron(0 8 1 * ? *)", (2026, 3, 2, 0, 0), (2026, 4, 1, 8, 0)),
    ("cron(0/10 * ? * MON-FRI *)", (2026, 3, 7, 0, 0), (2026, 3, 9, 0, 0)),
    ("cron(0/5 8-17 ? * MON-FRI *)", (2026, 3, 9, 17, 56), (2026, 3, 10, 8, 0)),
    ("cron(0 9 ? * 2#1 *)", (2026, 3, 1, 0, 0), (2026, 3, 2, 9, 0)),  # first Monday
    ("cron(0 9 ? * 6L *)", (2026, 3, 1, 0, 0), (2026, 3, 27, 9, 0)),  # last Friday
    ("cron(0 0 L * ? *)", (2026, 2, 1, 0, 0), (2026, 2, 28, 0, 0)),
    ("cron(0 0 L * ? *)", (2028, 2, 1, 0, 0), (2028, 2, 29, 0, 0)),
    ("cron(0 0 LW * ? *)", (2026, 5, 1, 0, 0), (2026, 5, 29, 0, 0)),  # 31st is a Sunday
    ("cron(0 0 15W * ? *)", (2026, 3, 1, 0, 0), (2026, 3, 16, 0, 0)),  # 15th is a Sunday
    ("cron(0 0 1W * ? *)", (2026, 8, 1, 0, 0), (2026, 8, 3, 0, 0)),  # 1st is a Saturday
    ("cron(0 12 ? * L *)", (2026, 3, 1, 0, 0), (2026, 3, 7, 12, 0)),  # L = Saturday
    ("cron(0 0 1 JAN,JUL ? *)", (2026, 2, 1, 0, 0), (2026, 7, 1, 0, 0)),
    ("cron(30 1 ? * SUN 2027)", (2026, 3, 1, 0, 0), (2027, 1, 3, 1, 30)),
    ("cron(0 22-2 * * ? *)", (2026, 3, 1, 3, 0), (2026, 3, 1, 22, 0)),  # wrapping range
])
def test_cron_next_fire_utc(expression, start, expected):
    assert after(expression, *start) == datetime(*expected, tzinfo=UTC)


def test_cron_years_run_out():
    assert next_fire(parse_schedule("cron(0 0 1 1 ? 2020)"), ts(2026, 1, 1)) is None


def test_cron_in_a_time_zone_follows_daylight_saving():
    zone = ZoneInfo("America/New_York")
    # 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer.
    assert after("cron(0 9 * * ? *)", 2026, 3, 6, 0, 0, zone=zone) == datetime(
        2026, 3, 6, 14, 0, tzinfo=UTC)
    assert after("cron(0 9 * * ? *)", 2026, 3, 9, 0, 0, zone=zone) == datetime(
        2026, 3, 9, 13, 0, tzinfo=UTC)


def test_rate_counts_from_the_anchor():
    rate = parse_schedule("rate(5 minutes)")
    assert next_fire(rate, 1000.0, anchor_s=1000.0) == 1300.0
    assert next_fire(rate, 1300.0, anchor_s=1000.0) == 1600.0
    assert next_fire(rate, 1299.0, anchor_s=1000.0) == 1300.0
    assert next_fire(rate, 999.0, anchor_s=1000.0) == 1000.0  # the anchor is an occurrence


def test_daylight_saving_gap_is_skipped_and_repeated_hour_runs_once():
    zone = ZoneInfo("America/New_York")
    # 2026-03-08: 02:00-03:00 does not exist in New York; 02:30 is skipped that day.
    assert after("cron(30 2 * * ? *)", 2026, 3, 8, 0, 0, zone=zone) == datetime(
        2026, 3, 9, 6, 30, tzinfo=UTC)
    # 2026-11-01: 01:30 happens twice; it runs at the first (05:30 UTC), then the next day.
    first = after("cron(30 1 * * ? *)", 2026, 11, 1, 0, 0, zone=zone)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    again = next_fire(parse_schedule("cron(30 1 * * ? *)"), first.timestamp(), zone=zone)
    assert again == ts(2026, 11, 2, 6, 30)


def test_at_fires_once_in_its_zone():
    at = parse_schedule("at(2026-06-01T12:00:00)", allow_at=True)
    zone = ZoneInfo("Europe/Paris")
    fire = next_fire(at, ts(2026, 1, 1), zone=zone)
    assert fire == ts(2026, 6, 1, 10, 0)
    assert next_fire(at, fire, zone=zone) is None
