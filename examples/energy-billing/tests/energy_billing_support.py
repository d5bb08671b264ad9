"""Small helpers of the pipeline tests: upload, reports, API calls, expected bills."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import requests
from billing.lineitems import CODES, zeros
from billing.sample import reading
from billing.settlement import days, periods_in_day
from botocore.exceptions import ClientError

from fogbank.testing import RunningApp

WAIT_S = 60.0  # generous bound for a loaded machine; never a timing assertion


def wait_for(condition: Callable[[], Any], what: str, timeout_s: float = WAIT_S) -> Any:
    """Poll ``condition`` (real time) until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def upload(app: RunningApp, name: str, body: bytes) -> None:
    app.client("s3").put_object(Bucket=app.stack.outputs["ReadingsBucketName"],
                                Key=f"incoming/{name}", Body=body)


def report(app: RunningApp, name: str) -> dict[str, Any] | None:
    try:
        body = app.client("s3").get_object(Bucket=app.stack.outputs["ReportsBucketName"],
                                           Key=f"reports/{name}.json")["Body"].read()
    except ClientError:
        return None
    return json.loads(body)


def errors_report(app: RunningApp, name: str) -> str:
    return app.client("s3").get_object(Bucket=app.stack.outputs["ReportsBucketName"],
                                       Key=f"errors/{name}.errors.csv")["Body"].read().decode()


def api(app: RunningApp, path: str, **params: Any) -> requests.Response:
    return requests.get(app.api_url + path, params=params, timeout=30)


def half_hours(app: RunningApp, mpan: str, day: date) -> list[dict[str, Any]]:
    reply = api(app, f"/meters/{mpan}/halfhours", date=day.isoformat())
    assert reply.status_code == 200, reply.text
    return reply.json()["halfHours"]


def revisions_are(app: RunningApp, mpan: str, day: date, revision: int) -> Callable[[], bool]:
    """A condition: every half-hour of the day is there, at ``revision``."""
    def check() -> bool:
        found = half_hours(app, mpan, day)
        return (len(found) == periods_in_day(day)
                and all(h["revision"] == revision for h in found))
    return check


def queue_drained(app: RunningApp) -> bool:
    """No chunk waiting or in flight: every worker invocation has finished (and so has
    written its PENDING markers, which come after its readings)."""
    attributes = app.client("sqs").get_queue_attributes(
        QueueUrl=app.stack.outputs["ChunkQueueUrl"], AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
    return all(v == "0" for v in attributes["Attributes"].values())


def stored_revisions(app: RunningApp, mpan: str, day: date, revision: int) -> int:
    """How many half-hours of the day have an item for ``revision`` (superseded or not)."""
    table = app.stack.outputs["ReadingsTableName"]
    items = app.client("dynamodb").query(
        TableName=table, KeyConditionExpression="pk = :pk AND begins_with(sk, :day)",
        FilterExpression="revision = :rev",
        ExpressionAttributeValues={":pk": {"S": mpan}, ":day": {"S": day.isoformat()},
                                   ":rev": {"N": str(revision)}})["Items"]
    return len(items)


def expected_totals(mpan: str, first: tuple[date, int], last: tuple[date, int],
                    latest: Callable[[date], int]) -> list[Decimal]:
    """The 30 totals straight from the sample generator, at each day's latest revision."""
    totals = zeros()
    for day in days(first[0], last[0]):
        low = first[1] if day == first[0] else 1
        high = last[1] if day == last[0] else periods_in_day(day)
        for period in range(low, high + 1):
            for index, value in enumerate(reading(mpan, day, period, latest(day)).values):
                totals[index] += Decimal(value)
    return totals


def bill_totals(bill: dict[str, Any]) -> list[Decimal]:
    amounts = {item["code"]: Decimal(item["amount"]) for item in bill["lineItems"]}
    return [Decimal(bill["consumptionKwh"]), *(amounts[code] for code in CODES[1:])]
