"""DynamoDB stream → Lambda mappings on a whole local cloud: the event shape (judged by
Powertools), checkpoints across a restart, retries, bisection, partial batch failures and
the OnFailure destination."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

from tests.lambda_.cloud_harness import CloudHarness, read_lines

RECORDER = """
    import json, os
    def handler(event, context):
        with open(os.environ["OUT"], "a") as out:
            out.write(json.dumps(event) + "\\n")
        wanted = os.environ.get("FAIL_MODE", "-")
        fail = [r for r in event["Records"]
                if r["dynamodb"].get("NewImage", {}).get("fail", {}).get("S") == wanted]
        if fail and os.environ.get("PARTIAL"):
            return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                          for r in fail]}
        if fail:
            raise RuntimeError("poison record")
        return {"batchItemFailures": []}
"""


@pytest.fixture(scope="module")
def cloud(runner: asyncio.Runner,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudHarness]:
    harness = CloudHarness(runner, tmp_path_factory.mktemp("esm-stream"))
    yield harness
    harness.stop()


def _table(cloud: CloudHarness) -> tuple[str, str]:
    name = cloud.unique("table")
    result = cloud.call("dynamodb", "CreateTable", TableName=name,
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        BillingMode="PAY_PER_REQUEST",
                        StreamSpecification={"StreamEnabled": True,
                                             "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name, result["TableDescription"]["LatestStreamArn"]


def _put(cloud: CloudHarness, table: str, pk: str, **extra: str) -> None:
    item = {"pk": {"S": pk}, **{key: {"S": value} for key, value in extra.items()}}
    cloud.call("dynamodb", "PutItem", TableName=table, Item=item)


def _setup(cloud: CloudHarness, tmp_path: Path, env: dict[str, str] | None = None,
           **mapping: Any) -> tuple[str, str, Path, dict[str, Any]]:
    out = tmp_path / cloud.unique("events.jsonl")
    function = cloud.function(RECORDER, Environment={"Variables": {"OUT": str(out),
                                                                   **(env or {})}})
    table, stream_arn = _table(cloud)
    created = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                         EventSourceArn=stream_arn, **{"StartingPosition": "LATEST", **mapping})
    return function, table, out, created


def _keys(events: list[dict[str, Any]]) -> list[str]:
    return [r["dynamodb"]["Keys"]["pk"]["S"] for e in events for r in e["Records"]]


def test_stream_records_reach_the_function_in_aws_shape(cloud: CloudHarness,
                                                         tmp_path: Path) -> None:
    function, table, out, created = _setup(cloud, tmp_path, BatchSize=10)
    assert created["State"] == "Creating"
    assert created["StartingPosition"] == "LATEST"
    _put(cloud, table, "a", note="first")
    _put(cloud, table, "a", note="second")
    cloud.call("dynamodb", "DeleteItem", TableName=table, Key={"pk": {"S": "a"}})
    events = cloud.wait_for(lambda: len(_keys(read_lines(out))) >= 3 and read_lines(out))
    records = [r for e in events for r in e["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for event in events:
        DynamoDBStreamModel(**event)
    first = records[0]
    assert first["eventSource"] == "aws:dynamodb" and first["eventVersion"] == "1.1"
    assert first["eventSourceARN"] == created["EventSourceArn"]
    assert first["dynamodb"]["NewImage"]["note"] == {"S": "first"}
    assert records[1]["dynamodb"]["OldImage"]["note"] == {"S": "first"}
    assert first["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    # (the handler wrote the file before it returned: the result is recorded just after)
    def processed() -> dict[str, Any] | None:
        got = cloud.call("lambda", "GetEventSourceMapping", UUID=created["UUID"])
        return got if got["LastProcessingResult"] == "OK" else None

    got = cloud.wait_for(processed)
    assert got["State"] == "Enabled"


def test_trim_horizon_reads_old_records_and_checkpoint_survives_restart(
        cloud: CloudHarness, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    function = cloud.function(RECORDER, Environment={"Variables": {"OUT": str(out)}})
    table, stream_arn = _table(cloud)
    _put(cloud, table, "old")
    created = cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                         EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON")
    cloud.wait_for(lambda: _keys(read_lines(out)) == ["old"])
    # (the checkpoint follows the invoke: wait for it, or "old" is rightly delivered again)
    cloud.wait_for(lambda: any(key.startswith(created["UUID"]) for key, _ in
                               cloud.lam.store.docs.items("esm_checkpoint")))
    # Restart the pollers (as a restart of fogbank does): the checkpoint is durable.
    cloud.run(cloud.lam.mapping_pollers.stop())
    _put(cloud, table, "while-down")

    async def restart() -> None:
        cloud.lam.mapping_pollers.start()

    cloud.run(restart())
    cloud.wait_for(lambda: _keys(read_lines(out)) == ["old", "while-down"])
    cloud.run(asyncio.sleep(0.1))
    assert _keys(read_lines(out)) == ["old", "while-down"]
    cloud.call("lambda", "DeleteEventSourceMapping", UUID=created["UUID"])


def test_disabled_mapping_pauses_and_resumes(cloud: CloudHarness, tmp_path: Path) -> None:
    _, table, out, created = _setup(cloud, tmp_path)
    uuid = created["UUID"]
    updated = cloud.call("lambda", "UpdateEventSourceMapping", UUID=uuid, Enabled=False)
    assert updated["State"] == "Disabling"
    assert cloud.call("lambda", "GetEventSourceMapping", UUID=uuid)["State"] == "Disabled"
    _put(cloud, table, "paused")
    cloud.run(asyncio.sleep(0.2))
    assert read_lines(out) == []
    assert cloud.call("lambda", "UpdateEventSourceMapping", UUID=uuid,
                      Enabled=True)["State"] == "Enabling"
    cloud.wait_for(lambda: _keys(read_lines(out)) == ["paused"])


def _destination_queue(cloud: CloudHarness) -> tuple[str, str]:
    name = cloud.unique("dlq")
    url = cloud.call("sqs", "CreateQueue", QueueName=name)["QueueUrl"]
    arn = cloud.call("sqs", "GetQueueAttributes", QueueUrl=url,
                     AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def test_retries_then_on_failure_destination_then_moves_on(cloud: CloudHarness,
                                                            tmp_path: Path) -> None:
    url, arn = _destination_queue(cloud)
    _, table, out, created = _setup(
        cloud, tmp_path, env={"FAIL_MODE": "yes"}, BatchSize=1, MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": arn}})
    _put(cloud, table, "poison", fail="yes")
    _put(cloud, table, "fine")
    cloud.wait_for(lambda: "fine" in _keys(read_lines(out)))
    assert _keys(read_lines(out)) == ["poison"] * 3 + ["fine"]
    messages = cloud.call("sqs", "ReceiveMessage", QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    failure = json.loads(messages[0]["Body"])
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["version"] == "1.0"
    info = failure["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1 and info["streamArn"] == created["EventSourceArn"]
    assert info["startSequenceNumber"] == info["endSequenceNumber"]


def test_bisect_isolates_the_poison_record(cloud: CloudHarness, tmp_path: Path) -> None:
    _, table, out, created = _setup(
        cloud, tmp_path, env={"FAIL_MODE": "yes"}, BatchSize=4,
        MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=0,
        BisectBatchOnFunctionError=True)
    for key in ("k1", "k2", "k3"):
        _put(cloud, table, key)
    _put(cloud, table, "k4", fail="yes")
    cloud.wait_for(lambda: _keys(read_lines(out))[-1:] == ["k4"]
                   and len(read_lines(out)) >= 5)
    batches = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in e["Records"]]
               for e in read_lines(out)]
    assert batches == [["k1", "k2", "k3", "k4"], ["k1", "k2"], ["k3", "k4"], ["k3"], ["k4"]]


def test_report_batch_item_failures_retries_from_the_failed_record(
        cloud: CloudHarness, tmp_path: Path) -> None:
    _, table, out, created = _setup(
        cloud, tmp_path, env={"FAIL_MODE": "yes", "PARTIAL": "1"}, BatchSize=3,
        MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1,
        FunctionResponseTypes=["ReportBatchItemFailures"])
    _put(cloud, table, "ok1")
    _put(cloud, table, "bad", fail="yes")
    _put(cloud, table, "ok2")
    cloud.wait_for(lambda: len(read_lines(out)) >= 2)
    _put(cloud, table, "after")
    cloud.wait_for(lambda: _keys(read_lines(out))[-1:] == ["after"])
    batches = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in e["Records"]]
               for e in read_lines(out)]
    # one retry (MaximumRetryAttempts=1) from the reported record, then the shard moves on
    assert batches == [["ok1", "bad", "ok2"], ["bad", "ok2"], ["after"]]


def test_filter_criteria_on_stream_records(cloud: CloudHarness, tmp_path: Path) -> None:
    pattern = '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["keep"]}}}}'
    _, table, out, created = _setup(cloud, tmp_path,
                                    FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert created["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    _put(cloud, table, "drop", kind="other")
    _put(cloud, table, "keep", kind="keep")
    _put(cloud, table, "keep", kind="keep", extra="modify")
    cloud.wait_for(lambda: _keys(read_lines(out)))
    cloud.run(asyncio.sleep(0.1))
    assert _keys(read_lines(out)) == ["keep"]


def test_record_age_limit_discards_with_the_clock(runner: asyncio.Runner,
                                                   tmp_path: Path) -> None:
    from fogbank.core.clock import ManualClock

    clock = ManualClock()
    cloud = CloudHarness(runner, tmp_path / "cloud", clock=clock)
    try:
        url, arn = _destination_queue(cloud)
        _, table, out, created = _setup(cloud, tmp_path, env={"FAIL_MODE": "yes"}, BatchSize=1,
                                        MaximumRecordAgeInSeconds=60,
                                        DestinationConfig={"OnFailure": {"Destination": arn}})
        _put(cloud, table, "old-poison", fail="yes")
        cloud.wait_for(lambda: len(read_lines(out)) == 1)
        # (the handler wrote its line before it failed: wait until the poller has seen the
        # failure and is pausing before its retry, else the advance races its age check)
        cloud.wait_for(lambda: cloud.call(
            "lambda", "GetEventSourceMapping", UUID=created["UUID"]
        )["LastProcessingResult"] == "PROBLEM: Function call failed")
        clock.advance(120)  # past the retry pause and the record's age limit
        messages = cloud.wait_for(lambda: cloud.call(
            "sqs", "ReceiveMessage", QueueUrl=url).get("Messages"))
        failure = json.loads(messages[0]["Body"])
        assert failure["requestContext"]["condition"] == "RecordAgeExceeded"
        assert failure["requestContext"]["approximateInvokeCount"] == 2
    finally:
        cloud.stop()


def test_parallelization_keeps_each_item_in_order(cloud: CloudHarness, tmp_path: Path) -> None:
    _, table, out, created = _setup(cloud, tmp_path, BatchSize=2, ParallelizationFactor=3,
                                    MaximumBatchingWindowInSeconds=1)
    writes = [(f"item{i % 4}", str(n)) for n, i in enumerate(range(12))]
    for pk, n in writes:
        _put(cloud, table, pk, n=n)
    cloud.wait_for(lambda: len(_keys(read_lines(out))) == 12)
    events = read_lines(out)
    assert all(len(e["Records"]) <= 2 for e in events)
    seen = [(r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["NewImage"]["n"]["S"])
            for e in events for r in e["Records"]]
    for pk in {pk for pk, _ in writes}:
        assert [n for key, n in seen if key == pk] == [n for key, n in writes if key == pk]


COUNTER = """
    import json, os
    def handler(event, context):
        with open(os.environ["OUT"], "a") as out:
            out.write(json.dumps(event) + "\\n")
        state = event.get("state") or {}
        return {"state": {"count": state.get("count", 0) + len(event["Records"])}}
