"""DynamoDB Streams through boto3: record shapes, view types, iterators, no-op writes."""

from __future__ import annotations

import pytest

from tests.dynamodb.test_tables import error_of


@pytest.fixture(scope="module")
def streams(app):
    return app.client("dynamodbstreams")


def stream_table(ddb, make_table, view_type: str) -> tuple[str, str]:
    name = make_table(
        "S", StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return name, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def read_all(streams, stream_arn: str, iterator_type: str = "TRIM_HORIZON", **kwargs) -> list:
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                          ShardIteratorType=iterator_type,
                                          **kwargs)["ShardIterator"]
    records = []
    while True:
        page = streams.get_records(ShardIterator=iterator, Limit=2)
        records.extend(page["Records"])
        if not page["Records"]:
            return records
        iterator = page["NextShardIterator"]


def test_insert_modify_remove_records(ddb, streams, make_table):
    table, stream_arn = stream_table(ddb, make_table, "NEW_AND_OLD_IMAGES")
    key = {"pk": {"S": "a"}}
    ddb.put_item(TableName=table, Item={**key, "v": {"N": "1"}, "s": {"SS": ["a", "b"]}})
    ddb.put_item(TableName=table, Item={**key, "v": {"N": "1.0"},  # no-op: no record
                                        "s": {"SS": ["b", "a"]}})
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"N": "2"}})
    ddb.delete_item(TableName=table, Key=key)
    ddb.delete_item(TableName=table, Key=key)  # nothing to delete: no record
    records = read_all(streams, stream_arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert insert["eventSource"] == "aws:dynamodb" and insert["eventVersion"] == "1.1"
    assert insert["awsRegion"] and insert["eventID"]
    assert insert["dynamodb"]["Keys"] == key
    assert insert["dynamodb"]["NewImage"]["v"] == {"N": "1"}
    assert "OldImage" not in insert["dynamodb"]
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert remove["dynamodb"]["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove[
        "dynamodb"]
    numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert all(len(n) >= 21 and n.isdigit() for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert all(r["dynamodb"]["SizeBytes"] > 0 for r in records)
    assert all(r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES" for r in records)
    after = read_all(streams, stream_arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=numbers[0])
    assert [r["eventName"] for r in after] == ["MODIFY", "REMOVE"]
    at = read_all(streams, stream_arn, "AT_SEQUENCE_NUMBER", SequenceNumber=numbers[1])
    assert [r["eventName"] for r in at] == ["MODIFY", "REMOVE"]


def test_keys_only_and_latest(ddb, streams, make_table):
    table, stream_arn = stream_table(ddb, make_table, "KEYS_ONLY")
    ddb.put_item(TableName=table, Item={"pk": {"S": "before"}, "v": {"B": b"\x01"}})
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    latest = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="LATEST")["ShardIterator"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "after"}, "v": {"B": b"\x02"}})
    records = streams.get_records(ShardIterator=latest)["Records"]
    assert [r["dynamodb"]["Keys"] for r in records] == [{"pk": {"S": "after"}}]
    assert "NewImage" not in records[0]["dynamodb"]


def test_binary_images_and_stream_listing(ddb, streams, make_table):
    table, stream_arn = stream_table(ddb, make_table, "NEW_IMAGE")
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "v": {"BS": [b"\x00", b"\xff"]}})
    records = read_all(streams, stream_arn)
    assert sorted(records[0]["dynamodb"]["NewImage"]["v"]["BS"]) == [b"\x00", b"\xff"]
    listed = streams.list_streams(TableName=table)["Streams"]
    assert listed == [{"StreamArn": stream_arn, "TableName": table,
                       "StreamLabel": stream_arn.rsplit("/", 1)[1]}]
    description = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]


def test_errors(streams):
    code, _ = error_of(streams.describe_stream,
                       StreamArn="arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y")
    assert code == "ResourceNotFoundException"
    code, _ = error_of(streams.get_records, ShardIterator="not-an-iterator")
    assert code == "ValidationException"


def test_batch_and_transaction_writes_are_recorded(ddb, streams, make_table):
    table, stream_arn = stream_table(ddb, make_table, "NEW_IMAGE")
    ddb.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(3)]})
    ddb.transact_write_items(TransactItems=[
        {"Delete": {"TableName": table, "Key": {"pk": {"S": "b0"}}}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": "b1"}},
                    "UpdateExpression": "SET x = :x",
                    "ExpressionAttributeValues": {":x": {"N": "1"}}}}])
    records = read_all(streams, stream_arn)
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records] == [
        ("INSERT", "b0"), ("INSERT", "b1"), ("INSERT", "b2"), ("REMOVE", "b0"),
        ("MODIFY", "b1")]
