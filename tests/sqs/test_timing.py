"""Clock-driven behaviour over the wire with a ManualClock: delays, visibility timeouts,
retention, purge interval, dead-letter queues and long polls woken by the clock."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp, run_app
from tests.sqs.conftest import APPS, sqs_client


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Iterator[RunningApp]:
    with run_app(APPS / "queues", state_dir=tmp_path_factory.mktemp("sqs-clock"),
                 clock=clock) as running:
        yield running


@pytest.fixture(scope="module")
def sqs(app: RunningApp) -> Any:
    return sqs_client(app.edge_url, app.region)


def bodies(sqs: Any, url: str, **kwargs: Any) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs)
    return [m["Body"] for m in messages.get("Messages", [])]


def arn_of(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"])


def test_message_and_queue_delays(sqs: Any, clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="delays", Attributes={"DelaySeconds": "30"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="own delay", DelaySeconds=5)
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert bodies(sqs, url, VisibilityTimeout=0) == ["no delay"]
    clock.advance(5)
    assert sorted(bodies(sqs, url, VisibilityTimeout=0)) == ["no delay", "own delay"]
    clock.advance(25)
    assert len(bodies(sqs, url, VisibilityTimeout=0)) == 3


def test_visibility_timeout_expiry_returns_messages(sqs: Any, clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="visibility",
                           Attributes={"VisibilityTimeout": "20"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="m")
    assert bodies(sqs, url) == ["m"]
    clock.advance(19)
    assert bodies(sqs, url) == []
    clock.advance(1)
    assert bodies(sqs, url, VisibilityTimeout=100) == ["m"]
    clock.advance(99)
    assert bodies(sqs, url) == []
    clock.advance(1)
    message = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
    assert message["Attributes"]["ApproximateReceiveCount"] == "3"


def test_long_poll_wakes_when_the_clock_makes_a_message_visible(sqs: Any,
                                                                 clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="clock-poll")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    result: dict[str, Any] = {}
    poller = threading.Thread(target=lambda: result.update(
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)))
    poller.start()
    time.sleep(0.3)
    assert poller.is_alive()
    clock.advance(60)
    poller.join(10)
    assert not poller.is_alive()
    assert result["Messages"][0]["Body"] == "later"


def test_retention_drops_old_messages(sqs: Any, clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="retention",
                           Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    clock.advance(30)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    clock.advance(31)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "1"
    assert bodies(sqs, url) == ["young"]


def test_purge_is_allowed_again_after_60_seconds(sqs: Any, clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="purging")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    with pytest.raises(ClientError):
        sqs.purge_queue(QueueUrl=url)
    clock.advance(60)
    sqs.purge_queue(QueueUrl=url)


def test_poison_message_goes_to_the_dead_letter_queue(sqs: Any, clock: ManualClock) -> None:
    dlq = sqs.create_queue(QueueName="poison-dlq")["QueueUrl"]
    source = sqs.create_queue(QueueName="poison-source", Attributes={
        "VisibilityTimeout": "10",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq),
                                     "maxReceiveCount": 2})})["QueueUrl"]
    sqs.send_message(QueueUrl=source, MessageBody="poison", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "bad"}})
    for _ in range(2):
        got = sqs.receive_message(QueueUrl=source)["Messages"]
        assert [m["Body"] for m in got] == ["poison"]
        clock.advance(10)  # the consumer failed: the message comes back
    sqs.send_message(QueueUrl=source, MessageBody="healthy")
    assert bodies(sqs, source) == ["healthy"]  # the poison one moved instead
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"],
                                MessageAttributeNames=["All"])["Messages"][0]
    assert moved["Body"] == "poison"
    assert moved["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "bad"}}
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == arn_of(sqs, source)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [source]


def test_redrive_allow_policy(sqs: Any) -> None:
    closed = sqs.create_queue(QueueName="closed-dlq", Attributes={
        "RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="wants-closed", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": arn_of(sqs, closed), "maxReceiveCount": 1})})
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    source_arn = "arn:aws:sqs:us-east-1:000000000000:chosen-source"
    chosen = sqs.create_queue(QueueName="chosen-dlq", Attributes={
        "RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue",
                                          "sourceQueueArns": [source_arn]})})["QueueUrl"]
    sqs.create_queue(QueueName="chosen-source", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn_of(sqs, chosen), "maxReceiveCount": 1})})
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName="not-chosen", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": arn_of(sqs, chosen), "maxReceiveCount": 1})})
    with pytest.raises(ClientError) as caught:
        sqs.set_queue_attributes(QueueUrl=chosen, Attributes={"RedriveAllowPolicy": json.dumps(
            {"redrivePermission": "byQueue"})})
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_message_move_task_redrives_to_the_source(sqs: Any, clock: ManualClock) -> None:
    dlq = sqs.create_queue(QueueName="move-dlq")["QueueUrl"]
    source = sqs.create_queue(QueueName="move-source", Attributes={
        "VisibilityTimeout": "0",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq),
                                     "maxReceiveCount": 1})})["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")
    for _ in range(3):
        bodies(sqs, source)
    assert bodies(sqs, source) == []
    assert sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "3"
    with pytest.raises(ClientError) as caught:
        sqs.start_message_move_task(SourceArn=arn_of(sqs, source))
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))["TaskHandle"]
    assert handle
    deadline = time.monotonic() + 10
    while True:
        task = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"][0]
        if task["Status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert "TaskHandle" not in task
    assert sorted(bodies(sqs, source)) == ["m0", "m1", "m2"]


def test_rate_limited_move_task_can_be_cancelled(sqs: Any, clock: ManualClock) -> None:
    dlq = sqs.create_queue(QueueName="slow-dlq")["QueueUrl"]
    target = sqs.create_queue(QueueName="slow-target")["QueueUrl"]
    sqs.create_queue(QueueName="slow-source", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})})
    sqs.send_message_batch(QueueUrl=dlq, Entries=[{"Id": str(i), "MessageBody": str(i)}
                                                  for i in range(5)])
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq),
                                         DestinationArn=arn_of(sqs, target),
                                         MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
    deadline = time.monotonic() + 10
    while sqs.get_queue_attributes(QueueUrl=target, AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] != "2":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(ClientError):  # one task per source at a time
        sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))
    assert sqs.cancel_message_move_task(TaskHandle=handle)[
        "ApproximateNumberOfMessagesMoved"] == 2
    clock.advance(5)
    time.sleep(0.1)
    task = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"][0]
    assert task["Status"] == "CANCELLED"
    assert len(bodies(sqs, target)) == 2


def test_visibility_cannot_pass_twelve_hours_from_first_receive(sqs: Any,
                                                                clock: ManualClock) -> None:
    url = sqs.create_queue(QueueName="twelve-hours")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=43200)["Messages"][0][
        "ReceiptHandle"]
    clock.advance(100)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43100)
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle,
                                      VisibilityTimeout=43101)
    assert "beyond the limit [43200 seconds]" in caught.value.response["Error"]["Message"]
