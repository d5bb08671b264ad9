"""SAM's Schedule, ScheduleV2, EventBridgeRule and CloudWatchEvent function events and a raw
AWS::Events::Rule with an SQS target, end to end over the wire on a ManualClock. Every
event a function receives is judged by Powertools' EventBridgeModel."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from fogbank.core.clock import ManualClock
from fogbank.testing import RunningApp, run_app

APP = Path(__file__).parent / "apps" / "event_sources"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(float(int(time.time())))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Iterator[RunningApp]:
    with run_app(APP, state_dir=tmp_path_factory.mktemp("events-e2e"), clock=clock) as running:
        yield running


def received(app: RunningApp, function: str, count: int, wait_s: float = 20) -> list[Any]:
    """The events a function printed, waiting (real time) until there are ``count``."""
    deadline = time.monotonic() + wait_s
    while True:
        events = [json.loads(line.split("EVENT ", 1)[1])
                  for line in app.logs(function, wait_s=0) if "EVENT " in line]
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


def test_resources_are_wired(app):
    events = app.client("events")
    rules = events.list_rules(EventBusName="shop")["Rules"]
    assert {r["Name"] for r in rules} == {
        app.stack.physical_id("AuditRule").split("|")[1],
        app.stack.physical_id("EventFunctionOrders").split("|")[1]}
    assert app.stack.physical_id("AuditRule").startswith("shop|")
    default_rules = events.list_rules()["Rules"]
    assert any(r.get("ScheduleExpression") == "rate(1 minute)" for r in default_rules)
    schedules = app.client("scheduler").list_schedules()["Schedules"]
    assert [s["Name"] for s in schedules] == ["ScheduledFunctionEveryMinuteV2"]


def test_put_events_to_custom_bus_reaches_function_and_queue(app):
    events = app.client("events")
    result = events.put_events(Entries=[
        {"Source": "shop.orders", "DetailType": "Order Placed", "EventBusName": "shop",
         "Detail": json.dumps({"id": "o-1", "total": 150}),
         "Time": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"Source": "shop.orders", "DetailType": "Order Placed", "EventBusName": "shop",
         "Detail": json.dumps({"id": "o-2", "total": 5})},
    ])
    assert result["FailedEntryCount"] == 0
    got = received(app, "EventFunction", 1)
    assert len(got) == 1
    model = EventBridgeModel(**got[0])
    assert model.source == "shop.orders" and model.detail["id"] == "o-1"
    assert got[0]["id"] == result["Entries"][0]["EventId"]
    assert got[0]["time"] == "2026-01-02T03:04:05Z"
    sqs = app.client("sqs")
    url = sqs.get_queue_url(QueueName=app.stack.physical_id("AuditQueue").rsplit("/", 1)[1])[
        "QueueUrl"]
    bodies: list[Any] = []
    deadline = time.monotonic() + 10
    while len(bodies) < 2 and time.monotonic() < deadline:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        bodies += [json.loads(m["Body"]) for m in reply.get("Messages", [])]
    rule_name = app.stack.physical_id("AuditRule").split("|")[1]
    assert sorted(b["order"] for b in bodies) == ["o-1", "o-2"]
    assert all(b["kind"] == "Order Placed" and b["rule"] == rule_name for b in bodies)


def test_cloudwatch_event_with_input_path(app):
    app.client("events").put_events(Entries=[
        {"Source": "legacy.app", "DetailType": "Ping", "Detail": json.dumps({"legacy": 1})}])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if {"legacy": 1} in received(app, "EventFunction", 0, wait_s=0):
            break
        time.sleep(0.1)
    assert {"legacy": 1} in received(app, "EventFunction", 0, wait_s=0)


def test_schedule_and_schedule_v2_fire_when_the_clock_advances(app, clock):
    # The rate schedule (ScheduleV2) runs at once; the rate rule (Schedule) one minute later.
    first = received(app, "ScheduledFunction", 1)
    assert [e.get("v2") for e in first] == [True]
    clock.advance(61)
    got = received(app, "ScheduledFunction", 3)
    scheduled = [e for e in got if e.get("detail-type") == "Scheduled Event"]
    v2 = [e for e in got if e.get("v2")]
    assert len(scheduled) == 1 and len(v2) == 2
    model = EventBridgeModel(**scheduled[0])
    assert model.source == "aws.events" and scheduled[0]["detail"] == {}
    assert scheduled[0]["resources"][0].startswith("arn:aws:events:")
    assert all(event["at"].endswith("Z") for event in v2)
    clock.advance(60)
    assert len(received(app, "ScheduledFunction", 5)) == 5


def test_wire_errors_and_shapes(app):
    from botocore.exceptions import ClientError

    events = app.client("events")
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="bad", EventPattern='{"source": "x"}')
    assert caught.value.response["Error"]["Code"] == "InvalidEventPatternException"
    with pytest.raises(ClientError) as caught:
        events.describe_rule(Name="missing")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert events.test_event_pattern(
        EventPattern='{"source": ["a"]}',
        Event=json.dumps({"id": "1", "account": "000000000000", "source": "a",
                          "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
                          "resources": [], "detail-type": "x", "detail": {}}))["Result"]
    bus = events.describe_event_bus(Name="shop")
    assert bus["Arn"].endswith(":event-bus/shop") and bus["CreationTime"].year >= 2026

    scheduler = app.client("scheduler")
    scheduler.create_schedule_group(Name="wire")
    scheduler.create_schedule(
        Name="later", GroupName="wire", ScheduleExpression="cron(0 9 ? * MON-FRI *)",
        ScheduleExpressionTimezone="Europe/Berlin", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:sqs:us-east-1:000000000000:nowhere",
                "RoleArn": "arn:aws:iam::000000000000:role/r", "Input": "{}"})
    got = scheduler.get_schedule(Name="later", GroupName="wire")
    assert got["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert got["CreationDate"].year >= 2026 and got["Arn"].endswith(":schedule/wire/later")
    with pytest.raises(ClientError) as caught:
        scheduler.create_schedule(
            Name="later", GroupName="wire", ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:sqs:us-east-1:000000000000:nowhere",
                    "RoleArn": "arn:aws:iam::000000000000:role/r"})
    assert caught.value.response["Error"]["Code"] == "ConflictException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    scheduler.delete_schedule(Name="later", GroupName="wire")
    scheduler.delete_schedule_group(Name="wire")


def test_undeliverable_event_lands_in_the_dead_letter_queue(app):
    app.client("events").put_events(Entries=[
        {"Source": "broken.app", "DetailType": "Doomed", "Detail": json.dumps({"n": 7})}])
    sqs = app.client("sqs")
    url = sqs.get_queue_url(QueueName=app.stack.physical_id("DeadQueue").rsplit("/", 1)[1])[
        "QueueUrl"]
    messages: list[Any] = []
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                       MessageAttributeNames=["All"]).get("Messages", [])
    assert len(messages) == 1
    EventBridgeModel(**json.loads(messages[0]["Body"]))
    attributes = messages[0]["MessageAttributes"]
    assert attributes["ERROR_CODE"]["StringValue"] == "ResourceNotFoundException"
    assert attributes["RULE_ARN"]["StringValue"] == app.stack.outputs.get(
        "BrokenRuleArn", attributes["RULE_ARN"]["StringValue"])
    assert attributes["TARGET_ARN"]["StringValue"].endswith(":function:does-not-exist")


def test_sam_dead_letter_queue_and_retry_policy_are_on_the_target(app):
    events = app.client("events")
    rule = app.stack.physical_id("EventFunctionOrders").split("|")[1]
    (target,) = events.list_targets_by_rule(Rule=rule, EventBusName="shop")["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 900}
    assert target["DeadLetterConfig"]["Arn"].startswith("arn:aws:sqs:")


def test_s3_eventbridge_notifications_reach_a_rule(app):
    from aws_lambda_powertools.utilities.parser.models import (
        S3EventNotificationEventBridgeModel,
    )

    s3, events, sqs = app.client("s3"), app.client("events"), app.client("sqs")
    s3.create_bucket(Bucket="events-e2e")
    s3.put_bucket_notification_configuration(
        Bucket="events-e2e", NotificationConfiguration={"EventBridgeConfiguration": {}})
    url = sqs.create_queue(QueueName="s3-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    events.put_rule(Name="s3-created", EventPattern=json.dumps({
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["events-e2e"]}, "object": {"key": [{"suffix": ".txt"}]}}}))
    events.put_targets(Rule="s3-created", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_object(Bucket="events-e2e", Key="skip.bin", Body=b"x")
    s3.put_object(Bucket="events-e2e", Key="a b.txt", Body=b"hi")
    messages: list[Any] = []
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                       MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1
    model = S3EventNotificationEventBridgeModel(**json.loads(messages[0]["Body"]))
    assert model.detail.object.key == "a b.txt" and model.detail.bucket.name == "events-e2e"


def test_sns_target_through_a_real_topic(app):
    sns, events, sqs = app.client("sns"), app.client("events"), app.client("sqs")
    topic = sns.create_topic(Name="events-e2e")["TopicArn"]
    url = sqs.create_queue(QueueName="from-topic")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    events.put_rule(Name="to-topic", EventPattern='{"source": ["topic.app"]}')
    events.put_targets(Rule="to-topic", Targets=[{"Id": "t", "Arn": topic}])
    events.put_events(Entries=[{"Source": "topic.app", "DetailType": "Note",
                                "Detail": json.dumps({"k": "v"})}])
    messages: list[Any] = []
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
    assert len(messages) == 1
    assert EventBridgeModel(**json.loads(messages[0]["Body"])).detail == {"k": "v"}
