"""One chain through every wire: S3 upload → Lambda → DynamoDB → stream → Lambda → SNS →
SQS (filter policy) → Lambda → a result row read with boto3. Every event a handler received is
judged by Powertools' pydantic models."""

from __future__ import annotations

import json
import time

from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamModel,
    S3Model,
    SnsNotificationModel,
    SqsModel,
)

from tests.conftest import APPS

WAIT_S = 30.0


def _scan(client, table: str) -> list[dict]:
    return client.scan(TableName=table, ConsistentRead=True)["Items"]


def test_upload_flows_through_stream_topic_and_filtered_queue(app_copy, fogbank_run):
    app = fogbank_run(app_copy(APPS / "chain"))
    assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
    outputs = app.stack.outputs
    s3, dynamodb = app.client("s3"), app.client("dynamodb")
    orders = [{"id": "o-1", "amount": 50}, {"id": "o-2", "amount": 150},
              {"id": "o-3", "amount": 300}]
    key = "incoming/orders batch 1.jsonl"
    s3.put_object(Bucket=outputs["Bucket"], Key=key,
                  Body="\n".join(json.dumps(o) for o in orders).encode())
    s3.put_object(Bucket=outputs["Bucket"], Key="incoming/ignored.txt", Body=b"not orders")

    deadline = time.monotonic() + WAIT_S
    results: list[dict] = []
    while time.monotonic() < deadline:
        results = _scan(dynamodb, outputs["ResultsTable"])
        if len(results) >= 2:
            break
        time.sleep(0.05)
    assert sorted((r["id"]["S"], r["amount"]["N"], r["source"]["S"]) for r in results) == [
        ("o-2", "150", key), ("o-3", "300", key)]

    seen: dict[str, list[dict]] = {}
    for row in _scan(dynamodb, outputs["SeenTable"]):
        seen.setdefault(row["kind"]["S"], []).append(json.loads(row["event"]["S"]))
    (s3_event,) = seen["s3"]  # the .txt upload is filtered out by the suffix rule
    parsed = S3Model.model_validate(s3_event)
    assert parsed.Records[0].s3.object.key == "incoming/orders+batch+1.jsonl"
    stream_records = [record for event in seen["stream"]
                      for record in DynamoDBStreamModel.model_validate(event).Records]
    assert sorted(r.dynamodb.NewImage["id"] for r in stream_records) == ["o-1", "o-2", "o-3"]
    sqs_records = [record for event in seen["sqs"]
                   for record in SqsModel.model_validate(event).Records]
    notifications = [SnsNotificationModel.model_validate_json(r.body) for r in sqs_records]
    assert sorted(json.loads(n.Message)["id"] for n in notifications) == ["o-2", "o-3"]
    assert all(n.MessageAttributes["size"].Value == "big" for n in notifications)
