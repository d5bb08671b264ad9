"""What is stored and asked: the 20,000-item capacity table and the energy-billing seed data.

Capacity table ``bench-items``: 20 partitions ``p00``…``p19`` of 1,000 items ``s0000``…``s0999``
(about 150 bytes each). The four replayed operations: GetItem of a random existing key; PutItem
of a new item into partitions ``w00``…``w15``; Query of one partition from a random sort key with
``Limit 100`` (always a full 100-item page); UpdateItem ``SET n = n + :one`` on a random existing
item under ``ConditionExpression attribute_exists(pk) AND n >= :zero`` (always true).

Seed table ``bench-seed``: one meter, sort key ``<half-hour ISO time>#L<line>#R<revision>``;
a full meter-year is 17,520 half-hours × 30 line items × 6 revisions. A fraction of the year keeps
the first ``fraction × 17,520`` half-hours with all their line items and revisions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.dynamodb.wire import Call, item

ITEMS_TABLE = "bench-items"
SEED_TABLE = "bench-seed"
PARTITIONS = 20
ITEMS_PER_PARTITION = 1000
QUERY_PAGE = 100
# Query last: a slow server keeps computing abandoned Query pages after wrk stops.
OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "Query")

HALF_HOURS_PER_YEAR = 17_520
LINE_ITEMS = 30
REVISIONS = 6
FULL_SEED_ITEMS = HALF_HOURS_PER_YEAR * LINE_ITEMS * REVISIONS
METER = "MTR-000001"
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
MONTH_DAYS = 30
_PAYLOAD = "x" * 80


def partition(index: int) -> str:
    return f"p{index:02d}"


def sort_key(index: int) -> str:
    return f"s{index:04d}"


def capacity_items() -> Iterator[dict[str, Any]]:
    """The 20,000 wire-encoded items of the capacity table."""
    for p in range(PARTITIONS):
        for s in range(ITEMS_PER_PARTITION):
            yield item({"pk": partition(p), "sk": sort_key(s), "n": 0,
                        "amount": round(s * 1.25, 2), "payload": _PAYLOAD})


def _random_key(rng: random.Random) -> dict[str, Any]:
    return item({"pk": partition(rng.randrange(PARTITIONS)),
                 "sk": sort_key(rng.randrange(ITEMS_PER_PARTITION))})


def operation_calls(operation: str, count: int, seed: int = 7) -> list[Call]:
    """``count`` distinct calls of one replayed ``operation`` (deterministic for ``seed``)."""
    rng = random.Random(f"{operation}:{seed}")
    calls: list[Call] = []
    for i in range(count):
        if operation == "GetItem":
            body: dict[str, Any] = {"TableName": ITEMS_TABLE, "Key": _random_key(rng)}
        elif operation == "PutItem":
            body = {"TableName": ITEMS_TABLE,
                    "Item": item({"pk": f"w{i % 16:02d}", "sk": f"n{i:06d}", "n": 0,
                                  "amount": i, "payload": _PAYLOAD})}
        elif operation == "Query":
            start = rng.randrange(ITEMS_PER_PARTITION - QUERY_PAGE + 1)
            body = {"TableName": ITEMS_TABLE, "Limit": QUERY_PAGE,
                    "KeyConditionExpression": "pk = :p AND sk >= :s",
                    "ExpressionAttributeValues": item({":p": partition(rng.randrange(PARTITIONS)),
                                                       ":s": sort_key(start)})}
        elif operation == "UpdateItem":
            body = {"TableName": ITEMS_TABLE, "Key": _random_key(rng),
                    "UpdateExpression": "SET n = n + :one",
                    "ConditionExpression": "attribute_exists(pk) AND n >= :zero",
                    "ExpressionAttributeValues": item({":one": 1, ":zero": 0})}
        else:
            raise ValueError(f"unknown operation {operation!r}; choose from {OPERATIONS}")
        calls.append(Call(operation, body))
    return calls


def seed_half_hours(fraction: float) -> int:
    """How many half-hours a ``fraction`` of the meter-year keeps (at least one)."""
    return max(1, round(HALF_HOURS_PER_YEAR * fraction))


def half_hour_iso(index: int) -> str:
    return (YEAR_START + timedelta(minutes=30 * index)).strftime("%Y-%m-%dT%H:%MZ")


def seed_items(first_half_hour: int, stop_half_hour: int) -> Iterator[dict[str, Any]]:
    """Wire-encoded seed items of the half-hours ``[first_half_hour, stop_half_hour)``."""
    for hh in range(first_half_hour, stop_half_hour):
        at = half_hour_iso(hh)
        for line in range(LINE_ITEMS):
            for rev in range(REVISIONS):
                kwh = round(0.1 + ((hh * 31 + line * 7 + rev) % 997) / 100, 3)
                yield item({"pk": METER, "sk": f"{at}#L{line:02d}#R{rev}", "line": f"L{line:02d}",
                            "rev": rev, "kwh": kwh, "rate": 0.2875,
                            "amount": round(kwh * 0.2875, 6)})


def worker_slice(half_hours: int, worker: int, workers: int) -> tuple[int, int]:
    """The contiguous half-hour range ``[start, stop)`` of ``worker`` among ``workers``."""
    per = half_hours // workers
    extra = half_hours % workers
    start = worker * per + min(worker, extra)
    return start, start + per + (1 if worker < extra else 0)


def month_query(start_day: int, limit: int | None) -> Call:
    """Query the meter for the 30 days from ``start_day`` (days after 1 January)."""
    start = YEAR_START + timedelta(days=start_day)
    end = start + timedelta(days=MONTH_DAYS)
    body: dict[str, Any] = {
        "TableName": SEED_TABLE,
        "KeyConditionExpression": "pk = :m AND sk BETWEEN :from AND :to",
        "ExpressionAttributeValues": item({":m": METER,
                                           ":from": start.strftime("%Y-%m-%dT%H:%MZ"),
                                           ":to": end.strftime("%Y-%m-%dT%H:%MZ")})}
    if limit is not None:
        body["Limit"] = limit
    return Call("Query", body)
