"""Helpers of the product-data tests: the stack's resources, waiting for the cascade,
reading inboxes and exports."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp

T = TypeVar("T")
WAIT_S = 120.0  # the cascade is asynchronous: poll for its outcome, never assert on time


def wait_for(read: Callable[[], T], done: Callable[[T], bool], what: str,
             clock: ManualClock | None = None, advance_s: float = 0.0,
             timeout_s: float = WAIT_S) -> T:
    """Poll ``read`` until ``done``; optionally move the manual clock on each round (to let
    retries, visibility timeouts and schedules happen)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        if clock is not None and advance_s:
            clock.advance(advance_s)
        time.sleep(0.2)


class Cascade:
    """The deployed app's resources, as a test reads them."""

    def __init__(self, app: RunningApp) -> None:
        self.app = app
        stack = app.client("cloudformation").describe_stacks(StackName="product-data")
        self.outputs = {o["OutputKey"]: o["OutputValue"]
                        for o in stack["Stacks"][0].get("Outputs", [])}
        self.dynamodb = app.client("dynamodb")
        self.resource = _resource(app)
        self.s3 = app.client("s3")
        self.sqs = app.client("sqs")

    def table(self, output: str) -> Any:
        return self.resource.Table(self.outputs[output])

    def model(self, sku: str) -> dict[str, Any] | None:
        return self.table("ModelTableName").get_item(Key={"sku": sku}).get("Item")

    def inbox(self, receiver: str) -> dict[str, dict[str, Any]]:
        table = self.table("InboxTableName")
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"KeyConditionExpression": "receiver = :r",
                                  "ExpressionAttributeValues": {":r": receiver}}
        while True:
            page = table.query(**params)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return {str(item["idempotency_key"]): item for item in items}
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def export_rows(self, receiver: str) -> list[dict[str, Any]]:
        """Every row of every export file of ``receiver`` (duplicates kept)."""
        bucket = self.outputs["ExportsBucketName"]
        rows: list[dict[str, Any]] = []
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"exports/{receiver}/")
        for page in pages:
            for entry in page.get("Contents", []):
                text = self.s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read().decode()
                if entry["Key"].endswith(".csv"):
                    rows.extend(csv.DictReader(io.StringIO(text)))
                else:
                    rows.extend(json.loads(line) for line in text.splitlines() if line)
        return rows

    def queue_url(self, receiver: str) -> str:
        return str(self.sqs.get_queue_url(QueueName=f"product-data-rcv-{receiver}")["QueueUrl"])

    def queue_messages(self, queue_url: str) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0)
        return list(got.get("Messages", []))


def _resource(app: RunningApp) -> Any:
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name=app.region)
    return session.resource("dynamodb", endpoint_url=app.edge_url)
