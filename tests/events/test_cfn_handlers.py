"""CloudFormation handlers for AWS::Events::* and AWS::Scheduler::* against the real
providers behind a dispatcher: create, in-place update (targets reconciled), delete."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.cloudformation.resources.base import HandlerServices, ResourceRequest
from fogbank.services.cloudformation.resources.registry import HANDLERS
from fogbank.services.dispatch import Dispatcher
from fogbank.services.events.provider import EventsProvider
from fogbank.services.scheduler.provider import SchedulerProvider

FN = "arn:aws:lambda:us-east-1:000000000000:function:f"


def services(tmp_path: Any) -> HandlerServices:
    config = CloudConfig(state_dir=tmp_path, region="us-east-1")
    ids = Ids(seed=2)
    dispatcher = Dispatcher([], region="us-east-1", account_id="000000000000", ids=ids)
    for provider_class, name in ((EventsProvider, "events"), (SchedulerProvider, "scheduler")):
        dispatcher.add(provider_class(ServiceContext(config, ManualClock(), ids, dispatcher,
                                                     config.service_dir(name))))
    return HandlerServices(client=dispatcher, ids=ids, custom_responses=None)  # type: ignore[arg-type]


def request(resource_type: str, props: dict[str, Any], **kwargs: Any) -> ResourceRequest:
    return ResourceRequest(logical_id="Thing", resource_type=resource_type, properties=props,
                           stack_name="stack", stack_id="id", region="us-east-1",
                           account_id="000000000000", **kwargs)


def test_rule_create_update_delete(tmp_path):
    svc = services(tmp_path)
    call = svc.client.call
    rule = HANDLERS["AWS::Events::Rule"]
    bus = HANDLERS["AWS::Events::EventBus"]

    async def scenario():
        made_bus = await bus.create(request("AWS::Events::EventBus", {"Name": "b"}), svc)
        assert made_bus.physical_id == "b" and made_bus.attributes["Arn"].endswith("bus/b")
        props = {"EventBusName": made_bus.attributes["Arn"],
                 "EventPattern": {"source": ["x"]},
                 "Targets": [{"Id": "one", "Arn": FN,
                              "RetryPolicy": {"MaximumRetryAttempts": "3"}},
                             {"Id": "two", "Arn": FN, "Input": "{}"}]}
        made = await rule.create(request("AWS::Events::Rule", props), svc)
        assert made.physical_id.startswith("b|stack-Thing-")
        name = made.physical_id.split("|")[1]
        assert made.attributes["Arn"] == f"arn:aws:events:us-east-1:000000000000:rule/b/{name}"
        targets = (await call("events", "ListTargetsByRule",
                              {"Rule": name, "EventBusName": "b"}))["Targets"]
        assert targets[0]["RetryPolicy"] == {"MaximumRetryAttempts": 3}
        new_props = dict(props, EventPattern='{"source": ["y"]}', Targets=[
            {"Id": "two", "Arn": FN, "InputPath": "$.detail"}], State="DISABLED")
        await rule.update(request("AWS::Events::Rule", new_props, physical_id=made.physical_id,
                                  old_properties=props), svc)
        described = await call("events", "DescribeRule", {"Name": name, "EventBusName": "b"})
        assert described["EventPattern"] == '{"source": ["y"]}'
        assert described["State"] == "DISABLED"
        targets = (await call("events", "ListTargetsByRule",
                              {"Rule": name, "EventBusName": "b"}))["Targets"]
        assert targets == [{"Id": "two", "Arn": FN, "InputPath": "$.detail"}]
        await rule.delete(request("AWS::Events::Rule", new_props,
                                  physical_id=made.physical_id), svc)
        assert (await call("events", "ListRules", {"EventBusName": "b"}))["Rules"] == []
        await bus.delete(request("AWS::Events::EventBus", {"Name": "b"}, physical_id="b"), svc)
        await rule.delete(request("AWS::Events::Rule", new_props,
                                  physical_id=made.physical_id), svc)  # already gone: fine

    asyncio.run(scenario())


def test_default_bus_rule_ref_is_the_name(tmp_path):
    svc = services(tmp_path)

    async def scenario():
        made = await HANDLERS["AWS::Events::Rule"].create(request("AWS::Events::Rule", {
            "Name": "nightly", "ScheduleExpression": "cron(0 3 * * ? *)"}), svc)
        assert made.physical_id == "nightly"

    asyncio.run(scenario())


def test_schedule_and_group(tmp_path):
    svc = services(tmp_path)
    schedule = HANDLERS["AWS::Scheduler::Schedule"]
    group = HANDLERS["AWS::Scheduler::ScheduleGroup"]

    async def scenario():
        made_group = await group.create(request("AWS::Scheduler::ScheduleGroup",
                                                {"Name": "g"}), svc)
        assert made_group.attributes["State"] == "ACTIVE"
        props = {"GroupName": "g", "ScheduleExpression": "rate(5 minutes)",
                 "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": "5"},
                 "StartDate": "2030-01-01T00:00:00Z",
                 "Target": {"Arn": FN, "RoleArn": "arn:aws:iam::000000000000:role/r",
                            "RetryPolicy": {"MaximumRetryAttempts": "0"}}}
        made = await schedule.create(request("AWS::Scheduler::Schedule", props), svc)
        assert made.attributes["Arn"].endswith(f":schedule/g/{made.physical_id}")
        await schedule.update(request("AWS::Scheduler::Schedule",
                                      dict(props, ScheduleExpression="rate(1 hour)"),
                                      physical_id=made.physical_id), svc)
        got = await svc.client.call("scheduler", "GetSchedule",
                                    {"Name": made.physical_id, "GroupName": "g"})
        assert got["ScheduleExpression"] == "rate(1 hour)"
        assert got["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 0}
        await schedule.delete(request("AWS::Scheduler::Schedule", props,
                                      physical_id=made.physical_id), svc)
        await group.delete(request("AWS::Scheduler::ScheduleGroup", {"Name": "g"},
                                   physical_id="g"), svc)

    asyncio.run(scenario())


def test_event_bus_policy(tmp_path):
    svc = services(tmp_path)
    policy = HANDLERS["AWS::Events::EventBusPolicy"]

    async def scenario():
        await svc.client.call("events", "CreateEventBus", {"Name": "b"})
        props = {"EventBusName": "b", "StatementId": "all", "Statement": {
            "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
            "Resource": "arn:aws:events:us-east-1:000000000000:event-bus/b"}}
        made = await policy.create(request("AWS::Events::EventBusPolicy", props), svc)
        assert made.physical_id == "all"
        described = await svc.client.call("events", "DescribeEventBus", {"Name": "b"})
        assert json.loads(described["Policy"])["Statement"][0]["Sid"] == "all"
        await policy.delete(request("AWS::Events::EventBusPolicy", props,
                                    physical_id="all"), svc)
        described = await svc.client.call("events", "DescribeEventBus", {"Name": "b"})
        assert "Policy" not in described

    asyncio.run(scenario())
