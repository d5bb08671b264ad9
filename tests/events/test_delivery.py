"""Delivery through the durable outbox: every target kind, retries with backoff on the
ManualClock, dead-letter queues, restart durability and scheduled rules."""

from __future__ import annotations

import asyncio
import json

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from fogbank.core.clock import ManualClock
from tests.events.conftest import Harness

FN = "arn:aws:lambda:eu-west-1:000000000000:function:handler"
QUEUE = "arn:aws:sqs:eu-west-1:000000000000:inbox"
FIFO = "arn:aws:sqs:eu-west-1:000000000000:inbox.fifo"
TOPIC = "arn:aws:sns:eu-west-1:000000000000:topic"
DLQ = "arn:aws:sqs:eu-west-1:000000000000:dlq"
ENTRY = {"Source": "my.app", "DetailType": "Thing", "Detail": '{"n": 1}'}


def run(harness: Harness, scenario) -> None:
    async def main() -> None:
        await harness.provider.start()
        try:
            await scenario()
        finally:
            await harness.provider.stop()

    asyncio.run(main())


def rule_with(harness: Harness, *targets: dict) -> None:
    harness.put_rule(name="r", event_pattern='{"source": ["my.app"]}')
    harness.put_targets(rule="r", targets=list(targets))


def test_sqs_fifo_sns_and_transformed_targets(harness):
    rule_with(harness, {"Id": "q", "Arn": QUEUE, "InputPath": "$.detail"},
              {"Id": "f", "Arn": FIFO, "SqsParameters": {"MessageGroupId": "g1"}},
              {"Id": "t", "Arn": TOPIC, "InputTransformer": {
                  "InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"count": <n>}'}})

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        sends = harness.client.of("SendMessage")
        by_url = {s["QueueUrl"].rsplit("/", 1)[1]: s for s in sends}
        assert json.loads(by_url["inbox"]["MessageBody"]) == {"n": 1}
        assert by_url["inbox.fifo"]["MessageGroupId"] == "g1"
        assert "MessageDeduplicationId" not in by_url["inbox.fifo"]
        EventBridgeModel(**json.loads(by_url["inbox.fifo"]["MessageBody"]))
        lookups = harness.client.of("GetQueueUrl")
        assert {"QueueName": "inbox", "QueueOwnerAWSAccountId": "000000000000"} in lookups
        assert harness.client.of("Publish") == [{"TopicArn": TOPIC, "Message": '{"count": 1}'}]

    run(harness, scenario)


def test_retries_with_backoff_on_the_clock_then_succeeds(harness):
    rule_with(harness, {"Id": "fn", "Arn": FN})
    harness.client.failures["Invoke"] = ["ServiceException", "ThrottlingException"]

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 1
        assert harness.provider.outbox.pending() == 1
        harness.clock.advance(1)  # first backoff: 1 s
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 2
        harness.clock.advance(1.5)  # second backoff is 2 s: not yet
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 2
        harness.clock.advance(0.5)
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 3
        assert harness.provider.outbox.pending() == 0

    run(harness, scenario)


def test_exhausted_retries_go_to_the_dead_letter_queue(harness):
    rule_with(harness, {"Id": "fn", "Arn": FN, "DeadLetterConfig": {"Arn": DLQ},
                        "RetryPolicy": {"MaximumRetryAttempts": 1}})
    harness.client.failures["Invoke"] = ["ServiceException", "ServiceException"]

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        harness.clock.advance(1)
        await harness.settle()
        dead = [s for s in harness.client.of("SendMessage") if s["QueueUrl"].endswith("/dlq")]
        assert len(dead) == 1
        EventBridgeModel(**json.loads(dead[0]["MessageBody"]))
        attributes = dead[0]["MessageAttributes"]
        assert attributes["RULE_ARN"]["StringValue"].endswith(":rule/r")
        assert attributes["TARGET_ARN"]["StringValue"] == FN
        assert attributes["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumRetryAttempts"
        assert harness.provider.outbox.pending() == 0

    run(harness, scenario)


def test_client_errors_are_not_retried(harness):
    rule_with(harness, {"Id": "fn", "Arn": FN, "DeadLetterConfig": {"Arn": DLQ}})
    harness.client.failures["Invoke"] = ["ResourceNotFoundException"]

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 1
        dead = [s for s in harness.client.of("SendMessage") if s["QueueUrl"].endswith("/dlq")]
        assert dead[0]["MessageAttributes"]["ERROR_CODE"]["StringValue"] == (
            "ResourceNotFoundException")

    run(harness, scenario)


def test_accepted_events_survive_a_restart(harness):
    rule_with(harness, {"Id": "fn", "Arn": FN})
    harness.put_events(entries=[ENTRY, ENTRY])  # accepted while nothing drains
    assert harness.provider.outbox.pending() == 2
    restarted = harness.restart()

    async def scenario():
        await restarted.settle()
        assert len(restarted.client.of("Invoke")) == 2

    run(restarted, scenario)


def test_event_bus_target_forwards_the_event(harness):
    harness.create_event_bus(name="audit")
    harness.put_rule(name="copy", event_pattern='{"source": ["my.app"]}', event_bus_name="audit")
    harness.put_targets(rule="copy", event_bus_name="audit", targets=[{"Id": "q", "Arn": QUEUE}])
    rule_with(harness, {"Id": "bus", "Arn":
                        "arn:aws:events:eu-west-1:000000000000:event-bus/audit"})

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle(40)
        sends = harness.client.of("SendMessage")
        assert len(sends) == 1
        event = json.loads(sends[0]["MessageBody"])
        assert event["source"] == "my.app" and event["detail"] == {"n": 1}

    run(harness, scenario)


def test_disabled_rules_do_not_match(harness):
    rule_with(harness, {"Id": "fn", "Arn": FN})
    harness.disable_rule(name="r")

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        assert harness.client.of("Invoke") == []

    run(harness, scenario)


def test_scheduled_rule_fires_on_the_manual_clock(harness):
    harness.put_rule(name="tick", schedule_expression="rate(1 minute)")
    harness.put_targets(rule="tick", targets=[{"Id": "fn", "Arn": FN}])
    rule_arn = harness.describe_rule(name="tick")["Arn"]

    async def scenario():
        await harness.settle()
        assert harness.client.of("Invoke") == []
        harness.clock.advance(60)
        await harness.settle()
        invokes = harness.client.of("Invoke")
        assert len(invokes) == 1
        event = json.loads(invokes[0]["Payload"])
        model = EventBridgeModel(**event)
        assert model.source == "aws.events" and model.detail_type == "Scheduled Event"
        assert event["detail"] == {} and event["resources"] == [rule_arn]
        assert event["time"].endswith("Z")
        harness.clock.advance(60)
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 2
        harness.disable_rule(name="tick")
        harness.clock.advance(120)
        await harness.settle()
        assert len(harness.client.of("Invoke")) == 2

    run(harness, scenario)


def test_missed_fires_catch_up_once_after_restart(harness):
    harness.put_rule(name="tick", schedule_expression="rate(1 minute)")
    harness.put_targets(rule="tick", targets=[{"Id": "fn", "Arn": FN,
                                               "Input": '{"custom": true}'}])

    async def first():
        await harness.settle()

    run(harness, first)  # next fire recorded, then "fogbank stops"
    # Ten fires are missed while stopped (a new clock: the old one's sleepers died with
    # their event loop).
    restarted = harness.restart(ManualClock(harness.clock.now() + 600))

    async def second():
        await restarted.settle()
        invokes = restarted.client.of("Invoke")
        assert [json.loads(i["Payload"]) for i in invokes] == [{"custom": True}]

    run(restarted, second)


def test_unemulated_target_services_are_not_retried(harness):
    rule_with(harness, {"Id": "k", "Arn": "arn:aws:kinesis:eu-west-1:000000000000:stream/s",
                        "DeadLetterConfig": {"Arn": DLQ}})

    async def scenario():
        harness.put_events(entries=[ENTRY])
        await harness.settle()
        assert harness.provider.outbox.pending() == 0
        dead = [s for s in harness.client.of("SendMessage") if s["QueueUrl"].endswith("/dlq")]
        assert dead[0]["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "InvalidTarget"

    run(harness, scenario)
