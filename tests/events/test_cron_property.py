"""The cron search agrees with a minute-by-minute scan (hypothesis picks the fields)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.events.schedule_expressions import next_fire, parse_cron

MINUTES = st.sampled_from(["*", "0", "15", "0/20", "5-10", "1,31,59"])
HOURS = st.sampled_from(["*", "0", "9-17", "*/6", "23", "22-2"])
DOM_DOW = st.sampled_from([("*", "?"), ("1", "?"), ("L", "?"), ("15W", "?"), ("LW", "?"),
                           ("1-7", "?"), ("?", "MON-FRI"), ("?", "1"), ("?", "6L"),
                           ("?", "2#2"), ("?", "SAT,SUN")])
MONTHS = st.sampled_from(["*", "1", "FEB", "6-8", "*/3"])
STARTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31))


def scan(cron, start: datetime, limit_days: int) -> datetime | None:
    """Walk minute by minute, skipping whole days whose date does not match."""
    moment = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = start + timedelta(days=limit_days)
    while moment <= end:
        if not cron.day_matches(moment.date()):
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if moment.minute in cron.minutes and moment.hour in cron.hours:
            return moment
        moment += timedelta(minutes=1)
    return None


@settings(max_examples=40, deadline=None)
@given(MINUTES, HOURS, DOM_DOW, MONTHS, STARTS)
def test_next_fire_matches_a_scan(minute, hour, dom_dow, month, start):
    dom, dow = dom_dow
    cron = parse_cron(f"cron({minute} {hour} {dom} {month} {dow} *)")
    start = start.replace(tzinfo=UTC)
    expected = scan(cron, start, 120)
    found = next_fire(cron, start.timestamp())
    if expected is not None:
        assert found == expected.timestamp()
    else:
        assert found is None or found > (start + timedelta(days=120)).timestamp()
