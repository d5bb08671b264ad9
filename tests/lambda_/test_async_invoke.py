"""Asynchronous invocation on a whole local cloud with a ManualClock: EventInvokeConfig
operations, AWS's retry schedule, event age, destinations (SQS, Lambda) and the function's
dead-letter queue."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.errors import ServiceError
from tests.lambda_.cloud_harness import CloudHarness, read_lines

FLAKY = """
    import json, os
    def handler(event, context):
        with open(os.environ["OUT"], "a") as out:
            out.write(json.dumps({"event": event, "id": context.aws_request_id}) + "\\n")
        if event.get("fail"):
            raise ValueError("it went wrong")
        return {"ok": event.get("n")}
"""


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def cloud(runner: asyncio.Runner, tmp_path_factory: pytest.TempPathFactory,
          clock: ManualClock) -> Iterator[CloudHarness]:
    harness = CloudHarness(runner, tmp_path_factory.mktemp("async"), clock=clock)
    yield harness
    harness.stop()


def _function(cloud: CloudHarness, tmp_path: Path, **params: Any) -> tuple[str, Path]:
    out = tmp_path / cloud.unique("calls.jsonl")
    name = cloud.function(FLAKY, Environment={"Variables": {"OUT": str(out)}}, **params)
    return name, out


def _queue(cloud: CloudHarness) -> tuple[str, str]:
    url = cloud.call("sqs", "CreateQueue", QueueName=cloud.unique("dest"))["QueueUrl"]
    arn = cloud.call("sqs", "GetQueueAttributes", QueueUrl=url,
                     AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _receive(cloud: CloudHarness, url: str) -> list[dict[str, Any]]:
    return cloud.call("sqs", "ReceiveMessage", QueueUrl=url, WaitTimeSeconds=2,
                      MessageAttributeNames=["All"]).get("Messages", [])


def _error(cloud: CloudHarness, code: str, operation: str, **params: Any) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        cloud.call("lambda", operation, **params)
    assert caught.value.error_code == code, caught.value
    return caught.value


def _invoke_event(cloud: CloudHarness, name: str, payload: dict[str, Any]) -> None:
    result = cloud.call("lambda", "Invoke", FunctionName=name, InvocationType="Event",
                        Payload=json.dumps(payload).encode())
    assert result["StatusCode"] == 202


def _attempts(cloud: CloudHarness) -> list[int]:
    return [int(doc.get("attempts", 0)) for _, doc in cloud.lam.store.pending_events()]


def test_event_invoke_config_operations(cloud: CloudHarness, tmp_path: Path) -> None:
    name, _ = _function(cloud, tmp_path)
    _, arn = _queue(cloud)
    _error(cloud, "ResourceNotFoundException", "GetFunctionEventInvokeConfig",
           FunctionName=name)
    put = cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
                     MaximumRetryAttempts=1,
                     DestinationConfig={"OnFailure": {"Destination": arn}})
    assert put["FunctionArn"].endswith(f":function:{name}:$LATEST")
    assert put["MaximumRetryAttempts"] == 1 and "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": arn}}
    updated = cloud.call("lambda", "UpdateFunctionEventInvokeConfig", FunctionName=name,
                         MaximumEventAgeInSeconds=120)
    assert updated["MaximumRetryAttempts"] == 1 and updated["MaximumEventAgeInSeconds"] == 120
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": arn}
    assert cloud.call("lambda", "GetFunctionEventInvokeConfig",
                      FunctionName=name)["MaximumEventAgeInSeconds"] == 120
    listed = cloud.call("lambda", "ListFunctionEventInvokeConfigs", FunctionName=name)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [put["FunctionArn"]]
    replaced = cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name)
    assert "MaximumRetryAttempts" not in replaced
    assert replaced["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    cloud.call("lambda", "DeleteFunctionEventInvokeConfig", FunctionName=name)
    _error(cloud, "ResourceNotFoundException", "DeleteFunctionEventInvokeConfig",
           FunctionName=name)


def test_event_invoke_config_validation(cloud: CloudHarness, tmp_path: Path) -> None:
    name, _ = _function(cloud, tmp_path)
    _error(cloud, "ValidationException", "PutFunctionEventInvokeConfig",
           FunctionName=name, MaximumRetryAttempts=3)
    _error(cloud, "ValidationException", "PutFunctionEventInvokeConfig",
           FunctionName=name, MaximumEventAgeInSeconds=59)
    _error(cloud, "InvalidParameterValueException", "PutFunctionEventInvokeConfig",
           FunctionName=name, DestinationConfig={
               "OnSuccess": {"Destination": "arn:aws:s3:::bucket"}})
    _error(cloud, "InvalidParameterValueException", "PutFunctionEventInvokeConfig",
           FunctionName=name, DestinationConfig={"OnSuccess": {
               "Destination": f"arn:aws:lambda:us-east-1:000000000000:function:{name}"}})
    _error(cloud, "ResourceNotFoundException", "PutFunctionEventInvokeConfig",
           FunctionName="missing-function", MaximumRetryAttempts=0)
    _error(cloud, "ResourceNotFoundException", "PutFunctionEventInvokeConfig",
           FunctionName=name, Qualifier="7", MaximumRetryAttempts=0)


def test_retries_follow_the_clock_then_failure_destination_and_dlq(
        cloud: CloudHarness, clock: ManualClock, tmp_path: Path) -> None:
    dlq_url, dlq_arn = _queue(cloud)
    dest_url, dest_arn = _queue(cloud)
    name, out = _function(cloud, tmp_path, DeadLetterConfig={"TargetArn": dlq_arn})
    cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
               DestinationConfig={"OnFailure": {"Destination": dest_arn}})
    _invoke_event(cloud, name, {"fail": True, "n": 1})
    cloud.wait_for(lambda: len(read_lines(out)) == 1 and _attempts(cloud) == [1])
    cloud.run(asyncio.sleep(0.1))
    assert len(read_lines(out)) == 1  # the first retry waits about a minute
    clock.advance(59)
    cloud.run(asyncio.sleep(0.1))
    assert len(read_lines(out)) == 1
    clock.advance(1)
    cloud.wait_for(lambda: len(read_lines(out)) == 2 and _attempts(cloud) == [2])
    clock.advance(120)
    cloud.wait_for(lambda: len(read_lines(out)) == 3)
    assert len({line["id"] for line in read_lines(out)}) == 1  # one request id throughout
    messages = cloud.wait_for(lambda: _receive(cloud, dest_url))
    record = json.loads(messages[0]["Body"])
    assert record["version"] == "1.0" and record["timestamp"].endswith("Z")
    context = record["requestContext"]
    assert context["condition"] == "RetriesExhausted" and context["approximateInvokeCount"] == 3
    assert context["functionArn"].endswith(f":function:{name}:$LATEST")
    assert context["requestId"] == read_lines(out)[0]["id"]
    assert record["requestPayload"] == {"fail": True, "n": 1}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"]["errorMessage"] == "it went wrong"
    dead = cloud.wait_for(lambda: _receive(cloud, dlq_url))
    assert json.loads(dead[0]["Body"]) == {"fail": True, "n": 1}
    attributes = dead[0]["MessageAttributes"]
    assert attributes["RequestID"]["StringValue"] == context["requestId"]
    assert attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    assert attributes["ErrorMessage"]["StringValue"] == "it went wrong"
    cloud.wait_for(lambda: cloud.lam.store.pending_events() == [])


def test_no_retries_and_success_destination_to_a_function(
        cloud: CloudHarness, tmp_path: Path) -> None:
    receiver, received = _function(cloud, tmp_path)
    receiver_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{receiver}"
    name, out = _function(cloud, tmp_path)
    cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
               MaximumRetryAttempts=0,
               DestinationConfig={"OnSuccess": {"Destination": receiver_arn}})
    _invoke_event(cloud, name, {"n": 7})
    lines = cloud.wait_for(lambda: read_lines(received))
    record = lines[0]["event"]
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"] == {"ok": 7}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    _invoke_event(cloud, name, {"n": 8, "fail": True})
    cloud.wait_for(lambda: len(read_lines(out)) == 2 and cloud.lam.store.pending_events() == [])
    assert len(read_lines(received)) == 1  # a failure is not a success


def test_event_age_exceeded(cloud: CloudHarness, clock: ManualClock, tmp_path: Path) -> None:
    dest_url, dest_arn = _queue(cloud)
    name, out = _function(cloud, tmp_path)
    cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
               MaximumEventAgeInSeconds=60,
               DestinationConfig={"OnFailure": {"Destination": dest_arn}})
    _invoke_event(cloud, name, {"fail": True})
    cloud.wait_for(lambda: _attempts(cloud) == [1])
    clock.advance(60)
    cloud.wait_for(lambda: _attempts(cloud) == [2])
    clock.advance(120)
    messages = cloud.wait_for(lambda: _receive(cloud, dest_url))
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert len(read_lines(out)) == 2


def test_eventbridge_destination_and_sns_dead_letter_topic(
        cloud: CloudHarness, tmp_path: Path) -> None:
    bus = cloud.unique("bus")
    bus_arn = cloud.call("events", "CreateEventBus", Name=bus)["EventBusArn"]
    results_url, results_arn = _queue(cloud)
    cloud.call("events", "PutRule", Name="results", EventBusName=bus,
               EventPattern=json.dumps({"source": ["lambda"]}))
    cloud.call("events", "PutTargets", Rule="results", EventBusName=bus,
               Targets=[{"Id": "q", "Arn": results_arn}])
    topic_arn = cloud.call("sns", "CreateTopic", Name=cloud.unique("dead"))["TopicArn"]
    dead_url, dead_arn = _queue(cloud)
    cloud.call("sns", "Subscribe", TopicArn=topic_arn, Protocol="sqs", Endpoint=dead_arn,
               Attributes={"RawMessageDelivery": "true"})
    name, _ = _function(cloud, tmp_path, DeadLetterConfig={"TargetArn": topic_arn})
    cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
               MaximumRetryAttempts=0, DestinationConfig={
                   "OnSuccess": {"Destination": bus_arn},
                   "OnFailure": {"Destination": bus_arn}})
    _invoke_event(cloud, name, {"n": 1})
    _invoke_event(cloud, name, {"n": 2, "fail": True})
    found: list[dict[str, Any]] = []

    def two_results() -> bool:
        found.extend(_receive(cloud, results_url))
        return len(found) >= 2

    cloud.wait_for(two_results)
    events = sorted((json.loads(m["Body"]) for m in found), key=lambda e: e["detail-type"])
    assert [e["detail-type"] for e in events] == [
        "Lambda Function Invocation Result - Failure",
        "Lambda Function Invocation Result - Success"]
    assert events[0]["source"] == "lambda"
    assert events[0]["detail"]["requestContext"]["condition"] == "RetriesExhausted"
    assert events[1]["detail"]["responsePayload"] == {"ok": 1}
    dead = cloud.wait_for(lambda: _receive(cloud, dead_url))
    assert json.loads(dead[0]["Body"]) == {"n": 2, "fail": True}
    assert dead[0]["MessageAttributes"]["ErrorMessage"]["StringValue"] == "it went wrong"


def test_retry_state_survives_a_restart(runner: asyncio.Runner, tmp_path: Path) -> None:
    clock = ManualClock()
    first = CloudHarness(runner, tmp_path / "cloud", clock=clock)
    dest_url, dest_arn = _queue(first)
    name, out = _function(first, tmp_path)
    first.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
               MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": dest_arn}})
    _invoke_event(first, name, {"fail": True})
    first.wait_for(lambda: _attempts(first) == [1])
    first.stop()
    second = CloudHarness(runner, tmp_path / "cloud", clock=clock)
    try:
        second.run(asyncio.sleep(0.3))
        assert len(read_lines(out)) == 1  # the retry still waits for its minute
        clock.advance(60)
        messages = second.wait_for(lambda: _receive(second, dest_url))
        record = json.loads(messages[0]["Body"])
        assert record["requestContext"]["approximateInvokeCount"] == 2
        assert len(read_lines(out)) == 2
    finally:
        second.stop()


def test_config_of_an_alias_applies_to_invokes_through_it(
        cloud: CloudHarness, tmp_path: Path) -> None:
    dest_url, dest_arn = _queue(cloud)
    name, out = _function(cloud, tmp_path)
    cloud.call("lambda", "PublishVersion", FunctionName=name)
    cloud.call("lambda", "CreateAlias", FunctionName=name, Name="live", FunctionVersion="1")
    put = cloud.call("lambda", "PutFunctionEventInvokeConfig", FunctionName=name,
                     Qualifier="live", MaximumRetryAttempts=0,
                     DestinationConfig={"OnFailure": {"Destination": dest_arn}})
    assert put["FunctionArn"].endswith(f":function:{name}:live")
    listed = cloud.call("lambda", "ListFunctionEventInvokeConfigs", FunctionName=name)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [put["FunctionArn"]]
    _invoke_event(cloud, f"{name}:live", {"fail": True})
    record = json.loads(cloud.wait_for(lambda: _receive(cloud, dest_url))[0]["Body"])
    assert record["requestContext"]["functionArn"].endswith(f":function:{name}:live")
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"]["executedVersion"] == "1"
    assert len(read_lines(out)) == 1


def test_a_burst_on_reserved_concurrency_waits_for_slots_not_backoff(
        cloud: CloudHarness, tmp_path: Path) -> None:
    """Eight queued events for a function reserved to 1: each waits for the free slot. A
    throttled event would back off on the ManualClock, which this test never advances, so a
    self-inflicted throttle would leave events undelivered."""
    name, out = _function(cloud, tmp_path)
    cloud.call("lambda", "PutFunctionConcurrency", FunctionName=name,
               ReservedConcurrentExecutions=1)
    for n in range(8):
        _invoke_event(cloud, name, {"n": n})
    calls = cloud.wait_for(lambda: (lines := read_lines(out)) and len(lines) == 8 and lines,
                           timeout_s=60)
    assert sorted(call["event"]["n"] for call in calls) == list(range(8))
    cloud.wait_for(lambda: not _attempts(cloud))
