"""boto3 against the edge (query protocol): error codes and statuses as botocore parses
them, message attributes of every type, PublishBatch and paging shapes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from fogbank.testing import run_app

MINIMAL = Path(__file__).resolve().parents[1] / "e2e" / "apps" / "minimal"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from tests.conftest import copy_app

    with run_app(copy_app(MINIMAL, tmp_path_factory.mktemp("wire") / "app")) as running:
        yield running


def test_errors_on_the_wire(app):
    sns = app.client("sns")
    with pytest.raises(ClientError) as caught:
        sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:000000000000:missing")
    error = caught.value.response
    assert error["Error"]["Code"] == "NotFound"
    assert error["Error"]["Message"] == "Topic does not exist"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert isinstance(caught.value, sns.exceptions.NotFoundException)
    topic = sns.create_topic(Name="wire")["TopicArn"]
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message="")
    with pytest.raises(sns.exceptions.InvalidParameterValueException):
        sns.publish(TopicArn=topic, Message="x", MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "nope"}})


def test_all_attribute_types_reach_a_raw_queue(app):
    sns = app.client("sns")
    sqs = app.client("sqs")
    topic = sns.create_topic(Name="typed", Tags=[{"Key": "a", "Value": "b"}])["TopicArn"]
    url = sqs.create_queue(QueueName="typed")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true",
                              "FilterPolicy": json.dumps({"tags": ["b"]})})
    sns.publish(TopicArn=topic, Message="filtered out", MessageAttributes={
        "tags": {"DataType": "String.Array", "StringValue": '["x"]'}})
    sns.publish(TopicArn=topic, Message="typed", MessageAttributes={
        "s": {"DataType": "String", "StringValue": "text"},
        "n": {"DataType": "Number", "StringValue": "1.5"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'}})
    messages: list[dict] = []
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"],
                                       WaitTimeSeconds=1).get("Messages", [])
    (message,) = messages
    assert message["Body"] == "typed"
    attributes = message["MessageAttributes"]
    assert attributes["s"]["StringValue"] == "text"
    assert attributes["n"] == {"DataType": "Number", "StringValue": "1.5"}
    assert attributes["b"]["BinaryValue"] == b"\x00\x01"
    assert attributes["tags"]["DataType"] == "String.Array"


def test_publish_batch_and_listing_on_the_wire(app):
    sns = app.client("sns")
    topic = sns.create_topic(Name="batch")["TopicArn"]
    result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "one"}, {"Id": "2", "Message": ""}])
    assert [entry["Id"] for entry in result["Successful"]] == ["1"]
    assert result["Failed"][0]["Code"] == "InvalidParameter"
    assert result["Failed"][0]["SenderFault"] is True
    with pytest.raises(sns.exceptions.TooManyEntriesInBatchRequestException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "m"} for i in range(11)])
    pages = list(sns.get_paginator("list_topics").paginate())
    assert topic in [t["TopicArn"] for page in pages for t in page["Topics"]]
    fifo = sns.create_topic(Name="wire.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    published = sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g",
                            MessageDeduplicationId="d")
    assert published["SequenceNumber"].isdigit()
