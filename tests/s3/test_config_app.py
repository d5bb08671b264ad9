"""End to end: a SAM function with an ``Events: {Type: S3}`` trigger receives the upload
event (Powertools' ``S3Model`` judges it; a key with spaces arrives with ``+``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    S3EventNotificationEventBridgeModel,
    S3Model,
)

from fogbank.cloud import PROVIDERS

APP = Path(__file__).resolve().parent / "apps" / "upload_trigger"

pytestmark = pytest.mark.skipif("s3" not in PROVIDERS, reason="the S3 provider is not "
                                "registered in fogbank.cloud yet")


def wait_for_objects(s3, bucket: str, count: int, timeout_s: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout_s
    keys: list[str] = []
    while time.monotonic() < deadline:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix="events/")
        keys = [item["Key"] for item in listing.get("Contents", [])]
        if len(keys) >= count:
            return keys
        time.sleep(0.1)
    return keys


def test_upload_triggers_the_function(app_copy, fogbank_run) -> None:
    app = fogbank_run(app_copy(APP))
    assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
    uploads, seen = app.stack.outputs["UploadsBucket"], app.stack.outputs["SeenBucket"]
    assert uploads == uploads.lower() and app.stack.outputs["UploadsArn"] == \
        f"arn:aws:s3:::{uploads}"
    s3 = app.client("s3")
    config = s3.get_bucket_notification_configuration(Bucket=uploads)
    [target] = config["LambdaFunctionConfigurations"]
    assert target["Events"] == ["s3:ObjectCreated:*"]
    assert target["Filter"]["Key"]["FilterRules"] == [
        {"Name": "Prefix", "Value": "incoming/"}, {"Name": "Suffix", "Value": ".txt"}]
    assert s3.get_bucket_cors(Bucket=uploads)["CORSRules"][0]["MaxAgeSeconds"] == 300

    s3.put_object(Bucket=uploads, Key="incoming/skip.png", Body=b"no")
    s3.put_object(Bucket=uploads, Key="incoming/my report (final).txt", Body=b"hello")
    [key] = wait_for_objects(s3, seen, 1)
    event = json.loads(s3.get_object(Bucket=seen, Key=key)["Body"].read())
    model = S3Model.model_validate(event)
    record = model.Records[0]
    assert record.eventName == "ObjectCreated:Put"
    assert record.s3.bucket.name == uploads
    assert record.s3.object.key == "incoming/my+report+%28final%29.txt"
    assert record.s3.object.size == 5
    assert record.s3.object.eTag == "5d41402abc4b2a76b9719d911017c592"


BRIDGE_APP = Path(__file__).resolve().parent / "apps" / "bridge_and_queue"


def receive(sqs, queue_url: str, count: int, timeout_s: float = 30) -> list[dict]:
    bodies: list[dict] = []
    deadline = time.monotonic() + timeout_s
    while len(bodies) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_queue_and_eventbridge_destinations(app_copy, fogbank_run) -> None:
    app = fogbank_run(app_copy(BRIDGE_APP))
    assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
    bucket = app.stack.outputs["Bucket"]
    s3, sqs = app.client("s3"), app.client("sqs")
    s3.put_object(Bucket=bucket, Key="reports/2024 q1.csv", Body=b"a,b\n")
    s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"x")

    direct = receive(sqs, app.stack.outputs["DirectQueueUrl"], 2)
    assert direct[0]["Event"] == "s3:TestEvent"
    [record] = S3Model.model_validate(direct[1]).Records
    assert record.s3.object.key == "reports/2024+q1.csv"

    forwarded = receive(sqs, app.stack.outputs["ForwardedQueueUrl"], 2)
    events = [S3EventNotificationEventBridgeModel.model_validate(body) for body in forwarded]
    assert sorted(event.detail.object.key for event in events) == [
        "notes.txt", "reports/2024 q1.csv"]
    assert {event.detail.reason for event in events} == {"PutObject"}
    assert all(event.resources == [f"arn:aws:s3:::{bucket}"] for event in events)
