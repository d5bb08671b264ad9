"""SQS → Lambda mappings on a whole local cloud: the event shape (judged by Powertools),
deletion after success, redelivery and the queue's DLQ after failures, partial batch
responses, filters, FIFO order and MaximumConcurrency."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel

from tests.lambda_.cloud_harness import CloudHarness, read_lines

RECORDER = """
    import json, os, time
    def handler(event, context):
        with open(os.environ["OUT"], "a") as out:
            out.write(json.dumps(event) + "\\n")
        mode = os.environ.get("MODE", "")
        bad = [r for r in event["Records"] if r["body"].startswith("bad")]
        if mode == "crash" and bad:
            raise RuntimeError("poison message")
        if mode == "partial":
            return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in bad]}
        if mode == "invalid":
            return {"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]}
        if mode == "slow":
            time.sleep(0.05)
        return None
"""


@pytest.fixture(scope="module")
def cloud(runner: asyncio.Runner,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudHarness]:
    harness = CloudHarness(runner, tmp_path_factory.mktemp("esm-sqs"))
    yield harness
    harness.stop()


def _queue(cloud: CloudHarness, fifo: bool = False, **attributes: str) -> tuple[str, str]:
    name = cloud.unique("queue") + (".fifo" if fifo else "")
    if fifo:
        attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true", **attributes}
    url = cloud.call("sqs", "CreateQueue", QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = cloud.call("sqs", "GetQueueAttributes", QueueUrl=url,
                     AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _function(cloud: CloudHarness, tmp_path: Path, mode: str = "") -> tuple[str, Path]:
    out = tmp_path / cloud.unique("events.jsonl")
    name = cloud.function(RECORDER, Environment={"Variables": {"OUT": str(out), "MODE": mode}},
                          Timeout=1)
    return name, out


def _bodies(events: list[dict[str, Any]]) -> list[str]:
    return [r["body"] for e in events for r in e["Records"]]


def _counts(cloud: CloudHarness, url: str) -> tuple[int, int]:
    attributes = cloud.call("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]))


def _map(cloud: CloudHarness, function: str, arn: str, **params: Any) -> dict[str, Any]:
    return cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                      EventSourceArn=arn, **params)


def test_messages_reach_the_function_in_aws_shape_and_are_deleted(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    url, arn = _queue(cloud)
    created = _map(cloud, function, arn, BatchSize=10)
    assert created["State"] == "Creating" and created["BatchSize"] == 10
    assert "StartingPosition" not in created
    cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody='{"n": 1}', MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "order"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        "count": {"DataType": "Number", "StringValue": "3"}})
    events = cloud.wait_for(lambda: read_lines(out))
    SqsModel(**events[0])
    record = events[0]["Records"][0]
    assert record["body"] == '{"n": 1}'
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"])
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "order", "stringListValues": [], "binaryListValues": [],
        "dataType": "String"}
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AAE="
    assert record["md5OfBody"]
    cloud.wait_for(lambda: _counts(cloud, url) == (0, 0))
    assert cloud.call("lambda", "GetEventSourceMapping",
                      UUID=created["UUID"])["State"] == "Enabled"


def test_failing_batch_returns_to_the_queue_and_ends_in_its_dlq(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path, "crash")
    dlq_url, dlq_arn = _queue(cloud)
    url, arn = _queue(cloud, VisibilityTimeout="1", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody="bad one")
    _map(cloud, function, arn, BatchSize=1)
    cloud.wait_for(lambda: _counts(cloud, dlq_url)[0] == 1)
    assert _bodies(read_lines(out)) == ["bad one", "bad one"]
    receives = [e["Records"][0]["attributes"]["ApproximateReceiveCount"]
                for e in read_lines(out)]
    assert receives == ["1", "2"]
    assert _counts(cloud, url) == (0, 0)


def test_report_batch_item_failures_keeps_only_the_failed_messages(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path, "partial")
    dlq_url, dlq_arn = _queue(cloud)
    url, arn = _queue(cloud, VisibilityTimeout="1", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    for body in ("ok1", "bad", "ok2"):
        cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody=body)
    _map(cloud, function, arn, BatchSize=10, FunctionResponseTypes=["ReportBatchItemFailures"])
    cloud.wait_for(lambda: _counts(cloud, dlq_url)[0] == 1)
    bodies = _bodies(read_lines(out))
    assert sorted(bodies) == ["bad", "bad", "ok1", "ok2"]
    moved = cloud.call("sqs", "ReceiveMessage", QueueUrl=dlq_url)["Messages"]
    assert moved[0]["Body"] == "bad"


def test_an_invalid_partial_response_fails_the_whole_batch(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path, "invalid")
    url, arn = _queue(cloud, VisibilityTimeout="1")
    cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody="m")
    created = _map(cloud, function, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    cloud.wait_for(lambda: len(read_lines(out)) >= 2)  # redelivered after the timeout
    cloud.call("lambda", "DeleteEventSourceMapping", UUID=created["UUID"])


def test_filtered_out_messages_are_deleted_without_an_invoke(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    url, arn = _queue(cloud)
    pattern = json.dumps({"body": {"kind": ["keep"]}})
    _map(cloud, function, arn, FilterCriteria={"Filters": [{"Pattern": pattern}]})
    for body in ('{"kind": "drop"}', "plain text", '{"kind": "keep"}'):
        cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody=body)
    cloud.wait_for(lambda: _counts(cloud, url) == (0, 0) and read_lines(out))
    assert _bodies(read_lines(out)) == ['{"kind": "keep"}']


def test_plain_string_bodies_filter_as_strings(cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    url, arn = _queue(cloud)
    pattern = json.dumps({"body": [{"prefix": "urgent"}]})
    _map(cloud, function, arn, FilterCriteria={"Filters": [{"Pattern": pattern}]})
    for body in ("later", "urgent: now"):
        cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody=body)
    cloud.wait_for(lambda: _counts(cloud, url) == (0, 0) and read_lines(out))
    assert _bodies(read_lines(out)) == ["urgent: now"]


def test_fifo_queue_keeps_group_order(cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    url, arn = _queue(cloud, fifo=True)
    sent = {group: [f"{group}-{i}" for i in range(6)] for group in ("a", "b")}
    for i in range(6):
        for group in ("a", "b"):
            cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody=sent[group][i],
                       MessageGroupId=group)
    _map(cloud, function, arn, BatchSize=2)
    cloud.wait_for(lambda: len(_bodies(read_lines(out))) == 12)
    bodies = _bodies(read_lines(out))
    for group in ("a", "b"):
        assert [b for b in bodies if b.startswith(group)] == sent[group]
    record = read_lines(out)[0]["Records"][0]
    assert {"MessageGroupId", "SequenceNumber", "MessageDeduplicationId"} <= set(
        record["attributes"])


def test_batching_window_gathers_more_than_ten(cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    url, arn = _queue(cloud)
    for start in range(0, 25, 10):
        cloud.call("sqs", "SendMessageBatch", QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, min(start + 10, 25))])
    _map(cloud, function, arn, BatchSize=25, MaximumBatchingWindowInSeconds=1)
    cloud.wait_for(lambda: len(_bodies(read_lines(out))) == 25)
    assert max(len(e["Records"]) for e in read_lines(out)) > 10


def test_maximum_concurrency_is_respected(cloud: CloudHarness, tmp_path: Path) -> None:
    marker = tmp_path / "active"
    marker.mkdir()
    source = f"""
        import os, time, uuid
        def handler(event, context):
            me = os.path.join({str(marker)!r}, uuid.uuid4().hex)
            open(me, "w").close()
            seen = len(os.listdir({str(marker)!r}))
            with open(os.path.join({str(marker)!r}, "..", "peak"), "a") as out:
                out.write(f"{{seen}}\\n")
            time.sleep(0.1)
            os.remove(me)
    """
    function = cloud.function(source)
    url, arn = _queue(cloud)
    _map(cloud, function, arn, BatchSize=1, ScalingConfig={"MaximumConcurrency": 2})
    for i in range(8):
        cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody=str(i))
    peak = tmp_path / "peak"
    cloud.wait_for(lambda: peak.exists() and len(peak.read_text().split()) == 8)
    assert max(int(n) for n in peak.read_text().split()) <= 2


def test_split_by_size_keeps_each_invoke_under_the_payload_limit() -> None:
    from fogbank.services.lambda_.mappings.records import dumps_event, split_by_size

    records = [{"body": "x" * 1000, "messageId": str(i)} for i in range(50)]
    batches = split_by_size(records, limit_bytes=10_000)
    assert [r for batch in batches for r in batch] == records
    assert all(len(dumps_event({"Records": batch})) <= 10_100 for batch in batches)
    assert len(batches) == 6


@pytest.mark.parametrize(("payload", "expected"), [
    (b"null", []), (b"", []), (b"{}", []), (b'{"batchItemFailures": null}', []),
    (b'{"batchItemFailures": []}', []),
    (b'{"batchItemFailures": [{"itemIdentifier": "b"}]}', ["b"]),
    (b"not json", None), (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', None),
    (b'{"batchItemFailures": [{"itemIdentifier": null}]}', None),
    (b'{"batchItemFailures": [{"itemId": "b"}]}', None),
    (b'{"batchItemFailures": [{"itemIdentifier": "zzz"}]}', None),
    (b'{"batchItemFailures": "b"}', None),
])
def test_partial_batch_response_rules(payload: bytes, expected: list[str] | None) -> None:
    from fogbank.services.lambda_.mappings.records import item_failures

    assert item_failures(payload, ["a", "b", "c"]) == expected


def test_throttled_function_gets_the_message_once_concurrency_returns(
        cloud: CloudHarness, tmp_path: Path) -> None:
    function, out = _function(cloud, tmp_path)
    cloud.call("lambda", "PutFunctionConcurrency", FunctionName=function,
               ReservedConcurrentExecutions=0)
    url, arn = _queue(cloud, VisibilityTimeout="1")
    _map(cloud, function, arn)
    cloud.call("sqs", "SendMessage", QueueUrl=url, MessageBody="patient")
    cloud.run(asyncio.sleep(0.5))
    assert read_lines(out) == []
    assert _counts(cloud, url) == (0, 1)  # held by the poller, not lost
    cloud.call("lambda", "DeleteFunctionConcurrency", FunctionName=function)
    cloud.wait_for(lambda: _bodies(read_lines(out)) == ["patient"])
    cloud.wait_for(lambda: _counts(cloud, url) == (0, 0))
