"""The readings file: CSV, one row per meter × settlement day × period × revision.

Header (exactly, in this order)::

    mpan,settlement_date,settlement_period,revision,consumption_kwh,energy,...,vat

- ``mpan``: the 13-digit MPAN core with a valid check digit.
- ``settlement_date``: ``YYYY-MM-DD``; ``settlement_period``: 1..46/48/50 for that day.
- ``revision``: 1..6, one per settlement run (SF, R1, R2, R3, RF, DF); a later revision of a
  half-hour supersedes the earlier ones, whatever order the files arrive in.
- the 30 line items (``lineitems.CODES``): decimals with at most 6 decimal places.

``parse_row`` turns the fields of one row into a ``Reading`` or raises ``RowError`` with a
sentence naming the field; a file is rejected as a whole only when its header is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from billing.lineitems import CODES
from billing.settlement import periods_in_day

KEY_COLUMNS = ("mpan", "settlement_date", "settlement_period", "revision")
HEADER: tuple[str, ...] = (*KEY_COLUMNS, *CODES)
MAX_REVISION = 6
_MPAN_WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
_MPAN = re.compile(r"\d{13}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"-?\d{1,12}(?:\.\d{1,6})?")


class RowError(ValueError):
    """A row that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class Reading:
    mpan: str
    day: date
    period: int
    revision: int
    values: tuple[str, ...]  # the 30 line items as validated decimal strings

    def csv_line(self) -> str:
        return ",".join((self.mpan, self.day.isoformat(), str(self.period), str(self.revision),
                         *self.values))


def mpan_check_digit(first_twelve: str) -> int:
    """The MPAN core's check digit: weighted sum of the first 12 digits, mod 11, mod 10."""
    return sum(int(d) * w for d, w in zip(first_twelve, _MPAN_WEIGHTS, strict=True)) % 11 % 10


def valid_mpan(mpan: str) -> bool:
    return bool(_MPAN.fullmatch(mpan)) and mpan_check_digit(mpan[:12]) == int(mpan[12])


def header_problem(fields: list[str]) -> str | None:
    """None when the header is the expected one, else a sentence saying what differs."""
    got = tuple(field.strip() for field in fields)
    if got == HEADER:
        return None
    missing = [c for c in HEADER if c not in got]
    unexpected = [c for c in got if c not in HEADER]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected columns: " + ", ".join(unexpected))
        return "bad header (" + "; ".join(parts) + ")"
    return "bad header: columns are out of order (expected " + ",".join(HEADER) + ")"


def parse_day(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    return date.fromisoformat(text)


def parse_row(fields: list[str]) -> Reading:
    if len(fields) != len(HEADER):
        raise RowError(f"expected {len(HEADER)} fields, got {len(fields)}")
    mpan, day_text, period_text, revision_text = (f.strip() for f in fields[:4])
    if not valid_mpan(mpan):
        raise RowError(f"mpan {mpan!r} is not a 13-digit MPAN core with a valid check digit")
    try:
        day = parse_day(day_text)
    except ValueError:
        raise RowError(f"settlement_date {day_text!r} is not a date (YYYY-MM-DD)") from None
    if not period_text.isdigit():
        raise RowError(f"settlement_period {period_text!r} is not a whole number")
    period, allowed = int(period_text), periods_in_day(day)
    if not 1 <= period <= allowed:
        raise RowError(f"settlement_period {period} is outside 1-{allowed} for {day_text}")
    if not revision_text.isdigit() or not 1 <= int(revision_text) <= MAX_REVISION:
        raise RowError(f"revision {revision_text!r} is not a whole number from 1 to "
                       f"{MAX_REVISION}")
    values = tuple(f.strip() for f in fields[4:])
    for code, value in zip(CODES, values, strict=True):
        if not _DECIMAL.fullmatch(value):
            raise RowError(f"{code} {value!r} is not a decimal number (at most 6 decimal "
                           "places)")
    return Reading(mpan, day, period, int(revision_text), values)
