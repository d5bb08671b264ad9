"""The event-wiring template end to end: SAM SQS and DynamoDB events with Powertools'
BatchProcessor, partial failures, a poison message, a timeout and a crash ending in the
queue's DLQ, a stream's OnFailure queue and an EventInvokeConfig destination."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aws_lambda_powertools
import jmespath
import pytest
import typing_extensions
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel, SqsModel

from fogbank.testing import run_app
from fogbank.testing.runner import RunningApp

APP = Path(__file__).parent / "apps" / "event_wiring"
T = TypeVar("T")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("event-wiring")
    shutil.copytree(APP, root / "app")
    # The Powertools layer: the installed packages, linked into the layer's python/ dir.
    python_dir = root / "app" / "layer" / "python"
    python_dir.mkdir(parents=True)
    for module in (aws_lambda_powertools, typing_extensions, jmespath):
        source = Path(str(module.__file__))
        source = source.parent if source.name == "__init__.py" else source
        (python_dir / source.name).symlink_to(source)
    with run_app(root / "app", state_dir=root / "state") as running:
        yield running


def _wait(check: Callable[[], T], timeout_s: float = 30.0) -> T:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def _processed(app: RunningApp, item_id: str) -> dict[str, Any] | None:
    table = app.stack.physical_id("Processed")
    item = app.client("dynamodb").get_item(TableName=table, Key={"id": {"S": item_id}})
    return item.get("Item")


def _queue_url(app: RunningApp, logical_id: str) -> str:
    return str(app.stack.physical_id(logical_id))


def _drain(app: RunningApp, logical_id: str, count: int) -> list[dict[str, Any]]:
    sqs = app.client("sqs")
    found: list[dict[str, Any]] = []

    def more() -> bool:
        reply = sqs.receive_message(QueueUrl=_queue_url(app, logical_id), WaitTimeSeconds=1,
                                    MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        found.extend(reply.get("Messages", []))
        return len(found) >= count

    _wait(more)
    return found


def test_sqs_batch_with_partial_failures_poison_timeout_and_crash(app: RunningApp) -> None:
    sqs = app.client("sqs")
    url = _queue_url(app, "Orders")
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "ok-1"}, {"Id": "2", "MessageBody": "bad-1"},
        {"Id": "3", "MessageBody": "ok-2"}])
    _wait(lambda: _processed(app, "sqs:ok-1") and _processed(app, "sqs:ok-2"))
    event = json.loads(_processed(app, "sqs:ok-1")["event"]["S"])  # type: ignore[index]
    SqsModel(Records=[event])
    assert event["eventSourceARN"].endswith(":" + url.rsplit("/", 1)[1])
    dead = _drain(app, "OrdersDLQ", 1)
    assert [m["Body"] for m in dead] == ["bad-1"]
    for body in ("slow-1", "crash-1"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
        dead = _drain(app, "OrdersDLQ", 1)
        assert [m["Body"] for m in dead] == [body]
    sqs.send_message(QueueUrl=url, MessageBody="ok-after")
    _wait(lambda: _processed(app, "sqs:ok-after"))
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def test_stream_batch_with_bisect_and_on_failure_queue(app: RunningApp) -> None:
    ddb = app.client("dynamodb")
    table = app.stack.physical_id("Changes")
    for item_id, status in (("c1", "ok"), ("c2", "bad"), ("c3", "ok")):
        ddb.put_item(TableName=table, Item={"id": {"S": item_id}, "status": {"S": status}})
    _wait(lambda: _processed(app, "ddb:c1") and _processed(app, "ddb:c3"))
    raw = json.loads(_processed(app, "ddb:c1")["event"]["S"])  # type: ignore[index]
    DynamoDBStreamModel(Records=[raw])
    failures = _drain(app, "StreamFailures", 1)
    record = json.loads(failures[0]["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] >= 1 and info["streamArn"].startswith("arn:aws:dynamodb:")
    ddb.put_item(TableName=table, Item={"id": {"S": "c4"}, "status": {"S": "ok"}})
    _wait(lambda: _processed(app, "ddb:c4"))


def test_async_failure_goes_to_the_event_invoke_config_destination(app: RunningApp) -> None:
    client = app.client("lambda")
    name = app.function_name("AsyncWorker")
    config = client.get_function_event_invoke_config(FunctionName=name)
    assert config["MaximumRetryAttempts"] == 0
    client.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "a1"}')
    _wait(lambda: _processed(app, "async:a1"))
    client.invoke(FunctionName=name, InvocationType="Event",
                  Payload=b'{"id": "a2", "fail": true}')
    failure = json.loads(_drain(app, "AsyncFailures", 1)[0]["Body"])
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 1
    assert failure["requestPayload"] == {"id": "a2", "fail": True}
    assert failure["responsePayload"]["errorMessage"] == "async work failed"


def test_mappings_are_listed_for_the_functions(app: RunningApp) -> None:
    client = app.client("lambda")
    mappings = client.list_event_source_mappings(
        FunctionName=app.function_name("OrderProcessor"))["EventSourceMappings"]
    assert len(mappings) == 1
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mappings[0]["State"] == "Enabled"
    stream = client.list_event_source_mappings(
        FunctionName=app.function_name("ChangeProcessor"))["EventSourceMappings"][0]
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["DestinationConfig"]["OnFailure"]["Destination"].startswith("arn:aws:sqs:")
