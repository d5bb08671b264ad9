"""A meter's bill for any run of half-hours, from the cheapest source that is exact.

Whole months come from ``MONTH#`` aggregates, other whole days from ``DAY#`` aggregates, and
everything else — the partial days at the edges, days still pending aggregation (their
readings changed after the last run), days never aggregated — from the latest revision of
each half-hour. Pending days are found first (one Query of the PENDING markers), so a bill
always reflects the latest revisions. A month's bill is two requests: that Query and one
BatchGetItem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from billing import keys
from billing.lineitems import CODES, DESCRIPTIONS, add_into, total_charges, zeros
from billing.settlement import Slot, days, month_bounds, month_of, periods_in_day
from billing.store import latest_half_hours, query, sum_half_hours, values_of

BATCH_GET_MAX = 100


@dataclass
class Tables:
    client: Any
    readings: str
    aggregates: str


@dataclass
class Accumulator:
    totals: list[Decimal] = field(default_factory=zeros)
    half_hours: int = 0
    months: int = 0
    days: int = 0
    raw_half_hours: int = 0


def decimal_text(value: Decimal) -> str:
    """Exact, without exponent or trailing zeros (DynamoDB's spelling of numbers), so the
    same amount reads the same whichever source it came from."""
    return format(value.normalize(), "f")


def _pending_days(tables: Tables, mpan: str, first: date, last: date) -> set[date]:
    items = query(tables.client, TableName=tables.aggregates,
                  KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                  ExpressionAttributeValues={
                      ":pk": {"S": keys.PENDING_PK},
                      ":low": {"S": keys.pending_sk(mpan, first)},
                      ":high": {"S": keys.pending_sk(mpan, last)}},
                  ProjectionExpression="sk")
    return {date.fromisoformat(item["sk"]["S"].partition("#")[2]) for item in items}


def _month_items(tables: Tables, mpan: str, months: list[str]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(months), BATCH_GET_MAX):
        request = {tables.aggregates: {"Keys": [
            {"pk": {"S": mpan}, "sk": {"S": keys.month_sk(m)}}
            for m in months[start:start + BATCH_GET_MAX]]}}
        while request:
            reply = tables.client.batch_get_item(RequestItems=request)
            yield from reply.get("Responses", {}).get(tables.aggregates, [])
            request = reply.get("UnprocessedKeys") or {}


def _runs(sorted_days: list[date]) -> Iterator[tuple[date, date]]:
    """Contiguous runs (first, last) of a sorted list of days."""
    if not sorted_days:
        return
    run_first = previous = sorted_days[0]
    for day in sorted_days[1:]:
        if day != previous + timedelta(days=1):
            yield run_first, previous
            run_first = day
        previous = day
    yield run_first, previous


def compute_bill(tables: Tables, mpan: str, first: Slot, last: Slot) -> dict[str, Any]:
    span = list(days(first.day, last.day))
    pending = _pending_days(tables, mpan, first.day, last.day)
    whole = {d for d in span
             if (d != first.day or first.period == 1)
             and (d != last.day or last.period >= periods_in_day(d))}
    settled = whole - pending
    acc, covered = Accumulator(), set[date]()

    candidate_months = [m for m in sorted({month_of(d) for d in settled})
                        if all(d in settled for d in days(*month_bounds(m)))]
    for item in _month_items(tables, mpan, candidate_months):
        add_into(acc.totals, values_of(item))
        acc.half_hours += int(item["halfHours"]["N"])
        acc.months += 1
        covered.update(days(*month_bounds(item["sk"]["S"].removeprefix(keys.MONTH_PREFIX))))

    wanted_days = sorted(settled - covered)
    if wanted_days:
        wanted = set(wanted_days)
        for item in query(tables.client, TableName=tables.aggregates,
                          KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                          ExpressionAttributeValues={
                              ":pk": {"S": mpan}, ":low": {"S": keys.day_sk(wanted_days[0])},
                              ":high": {"S": keys.day_sk(wanted_days[-1])}}):
            day = date.fromisoformat(item["sk"]["S"].removeprefix(keys.DAY_PREFIX))
            if day in wanted:
                add_into(acc.totals, values_of(item))
                acc.half_hours += int(item["halfHours"]["N"])
                acc.days += 1
                covered.add(day)

    for run_first, run_last in _runs(sorted(set(span) - covered)):
        start = Slot(run_first, first.period if run_first == first.day else 1)
        end = Slot(run_last, last.period if run_last == last.day else periods_in_day(run_last))
        totals, count = sum_half_hours(latest_half_hours(
            tables.client, tables.readings, mpan, start, end))
        add_into(acc.totals, totals)
        acc.half_hours += count
        acc.raw_half_hours += count

    expected = sum(
        (last.period if d == last.day else periods_in_day(d))
        - (first.period if d == first.day else 1) + 1 for d in span)
    return {
        "meterId": mpan,
        "from": {"date": first.day.isoformat(), "period": first.period},
        "to": {"date": last.day.isoformat(), "period": last.period},
        "currency": "GBP",
        "consumptionKwh": decimal_text(acc.totals[0]),
        "lineItems": [{"code": code, "description": DESCRIPTIONS[code],
                       "amount": decimal_text(amount)}
                      for code, amount in zip(CODES[1:], acc.totals[1:], strict=True)],
        "total": decimal_text(total_charges(acc.totals)),
        "halfHours": {"expected": expected, "withData": acc.half_hours},
        "sources": {"monthAggregates": acc.months, "dayAggregates": acc.days,
                    "halfHourReadings": acc.raw_half_hours},
    }


def half_hours_of_day(tables: Tables, mpan: str, day: date) -> dict[str, Any]:
    """Every half-hour of a day at its latest revision (the bill down to the half hour)."""
    found = latest_half_hours(tables.client, tables.readings, mpan, Slot(day, 1),
                              Slot(day, periods_in_day(day)))
    return {
        "meterId": mpan, "date": day.isoformat(), "periods": periods_in_day(day),
        "halfHours": [{
            "period": h.slot.period, "revision": h.revision,
            "consumptionKwh": decimal_text(h.values[0]),
            "lineItems": {code: decimal_text(v) for code, v in zip(CODES[1:], h.values[1:],
                                                                   strict=True)},
            "total": decimal_text(total_charges(h.values)),
        } for h in found],
    }