"""


def test_tumbling_window_carries_state_and_ends_with_a_final_invoke(
        runner: asyncio.Runner, tmp_path: Path) -> None:
    from fogbank.core.clock import ManualClock

    clock = ManualClock()
    cloud = CloudHarness(runner, tmp_path / "cloud", clock=clock)
    try:
        out = tmp_path / "window.jsonl"
        function = cloud.function(COUNTER, Environment={"Variables": {"OUT": str(out)}})
        table, stream_arn = _table(cloud)
        cloud.call("lambda", "CreateEventSourceMapping", FunctionName=function,
                   EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON",
                   TumblingWindowInSeconds=60)
        _put(cloud, table, "a")
        cloud.wait_for(lambda: len(read_lines(out)) == 1)
        _put(cloud, table, "b")
        cloud.wait_for(lambda: len(read_lines(out)) == 2)
        clock.advance(61)
        cloud.wait_for(lambda: len(read_lines(out)) == 3)
        _put(cloud, table, "c")
        cloud.wait_for(lambda: len(read_lines(out)) == 4)
        first, second, final, fresh = read_lines(out)
        start = clock.now() - 61
        assert first["window"] == {"start": _iso(start), "end": _iso(start + 60)}
        assert first["state"] == {} and first["isFinalInvokeForWindow"] is False
        assert second["state"] == {"count": 1}
        assert final["Records"] == [] and final["isFinalInvokeForWindow"] is True
        assert final["state"] == {"count": 2} and final["shardId"].startswith("shardId-")
        assert fresh["state"] == {} and fresh["window"]["start"] == _iso(start + 60)
        assert fresh["eventSourceARN"] == stream_arn and fresh["isWindowTerminatedEarly"] is False
    finally:
        cloud.stop()


def _iso(epoch_s: float) -> str:
    from fogbank.core.clock import iso8601

    return iso8601(epoch_s)[:19] + "Z"


def test_binary_attributes_arrive_base64_encoded(cloud: CloudHarness, tmp_path: Path) -> None:
    _, table, out, _ = _setup(cloud, tmp_path)
    cloud.call("dynamodb", "PutItem", TableName=table, Item={
        "pk": {"S": "bin"}, "blob": {"B": b"\x00\xff"}, "blobs": {"BS": [b"\x01"]}})
    events = cloud.wait_for(lambda: read_lines(out))
    image = events[0]["Records"][0]["dynamodb"]["NewImage"]
    assert image["blob"] == {"B": "AP8="} and image["blobs"] == {"BS": ["AQ=="]}
    DynamoDBStreamModel(**events[0])
