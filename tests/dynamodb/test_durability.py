"""kill -9 of ``fogbank up`` under PutItem load: every acknowledged item survives."""

from __future__ import annotations

import signal
import subprocess
import textwrap

import boto3

from tests.conftest import copy_app
from tests.dynamodb.conftest import APPS
from tests.e2e.test_durability import kill_9_mid_load

WRITER = textwrap.dedent("""
    import sys, boto3
    from botocore.config import Config
    client = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(retries={"max_attempts": 0}, read_timeout=5,
                                        connect_timeout=2))
    n = 0
    while True:
        n += 1
        try:
            client.put_item(TableName="durable-counters",
                            Item={"n": {"N": str(n)}, "payload": {"S": "x" * 200}})
        except Exception:
            sys.exit(0)
        print(n, flush=True)
""")


def test_acknowledged_puts_survive_kill_9(tmp_path):
    app_dir = copy_app(APPS / "durable", tmp_path / "durable")
    acknowledged, endpoint, server = kill_9_mid_load(app_dir, tmp_path, WRITER)
    try:
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        stored: set[int] = set()
        kwargs: dict = {"TableName": "durable-counters", "ProjectionExpression": "n"}
        while True:
            page = client.scan(**kwargs)
            stored.update(int(item["n"]["N"]) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        assert set(acknowledged) <= stored
        client.put_item(TableName="durable-counters", Item={"n": {"N": "0"}})  # still serves
        streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
        stream_arn = client.describe_table(TableName="durable-counters")["Table"][
            "LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        assert len(records) >= min(len(acknowledged), 1000)  # records committed with the items
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
