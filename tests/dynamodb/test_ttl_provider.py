"""Provider-level tests with an injected ManualClock: TTL sweeps, stream records they emit
(validated with Powertools' pydantic models), iterator expiry and stream retention."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import RequestContext, ServiceContext
from fogbank.services.dynamodb.provider import DynamoDBProvider
from fogbank.services.dynamodbstreams.errors import ExpiredIteratorException
from fogbank.services.dynamodbstreams.provider import DynamoDBStreamsProvider


class Harness:
    def __init__(self, tmp_path) -> None:
        self.clock = ManualClock()
        config = CloudConfig(state_dir=tmp_path, region="eu-west-1")
        ids = Ids(seed=7)
        self.ddb = DynamoDBProvider(ServiceContext(config, self.clock, ids, None,  # type: ignore[arg-type]
                                                   config.service_dir("dynamodb")))
        self.streams = DynamoDBStreamsProvider(ServiceContext(
            config, self.clock, ids, None, config.service_dir("dynamodbstreams")))  # type: ignore[arg-type]

    def ctx(self, service: str = "dynamodb") -> RequestContext:
        return RequestContext(service=service, operation="x", region="eu-west-1",
                              account_id="000000000000", request_id="r")

    def records(self, stream_arn: str) -> list[dict[str, Any]]:
        shard = self.streams.describe_stream(self.ctx(), stream_arn=stream_arn)[
            "StreamDescription"]["Shards"][0]["ShardId"]
        iterator = self.streams.get_shard_iterator(
            self.ctx(), stream_arn=stream_arn, shard_id=shard,
            shard_iterator_type="TRIM_HORIZON")["ShardIterator"]
        return self.streams.get_records(self.ctx(), shard_iterator=iterator)["Records"]


@pytest.fixture
def harness(tmp_path) -> Harness:
    h = Harness(tmp_path)
    h.ddb.create_table(
        h.ctx(), table_name="sessions", billing_mode="PAY_PER_REQUEST",
        attribute_definitions=[{"AttributeName": "id", "AttributeType": "S"}],
        key_schema=[{"AttributeName": "id", "KeyType": "HASH"}],
        stream_specification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    h.ddb.update_time_to_live(h.ctx(), table_name="sessions", time_to_live_specification={
        "Enabled": True, "AttributeName": "expires"})
    return h


def put(h: Harness, item_id: str, expires: float | None) -> None:
    item: dict[str, Any] = {"id": {"S": item_id}}
    if expires is not None:
        item["expires"] = {"N": str(int(expires))}
    h.ddb.put_item(h.ctx(), table_name="sessions", item=item)


def get(h: Harness, item_id: str) -> dict[str, Any] | None:
    return h.ddb.get_item(h.ctx(), table_name="sessions", key={"id": {"S": item_id}}).get("Item")


def test_expired_items_are_deleted_by_the_sweep(harness):
    now = harness.clock.now()
    put(harness, "soon", now + 10)
    put(harness, "later", now + 1000)
    put(harness, "never", None)
    put(harness, "ancient", now - 6 * 365 * 24 * 3600)  # AWS ignores > 5 years in the past
    assert harness.ddb.expire_now() == 0
    harness.clock.advance(11)
    assert get(harness, "soon") is not None  # still readable until the sweep ran, as in AWS
    assert harness.ddb.expire_now() == 1
    assert get(harness, "soon") is None
    assert get(harness, "later") and get(harness, "never") and get(harness, "ancient")


def test_ttl_removals_carry_the_service_identity(harness):
    put(harness, "s", harness.clock.now() + 5)
    harness.ddb.update_item(harness.ctx(), table_name="sessions", key={"id": {"S": "s"}},
                            update_expression="SET hits = :one",
                            expression_attribute_values={":one": {"N": "1"}})
    harness.clock.advance(6)
    harness.ddb.expire_now()
    stream_arn = harness.ddb.describe_table(harness.ctx(), table_name="sessions")["Table"][
        "LatestStreamArn"]
    records = harness.records(stream_arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[2]["userIdentity"] == {"type": "Service",
                                          "principalId": "dynamodb.amazonaws.com"}
    assert "userIdentity" not in records[0]
    assert records[2]["awsRegion"] == "eu-west-1"
    event = {"Records": [{**record, "eventSourceARN": stream_arn} for record in records]}
    parsed = DynamoDBStreamModel(**event)  # Powertools' model of the Lambda event
    assert parsed.Records[2].dynamodb.OldImage["hits"] == 1


def test_ttl_enabled_later_applies_to_existing_items(tmp_path):
    h = Harness(tmp_path)
    h.ddb.create_table(h.ctx(), table_name="late", billing_mode="PAY_PER_REQUEST",
                       attribute_definitions=[{"AttributeName": "id", "AttributeType": "S"}],
                       key_schema=[{"AttributeName": "id", "KeyType": "HASH"}])
    h.ddb.put_item(h.ctx(), table_name="late", item={"id": {"S": "x"},
                                                     "ttl": {"N": str(int(h.clock.now()))}})
    assert h.ddb.expire_now() == 0
    h.ddb.update_time_to_live(h.ctx(), table_name="late", time_to_live_specification={
        "Enabled": True, "AttributeName": "ttl"})
    assert h.ddb.expire_now() == 1


def test_iterators_expire_after_15_minutes_and_records_after_24_hours(harness):
    put(harness, "a", None)
    stream_arn = harness.ddb.describe_table(harness.ctx(), table_name="sessions")["Table"][
        "LatestStreamArn"]
    shard = harness.streams.describe_stream(harness.ctx(), stream_arn=stream_arn)[
        "StreamDescription"]["Shards"][0]["ShardId"]
    iterator = harness.streams.get_shard_iterator(
        harness.ctx(), stream_arn=stream_arn, shard_id=shard,
        shard_iterator_type="TRIM_HORIZON")["ShardIterator"]
    harness.clock.advance(16 * 60)
    with pytest.raises(ExpiredIteratorException):
        harness.streams.get_records(harness.ctx(), shard_iterator=iterator)
    assert len(harness.records(stream_arn)) == 1
    harness.clock.advance(24 * 3600)
    harness.ddb.expire_now()
    assert harness.records(stream_arn) == []


def test_background_sweeper_starts_and_stops(harness):
    import asyncio

    async def scenario() -> dict[str, Any] | None:
        harness.ddb.sweep_interval_s = 0.01
        put(harness, "x", harness.clock.now() - 1)
        await harness.ddb.start()
        for _ in range(200):
            if get(harness, "x") is None:
                break
            await asyncio.sleep(0.01)
        await harness.ddb.stop()
        return get(harness, "x")

    assert asyncio.run(scenario()) is None
