"""EventBridge provider: buses, rules, targets, tags, PutEvents validation and the event
envelope (judged by Powertools' EventBridgeModel)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from fogbank.services.events.errors import (
    InvalidEventPatternException,
    LimitExceededException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
)

FN = "arn:aws:lambda:eu-west-1:000000000000:function:handler"
QUEUE = "arn:aws:sqs:eu-west-1:000000000000:inbox"


def test_default_bus_exists_and_custom_buses(harness):
    assert harness.describe_event_bus()["Name"] == "default"
    arn = harness.create_event_bus(name="orders")["EventBusArn"]
    assert arn == "arn:aws:events:eu-west-1:000000000000:event-bus/orders"
    with pytest.raises(ResourceAlreadyExistsException):
        harness.create_event_bus(name="orders")
    names = [b["Name"] for b in harness.list_event_buses()["EventBuses"]]
    assert names == ["default", "orders"]
    assert harness.describe_event_bus(name=arn)["Name"] == "orders"
    with pytest.raises(ValidationException, match="Cannot delete event bus default."):
        harness.delete_event_bus(name="default")
    harness.delete_event_bus(name="orders")
    with pytest.raises(ResourceNotFoundException, match="Event bus orders does not exist."):
        harness.describe_event_bus(name="orders")


def test_put_rule_validation(harness):
    with pytest.raises(ValidationException, match="EventPattern or ScheduleExpression"):
        harness.put_rule(name="r")
    with pytest.raises(InvalidEventPatternException, match="Event pattern is not valid. Reason:"):
        harness.put_rule(name="r", event_pattern='{"source": "x"}')
    with pytest.raises(ValidationException, match="Parameter ScheduleExpression is not valid."):
        harness.put_rule(name="r", schedule_expression="rate(1 minutes)")
    harness.create_event_bus(name="custom")
    with pytest.raises(ValidationException, match="only on the default event bus"):
        harness.put_rule(name="r", schedule_expression="rate(1 minute)",
                         event_bus_name="custom")
    with pytest.raises(ValidationException, match="regular expression"):
        harness.put_rule(name="bad name", event_pattern='{"source": ["x"]}')
    with pytest.raises(ResourceNotFoundException):
        harness.put_rule(name="r", event_pattern='{"source": ["x"]}', event_bus_name="nope")


def test_rule_lifecycle_and_listing(harness):
    arn = harness.put_rule(name="r1", event_pattern='{"source": ["a"]}',
                           description="first")["RuleArn"]
    assert arn == "arn:aws:events:eu-west-1:000000000000:rule/r1"
    harness.create_event_bus(name="custom")
    custom = harness.put_rule(name="r1", event_pattern='{"source": ["a"]}',
                              event_bus_name="custom")["RuleArn"]
    assert custom.endswith(":rule/custom/r1")
    for name in ("r2", "r3", "other"):
        harness.put_rule(name=name, schedule_expression="cron(0 12 * * ? *)")
    described = harness.describe_rule(name="r1")
    assert described == {"Name": "r1", "Arn": arn, "EventPattern": '{"source": ["a"]}',
                         "State": "ENABLED", "Description": "first", "EventBusName": "default",
                         "CreatedBy": "000000000000"}
    first = harness.list_rules(name_prefix="r", limit=2)
    assert [r["Name"] for r in first["Rules"]] == ["r1", "r2"]
    second = harness.list_rules(name_prefix="r", limit=2, next_token=first["NextToken"])
    assert [r["Name"] for r in second["Rules"]] == ["r3"] and "NextToken" not in second
    harness.disable_rule(name="r1")
    assert harness.describe_rule(name="r1")["State"] == "DISABLED"
    harness.enable_rule(name="r1")
    assert harness.describe_rule(name="r1")["State"] == "ENABLED"
    with pytest.raises(ResourceNotFoundException,
                       match="Rule nope does not exist on EventBus default."):
        harness.describe_rule(name="nope")


def test_targets(harness):
    harness.put_rule(name="r", event_pattern='{"source": ["a"]}')
    result = harness.put_targets(rule="r", targets=[
        {"Id": "fn", "Arn": FN}, {"Id": "q", "Arn": QUEUE, "InputPath": "$.detail"}])
    assert result == {"FailedEntryCount": 0, "FailedEntries": []}
    listed = harness.list_targets_by_rule(rule="r")["Targets"]
    assert [t["Id"] for t in listed] == ["fn", "q"]
    assert harness.list_rule_names_by_target(target_arn=FN)["RuleNames"] == ["r"]
    with pytest.raises(ValidationException, match="Rule can't be deleted since it has targets."):
        harness.delete_rule(name="r")
    with pytest.raises(ValidationException, match="mutually exclusive"):
        harness.put_targets(rule="r", targets=[{"Id": "x", "Arn": FN, "Input": "{}",
                                                "InputPath": "$"}])
    with pytest.raises(ValidationException, match="SqsParameters must be specified"):
        harness.put_targets(rule="r", targets=[
            {"Id": "f", "Arn": "arn:aws:sqs:eu-west-1:000000000000:q.fifo"}])
    with pytest.raises(ValidationException, match="not in correct format"):
        harness.put_targets(rule="r", targets=[{"Id": "x", "Arn": "nope"}])
    harness.put_targets(rule="r", targets=[{"Id": f"t{i}", "Arn": FN} for i in range(3)])
    with pytest.raises(LimitExceededException):
        harness.put_targets(rule="r", targets=[{"Id": "sixth", "Arn": FN}])
    harness.remove_targets(rule="r", ids=["fn", "q", "t0", "t1", "t2"])
    harness.delete_rule(name="r")
    assert harness.list_rules()["Rules"] == []


def test_tags(harness):
    arn = harness.put_rule(name="r", event_pattern='{"source": ["a"]}',
                           tags=[{"Key": "team", "Value": "core"}])["RuleArn"]
    harness.tag_resource(resource_arn=arn, tags=[{"Key": "env", "Value": "dev"}])
    tags = harness.list_tags_for_resource(resource_arn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "core")]
    harness.untag_resource(resource_arn=arn, tag_keys=["team"])
    assert harness.list_tags_for_resource(resource_arn=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}]
    bus = harness.create_event_bus(name="b", tags=[{"Key": "k", "Value": "v"}])["EventBusArn"]
    assert harness.list_tags_for_resource(resource_arn=bus)["Tags"] == [{"Key": "k", "Value": "v"}]
    with pytest.raises(ResourceNotFoundException):
        harness.list_tags_for_resource(
            resource_arn="arn:aws:events:eu-west-1:000000000000:rule/missing")


def test_put_events_entry_errors(harness):
    result = harness.put_events(entries=[
        {"Source": "my.app", "DetailType": "t", "Detail": "{}"},
        {"DetailType": "t", "Detail": "{}"},
        {"Source": "s", "Detail": "{}"},
        {"Source": "s", "DetailType": "t"},
        {"Source": "s", "DetailType": "t", "Detail": "[1, 2]"},
        {"Source": "s", "DetailType": "t", "Detail": "{oops"},
        {"Source": "aws.ec2", "DetailType": "t", "Detail": "{}"},
        {"Source": "s", "DetailType": "t", "Detail": "{}", "EventBusName": "ghost"},
    ])
    codes = [entry.get("ErrorCode") for entry in result["Entries"]]
    assert codes == [None, "InvalidArgument", "InvalidArgument", "InvalidArgument",
                     "MalformedDetail", "MalformedDetail", "NotAuthorizedForSourceException",
                     "ResourceNotFoundException"]
    assert result["FailedEntryCount"] == 7
    assert len(result["Entries"][0]["EventId"]) == 36
    assert result["Entries"][1]["ErrorMessage"] == (
        "Parameter Source is not valid. Reason: Source is a required argument.")
    with pytest.raises(ValidationException, match="length less than or equal to 10"):
        harness.put_events(entries=[{"Source": "s", "DetailType": "t", "Detail": "{}"}] * 11)
    with pytest.raises(ValidationException, match="over the limit"):
        harness.put_events(entries=[{"Source": "s", "DetailType": "t",
                                     "Detail": json.dumps({"x": "a" * 300_000})}])


def test_matching_event_reaches_lambda_as_eventbridge_event(harness):
    asyncio.run(_matching_event_reaches_lambda(harness))


async def _matching_event_reaches_lambda(harness):
    harness.put_rule(name="r", event_pattern=json.dumps(
        {"source": ["my.app"], "detail": {"kind": [{"prefix": "order"}]}}))
    harness.put_targets(rule="r", targets=[{"Id": "fn", "Arn": FN}])
    await harness.provider.start()
    try:
        when = datetime(2026, 11, 27, 20, 40, 31, 500000, tzinfo=UTC)
        result = harness.put_events(entries=[
            {"Source": "my.app", "DetailType": "Order Placed", "Time": when,
             "Detail": json.dumps({"kind": "order.new", "n": 1}), "Resources": ["arn:x"]},
            {"Source": "my.app", "DetailType": "Other", "Detail": json.dumps({"kind": "x"})},
        ])
        await harness.settle()
        invokes = harness.client.of("Invoke")
        assert len(invokes) == 1
        assert invokes[0]["FunctionName"] == FN and invokes[0]["InvocationType"] == "Event"
        event = json.loads(invokes[0]["Payload"])
        assert event == {
            "version": "0", "id": result["Entries"][0]["EventId"],
            "detail-type": "Order Placed", "source": "my.app", "account": "000000000000",
            "time": "2026-11-27T20:40:31Z", "region": "eu-west-1", "resources": ["arn:x"],
            "detail": {"kind": "order.new", "n": 1}}
        model = EventBridgeModel(**event)
        assert model.detail_type == "Order Placed" and model.detail == {"kind": "order.new",
                                                                        "n": 1}
        assert harness.provider.outbox.pending() == 0
    finally:
        await harness.provider.stop()


def test_test_event_pattern(harness):
    event = json.dumps({"id": "1", "account": "1", "source": "a", "time": "t", "region": "r",
                        "resources": [], "detail-type": "d", "detail": {"n": 3}})
    assert harness.test_event_pattern(event_pattern='{"detail": {"n": [{"numeric": [">", 2]}]}}',
                                      event=event) == {"Result": True}
    assert harness.test_event_pattern(event_pattern='{"source": ["b"]}',
                                      event=event) == {"Result": False}
    with pytest.raises(ValidationException, match="missing required field"):
        harness.test_event_pattern(event_pattern='{"source": ["b"]}', event='{"source": "a"}')
    with pytest.raises(InvalidEventPatternException):
        harness.test_event_pattern(event_pattern='{"source": "b"}', event=event)


def test_update_event_bus_and_internal_time_forms(harness):
    harness.create_event_bus(name="b", description="old")
    out = harness.update_event_bus(name="b", description="new")
    assert out["Description"] == "new" and out["Arn"].endswith("event-bus/b")
    assert harness.describe_event_bus(name="b")["Description"] == "new"
    from fogbank.services.events.put_events import _entry_time

    assert _entry_time("2026-01-01T00:00:00Z", 5.0) == 1767225600.0
    assert _entry_time(12.5, 5.0) == 12.5 and _entry_time("junk", 5.0) == 5.0


def test_dead_letter_config_must_be_a_queue(harness):
    harness.put_rule(name="r", event_pattern='{"source": ["a"]}')
    with pytest.raises(ValidationException, match="Only SQS queues"):
        harness.put_targets(rule="r", targets=[{
            "Id": "x", "Arn": FN,
            "DeadLetterConfig": {"Arn": "arn:aws:sns:eu-west-1:000000000000:t"}}])


def test_model_length_limits(harness):
    with pytest.raises(ValidationException, match="less than or equal to 4096"):
        harness.put_rule(name="r", event_pattern=json.dumps({"source": ["x" * 5000]}))
    with pytest.raises(ValidationException, match="less than or equal to 512"):
        harness.put_rule(name="r", event_pattern='{"source": ["a"]}', description="d" * 513)


def test_bus_permissions(harness):
    harness.create_event_bus(name="b")
    harness.put_permission(event_bus_name="b", action="events:PutEvents",
                           principal="111122223333", statement_id="partner")
    policy = json.loads(harness.describe_event_bus(name="b")["Policy"])
    assert policy["Statement"] == [{
        "Sid": "partner", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "events:PutEvents",
        "Resource": "arn:aws:events:eu-west-1:000000000000:event-bus/b"}]
    with pytest.raises(ResourceNotFoundException, match="Statement with the provided id"):
        harness.remove_permission(event_bus_name="b", statement_id="other")
    harness.remove_permission(event_bus_name="b", statement_id="partner")
    assert "Policy" not in harness.describe_event_bus(name="b")
    with pytest.raises(ResourceNotFoundException, match="does not have a policy"):
        harness.remove_permission(event_bus_name="b", statement_id="partner")
