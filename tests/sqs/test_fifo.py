"""FIFO queues: group ordering, in-flight groups held back, deduplication, sequence numbers."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def receive(sqs: Any, url: str, **kwargs: Any) -> list[dict[str, Any]]:
    params = {"MaxNumberOfMessages": 10, "AttributeNames": ["All"], **kwargs}
    return list(sqs.receive_message(QueueUrl=url, **params).get("Messages", []))


def test_order_within_groups_and_groups_held_while_in_flight(sqs: Any,
                                                             make_queue: Any) -> None:
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for i in range(3):
        for group in ("a", "b"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}{i}", MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert [m["Body"] for m in first] == ["a0"]
    rest = receive(sqs, url)
    assert [m["Body"] for m in rest] == ["b0", "b1", "b2"]  # group a waits for a0
    assert receive(sqs, url) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert [m["Body"] for m in receive(sqs, url)] == ["a1", "a2"]


def test_returned_message_keeps_its_place(sqs: Any, make_queue: Any) -> None:
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")
    got = receive(sqs, url, MaxNumberOfMessages=1)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"],
                                  VisibilityTimeout=0)
    again = receive(sqs, url)
    assert [m["Body"] for m in again] == ["m0", "m1", "m2"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_deduplication_and_sequence_numbers(sqs: Any, make_queue: Any) -> None:
    url = make_queue(fifo=True)
    one = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                           MessageDeduplicationId="d1")
    two = sqs.send_message(QueueUrl=url, MessageBody="y", MessageGroupId="g",
                           MessageDeduplicationId="d1")
    three = sqs.send_message(QueueUrl=url, MessageBody="z", MessageGroupId="g",
                             MessageDeduplicationId="d2")
    assert two["MessageId"] == one["MessageId"]
    assert two["SequenceNumber"] == one["SequenceNumber"]
    assert len(one["SequenceNumber"]) == 20
    assert int(three["SequenceNumber"]) > int(one["SequenceNumber"])
    got = receive(sqs, url)
    assert [m["Body"] for m in got] == ["x", "z"]
    attributes = got[0]["Attributes"]
    assert attributes["MessageGroupId"] == "g"
    assert attributes["MessageDeduplicationId"] == "d1"
    assert attributes["SequenceNumber"] == one["SequenceNumber"]


def test_content_based_deduplication_and_batches(sqs: Any, make_queue: Any) -> None:
    url = make_queue(fifo=True, ContentBasedDeduplication="true")
    result = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "same", "MessageGroupId": "g"},
        {"Id": "b", "MessageBody": "same", "MessageGroupId": "g"},
        {"Id": "c", "MessageBody": "other", "MessageGroupId": "g"},
    ])
    ids = {entry["Id"]: entry["MessageId"] for entry in result["Successful"]}
    assert ids["a"] == ids["b"] != ids["c"]
    assert [m["Body"] for m in receive(sqs, url)] == ["same", "other"]


def test_message_group_scope_deduplicates_per_group(sqs: Any, make_queue: Any) -> None:
    url = make_queue(fifo=True, DeduplicationScope="messageGroup",
                     FifoThroughputLimit="perMessageGroupId")
    for group in ("a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=group, MessageGroupId=group,
                         MessageDeduplicationId="same")
    assert sorted(m["Body"] for m in receive(sqs, url)) == ["a", "b"]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"MessageDeduplicationId": "d"}, "MissingParameter",
     "The request must contain the parameter MessageGroupId."),
    ({"MessageGroupId": "g"}, "InvalidParameterValue",
     "The queue should either have ContentBasedDeduplication enabled or "
     "MessageDeduplicationId provided explicitly"),
    ({"MessageGroupId": "g", "MessageDeduplicationId": "d", "DelaySeconds": 5},
     "InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The "
                              "request include parameter that is not valid for this queue "
                              "type."),
])
def test_fifo_send_errors(sqs: Any, make_queue: Any, kwargs: dict[str, Any], code: str,
                          message: str) -> None:
    url = make_queue(fifo=True)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", **kwargs)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == message


def test_fifo_attributes(sqs: Any, make_queue: Any) -> None:
    url = make_queue(fifo=True)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
