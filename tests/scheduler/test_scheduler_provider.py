"""EventBridge Scheduler: schedules and groups, firing on a ManualClock, Input passed as is
with context attributes, time zones, completion and delivery to each target kind."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.scheduler.errors import (
    ConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from fogbank.services.scheduler.provider import SchedulerProvider
from tests.events.conftest import FakeClient

FN = "arn:aws:lambda:eu-west-1:000000000000:function:handler"
ROLE = "arn:aws:iam::000000000000:role/scheduler"
OFF = {"Mode": "OFF"}
# 2027-01-15T10:00:00Z: a Friday
START = datetime(2027, 1, 15, 10, 0, tzinfo=UTC).timestamp()


class Harness:
    def __init__(self, tmp_path: Any, clock: ManualClock | None = None) -> None:
        self.clock = clock or ManualClock(START)
        self.client = FakeClient()
        config = CloudConfig(state_dir=tmp_path, region="eu-west-1")
        self.provider = SchedulerProvider(ServiceContext(
            config, self.clock, Ids(seed=5), self.client, config.service_dir("scheduler")))

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.provider, name)
        ctx = RequestContext("scheduler", name, "eu-west-1", "000000000000", "r")
        return lambda **kwargs: method(ctx, **kwargs)

    def create(self, name: str, expression: str, **kwargs: Any) -> str:
        target = kwargs.pop("target", {"Arn": FN, "RoleArn": ROLE})
        return self.create_schedule(name=name, schedule_expression=expression,
                                    flexible_time_window=OFF, target=target,
                                    **kwargs)["ScheduleArn"]

    def run(self, scenario) -> None:
        async def main() -> None:
            await self.provider.start()
            try:
                await scenario()
            finally:
                await self.provider.stop()

        asyncio.run(main())

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        for _ in range(20):
            await asyncio.sleep(0)


@pytest.fixture
def h(tmp_path) -> Harness:
    return Harness(tmp_path)


def test_groups(h):
    assert h.get_schedule_group(name="default")["State"] == "ACTIVE"
    arn = h.create_schedule_group(name="jobs", tags=[{"Key": "k", "Value": "v"}])[
        "ScheduleGroupArn"]
    assert arn == "arn:aws:scheduler:eu-west-1:000000000000:schedule-group/jobs"
    with pytest.raises(ConflictException):
        h.create_schedule_group(name="jobs")
    assert [g["Name"] for g in h.list_schedule_groups()["ScheduleGroups"]] == ["default", "jobs"]
    assert h.list_tags_for_resource(resource_arn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    h.create("in-jobs", "rate(5 minutes)", group_name="jobs")
    h.delete_schedule_group(name="jobs")
    with pytest.raises(ResourceNotFoundException, match="Schedule group jobs does not exist."):
        h.get_schedule_group(name="jobs")
    with pytest.raises(ValidationException):
        h.delete_schedule_group(name="default")


def test_schedule_crud_and_validation(h):
    arn = h.create("nightly", "cron(0 2 * * ? *)", schedule_expression_timezone="Europe/Paris",
                   description="d")
    assert arn == "arn:aws:scheduler:eu-west-1:000000000000:schedule/default/nightly"
    got = h.get_schedule(name="nightly")
    assert got["ScheduleExpressionTimezone"] == "Europe/Paris" and got["State"] == "ENABLED"
    assert got["Target"] == {"Arn": FN, "RoleArn": ROLE} and got["GroupName"] == "default"
    with pytest.raises(ConflictException, match="Schedule nightly already exists."):
        h.create("nightly", "rate(1 hour)")
    h.update_schedule(name="nightly", schedule_expression="rate(1 hour)",
                      flexible_time_window=OFF, target={"Arn": FN, "RoleArn": ROLE},
                      state="DISABLED")
    got = h.get_schedule(name="nightly")
    assert got["ScheduleExpression"] == "rate(1 hour)" and got["State"] == "DISABLED"
    assert "Description" not in got  # UpdateSchedule restates the whole schedule
    listed = h.list_schedules(state="DISABLED")["Schedules"]
    assert [s["Name"] for s in listed] == ["nightly"] and listed[0]["Target"] == {"Arn": FN}
    for bad in ("rate(1 minutes)", "cron(0 2 * * * *)", "at(2027-13-01T00:00:00)", "daily"):
        with pytest.raises(ValidationException):
            h.create("bad", bad)
    with pytest.raises(ValidationException):
        h.create("bad", "rate(1 hour)", schedule_expression_timezone="Mars/Olympus")
    with pytest.raises(ValidationException):
        h.create("bad", "rate(1 hour)", target={
            "Arn": "arn:aws:events:eu-west-1:000000000000:event-bus/default", "RoleArn": ROLE})
    with pytest.raises(ResourceNotFoundException):
        h.create("bad", "rate(1 hour)", group_name="missing")
    h.delete_schedule(name="nightly")
    with pytest.raises(ResourceNotFoundException, match="Schedule nightly does not exist."):
        h.get_schedule(name="nightly")


def test_rate_schedule_passes_input_as_is_with_context(h):
    arn = h.create("tick", "rate(1 minute)", target={
        "Arn": FN, "RoleArn": ROLE,
        "Input": '{"at": "<aws.scheduler.scheduled-time>", "arn": "<aws.scheduler.schedule-arn>"}'})

    async def scenario():
        await h.advance(0)  # no StartDate: a rate schedule runs at once
        invokes = h.client.of("Invoke")
        assert len(invokes) == 1 and invokes[0]["InvocationType"] == "Event"
        assert json.loads(invokes[0]["Payload"]) == {"at": "2027-01-15T10:00:00Z", "arn": arn}
        await h.advance(60)
        invokes = h.client.of("Invoke")
        assert len(invokes) == 2
        assert json.loads(invokes[1]["Payload"])["at"] == "2027-01-15T10:01:00Z"

    h.run(scenario)


def test_one_time_schedule_in_a_time_zone_deletes_itself(h):
    # 11:30 in Paris (UTC+1 in January) is 10:30 UTC, 30 minutes after the clock's start.
    h.create("once", "at(2027-01-15T11:30:00)", schedule_expression_timezone="Europe/Paris",
             action_after_completion="DELETE",
             target={"Arn": "arn:aws:sqs:eu-west-1:000000000000:jobs", "RoleArn": ROLE,
                     "Input": "hello"})

    async def scenario():
        await h.advance(29 * 60)
        assert h.client.of("SendMessage") == []
        await h.advance(60)
        sends = h.client.of("SendMessage")
        assert [s["MessageBody"] for s in sends] == ["hello"]
        await h.advance(1)
        with pytest.raises(ResourceNotFoundException):
            h.get_schedule(name="once")

    h.run(scenario)


def test_rate_starts_at_its_start_date(h):
    h.create("later", "rate(1 hour)", start_date=datetime(2027, 1, 15, 10, 30, tzinfo=UTC))

    async def scenario():
        await h.advance(29 * 60)
        assert h.client.of("Invoke") == []
        await h.advance(60)
        assert len(h.client.of("Invoke")) == 1
        await h.advance(3600)
        assert len(h.client.of("Invoke")) == 2

    h.run(scenario)


def test_cron_with_start_and_end_dates(h):
    h.create("hourly", "cron(0 * * * ? *)",
             start_date=datetime(2027, 1, 15, 12, 0, tzinfo=UTC),
             end_date=datetime(2027, 1, 15, 13, 30, tzinfo=UTC),
             target={"Arn": "arn:aws:sns:eu-west-1:000000000000:t", "RoleArn": ROLE,
                     "Input": "{}"})

    async def scenario():
        for _ in range(6):
            await h.advance(3600)  # 11:00 … 16:00
        assert len(h.client.of("Publish")) == 2  # 12:00 and 13:00 only
        assert h.get_schedule(name="hourly")["State"] == "ENABLED"

    h.run(scenario)


def test_event_bus_and_universal_targets(h):
    h.create("bus", "rate(1 minute)", target={
        "Arn": "arn:aws:events:eu-west-1:000000000000:event-bus/default", "RoleArn": ROLE,
        "Input": '{"k": 1}', "EventBridgeParameters": {"DetailType": "Tick", "Source": "jobs"}})
    h.create("sdk", "rate(1 minute)", target={
        "Arn": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", "RoleArn": ROLE,
        "Input": '{"QueueUrl": "http://q", "MessageBody": "via sdk"}'})

    async def scenario():
        await h.advance(60)
        entries = [c for s, op, c in h.client.calls if op == "PutEvents"]
        assert entries[0]["Entries"][0] == {
            "Source": "jobs", "DetailType": "Tick", "Detail": '{"k": 1}',
            "EventBusName": "arn:aws:events:eu-west-1:000000000000:event-bus/default"}
        assert h.client.of("SendMessage") == [{"QueueUrl": "http://q",
                                               "MessageBody": "via sdk"}]

    h.run(scenario)


def test_failed_invocations_retry_then_dead_letter(h):
    dlq = "arn:aws:sqs:eu-west-1:000000000000:dlq"
    h.create("flaky", "rate(1 hour)", target={
        "Arn": FN, "RoleArn": ROLE, "Input": '{"x": 1}', "DeadLetterConfig": {"Arn": dlq},
        "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}})
    h.client.failures["Invoke"] = ["ServiceException"] * 3

    async def scenario():
        await h.advance(3600)
        await h.advance(1)
        await h.advance(2)
        assert len(h.client.of("Invoke")) == 3
        dead = h.client.of("SendMessage")
        assert len(dead) == 1 and dead[0]["MessageBody"] == '{"x": 1}'
        assert dead[0]["MessageAttributes"]["SCHEDULE_ARN"]["StringValue"].endswith(
            "schedule/default/flaky")

    h.run(scenario)


def test_schedules_survive_restart_with_one_catch_up(tmp_path):
    first = Harness(tmp_path)
    first.create("tick", "rate(1 minute)", target={"Arn": FN, "RoleArn": ROLE, "Input": "{}"})

    async def noop():
        await first.advance(0)

    first.run(noop)
    second = Harness(tmp_path, ManualClock(START + 3600))

    async def scenario():
        await second.advance(0)
        assert len(second.client.of("Invoke")) == 1
        assert second.get_schedule(name="tick")["Name"] == "tick"

    second.run(scenario)


def test_start_date_cannot_be_in_the_past(h):
    with pytest.raises(ValidationException, match="earlier than 5 minutes ago"):
        h.create("late", "rate(1 hour)", start_date=datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationException, match="EndDate must be after the StartDate"):
        h.create("late", "rate(1 hour)", start_date=datetime(2030, 1, 2, tzinfo=UTC),
                 end_date=datetime(2030, 1, 1, tzinfo=UTC))
