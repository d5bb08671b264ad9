"""Schedule → aggregation: recompute the daily and monthly bills of every pending day.

Each run reads the PENDING markers (``billing.keys``), and for each (meter, day):
the latest revision of each half-hour → the day's 30 totals → ``DAY#<date>``; then each
touched month from its day items → ``MONTH#<YYYY-MM>``; only then deletes the markers, each
on the condition that its token is still the one read (a day rewritten meanwhile stays
pending). Months are written before markers go, so the API never sees a settled day inside
a stale month. A run stops taking new days when its time runs short; the rest wait for the
next run. Invoking the function directly runs the same pass (an operator's "aggregate now").
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from billing import keys
from billing.lineitems import add_into, zeros
from billing.settlement import Slot, days, month_bounds, month_of, periods_in_day
from billing.store import (
    batch_write,
    latest_half_hours,
    query,
    sum_half_hours,
    totals_item,
    values_of,
)

logger = Logger()
dynamodb = boto3.client("dynamodb")
READINGS_TABLE = os.environ["READINGS_TABLE"]
AGGREGATES_TABLE = os.environ["AGGREGATES_TABLE"]
RESERVE_MS = 20_000  # stop starting new days with less than this left


def pending_markers() -> list[tuple[str, str, str]]:
    """(mpan, day, token) of every pending day."""
    items = query(dynamodb, TableName=AGGREGATES_TABLE, KeyConditionExpression="pk = :pk",
                  ExpressionAttributeValues={":pk": {"S": keys.PENDING_PK}})
    found = []
    for item in items:
        mpan, _, day = item["sk"]["S"].partition("#")
        found.append((mpan, day, item["token"]["S"]))
    return found


def day_item(mpan: str, day: date, computed_at: str) -> dict[str, Any]:
    expected = periods_in_day(day)
    totals, count = sum_half_hours(latest_half_hours(
        dynamodb, READINGS_TABLE, mpan, Slot(day, 1), Slot(day, expected)))
    return totals_item(mpan, keys.day_sk(day), totals, halfHours=count,
                       expectedHalfHours=expected, computedAt=computed_at)


def month_item(mpan: str, month: str, computed_at: str) -> dict[str, Any]:
    first, last = month_bounds(month)
    totals, half_hours, day_count = zeros(), 0, 0
    for item in query(dynamodb, TableName=AGGREGATES_TABLE,
                      KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                      ExpressionAttributeValues={":pk": {"S": mpan},
                                                 ":low": {"S": keys.day_sk(first)},
                                                 ":high": {"S": keys.day_sk(last)}}):
        add_into(totals, values_of(item))
        half_hours += int(item["halfHours"]["N"])
        day_count += 1
    expected = sum(periods_in_day(d) for d in days(first, last))
    return totals_item(mpan, keys.month_sk(month), totals, halfHours=half_hours,
                       expectedHalfHours=expected, days=day_count, computedAt=computed_at)


def aggregate(remaining_ms: Any) -> dict[str, int]:
    computed_at = datetime.now(UTC).isoformat(timespec="seconds")
    markers = pending_markers()
    done: list[tuple[str, str, str]] = []
    day_items: list[dict[str, Any]] = []
    months: dict[str, set[str]] = defaultdict(set)
    for mpan, day_text, token in markers:
        if remaining_ms() < RESERVE_MS:
            break
        day = date.fromisoformat(day_text)
        day_items.append({"PutRequest": {"Item": day_item(mpan, day, computed_at)}})
        months[mpan].add(month_of(day))
        done.append((mpan, day_text, token))
    batch_write(dynamodb, AGGREGATES_TABLE, day_items)
    month_items = [{"PutRequest": {"Item": month_item(mpan, month, computed_at)}}
                   for mpan, mpan_months in months.items() for month in sorted(mpan_months)]
    batch_write(dynamodb, AGGREGATES_TABLE, month_items)
    still_pending = len(markers) - len(done)
    for mpan, day_text, token in done:
        try:
            dynamodb.delete_item(
                TableName=AGGREGATES_TABLE,
                Key={"pk": {"S": keys.PENDING_PK}, "sk": {"S": keys.pending_sk(mpan, day_text)}},
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#token": "token"},
                ExpressionAttributeValues={":token": {"S": token}})
        except dynamodb.exceptions.ConditionalCheckFailedException:
            still_pending += 1  # rewritten since we read it: the next run takes it again
    result = {"days": len(done), "months": len(month_items), "stillPending": still_pending}
    logger.info("aggregation run", extra=result)
    return result


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return aggregate(context.get_remaining_time_in_millis)
