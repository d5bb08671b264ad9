"""Reading and writing the two tables with the low-level DynamoDB client (see ``keys``).

Numbers travel as DynamoDB ``N`` strings and are summed as ``Decimal``: money is never a
float here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from billing import keys
from billing.lineitems import CODES, ZERO, add_into, zeros
from billing.readings import Reading
from billing.settlement import Slot

Item = dict[str, Any]
BATCH_WRITE_MAX = 25
MAX_BATCH_ATTEMPTS = 10


@dataclass(frozen=True)
class HalfHour:
    slot: Slot
    revision: int
    values: list[Decimal]


def reading_item(reading: Reading) -> Item:
    return {
        "pk": {"S": reading.mpan},
        "sk": {"S": keys.reading_sk(reading.day, reading.period, reading.revision)},
        "revision": {"N": str(reading.revision)},
        keys.LINE_ITEMS_ATTRIBUTE: {"S": ",".join(reading.values)},
    }


def reading_values(item: Item) -> list[Decimal]:
    """The 30 line items of a readings item (packed, see ``keys``)."""
    return [Decimal(value) for value in item[keys.LINE_ITEMS_ATTRIBUTE]["S"].split(",")]


def values_of(item: Item) -> list[Decimal]:
    """The 30 totals of an aggregates item (one number attribute per line item)."""
    return [Decimal(item[code]["N"]) if code in item else ZERO for code in CODES]


def totals_item(pk: str, sk: str, totals: list[Decimal], **counts: int | str) -> Item:
    item: Item = {"pk": {"S": pk}, "sk": {"S": sk}}
    for code, total in zip(CODES, totals, strict=True):
        item[code] = {"N": str(total)}
    for name, count in counts.items():
        item[name] = {"N": str(count)} if isinstance(count, int) else {"S": count}
    return item


def query(client: Any, **params: Any) -> Iterator[Item]:
    """Every item of a Query, page after page."""
    while True:
        page = client.query(**params)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def latest_half_hours(client: Any, table: str, mpan: str, first: Slot, last: Slot
                      ) -> list[HalfHour]:
    """The latest revision of each half-hour from ``first`` to ``last`` that has data."""
    low, high = keys.reading_range(first, last)
    found: dict[str, HalfHour] = {}
    for item in query(client, TableName=table,
                      KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                      ProjectionExpression=f"sk, {keys.LINE_ITEMS_ATTRIBUTE}",
                      ExpressionAttributeValues={":pk": {"S": mpan}, ":low": {"S": low},
                                                 ":high": {"S": high}}):
        sk = item["sk"]["S"]
        slot_key = sk[:13]
        # Revisions of a half-hour come in ascending order: the last one wins.
        found[slot_key] = HalfHour(Slot(date.fromisoformat(sk[:10]), int(sk[11:13])),
                                   int(sk[14:]), reading_values(item))
    return list(found.values())


def sum_half_hours(half_hours: Iterable[HalfHour]) -> tuple[list[Decimal], int]:
    totals, count = zeros(), 0
    for half_hour in half_hours:
        add_into(totals, half_hour.values)
        count += 1
    return totals, count


def batch_write(client: Any, table: str, requests: list[Item]) -> None:
    """BatchWriteItem in batches of 25, retrying UnprocessedItems with backoff."""
    for start in range(0, len(requests), BATCH_WRITE_MAX):
        pending = {table: requests[start:start + BATCH_WRITE_MAX]}
        for attempt in range(MAX_BATCH_ATTEMPTS):
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        else:
            raise RuntimeError(f"{len(pending[table])} writes to {table} still unprocessed "
                               f"after {MAX_BATCH_ATTEMPTS} attempts")
