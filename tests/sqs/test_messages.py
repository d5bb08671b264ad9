"""Send, receive, delete and visibility over the wire, both protocols; digests judged by an
independent implementation of AWS's documented algorithm and by moto's."""

from __future__ import annotations

import hashlib
import struct
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

PROTOCOLS = ["json", "query"]


@pytest.fixture(params=PROTOCOLS)
def client(request: pytest.FixtureRequest, sqs: Any, sqs_query: Any) -> Any:
    return sqs if request.param == "json" else sqs_query


def documented_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """The algorithm as the SQS developer guide describes it (sorted names; 4-byte big-endian
    lengths; transport type 1 = string, 2 = binary)."""
    out = b""
    for name in sorted(attributes):
        value = attributes[name]
        out += struct.pack(">I", len(name.encode())) + name.encode()
        data_type = value["DataType"].encode()
        out += struct.pack(">I", len(data_type)) + data_type
        if "StringValue" in value:
            raw = value["StringValue"].encode()
            out += b"\x01" + struct.pack(">I", len(raw)) + raw
        else:
            raw = value["BinaryValue"]
            out += b"\x02" + struct.pack(">I", len(raw)) + raw
    return hashlib.md5(out).hexdigest()


def moto_md5(attributes: dict[str, dict[str, Any]]) -> str:
    from moto.sqs.models import Message

    message = Message("id", "body")
    message.message_attributes = attributes
    return str(message.attribute_md5)


ATTRIBUTES = {
    "text": {"DataType": "String", "StringValue": "héllo ✓"},
    "count": {"DataType": "Number", "StringValue": "-12.5e3"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    "custom": {"DataType": "String.uuid", "StringValue": "4a1c"},
    "bin.custom": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a"},
}


def test_send_receive_delete_with_digests(client: Any, make_queue: Any) -> None:
    url = make_queue()
    body = "ünïcode body \U0001F600"
    sent = client.send_message(
        QueueUrl=url, MessageBody=body, MessageAttributes=ATTRIBUTES,
        MessageSystemAttributes={"AWSTraceHeader": {
            "DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == documented_md5(ATTRIBUTES) == moto_md5(ATTRIBUTES)
    assert sent["MD5OfMessageSystemAttributes"] == documented_md5({"AWSTraceHeader": {
        "DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}})
    got = client.receive_message(QueueUrl=url, MessageAttributeNames=["All"],
                                 MessageSystemAttributeNames=["All"])["Messages"]
    assert len(got) == 1
    message = got[0]
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == body
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == ATTRIBUTES
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    attributes = message["Attributes"]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert attributes["AWSTraceHeader"].startswith("Root=1-5759e988")
    assert {"SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(attributes)
    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert "Messages" not in client.receive_message(QueueUrl=url)


def test_selected_message_attributes_and_their_digest(client: Any, make_queue: Any) -> None:
    url = make_queue()
    client.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=ATTRIBUTES)
    message = client.receive_message(QueueUrl=url, MessageAttributeNames=["bin.*", "count"],
                                     VisibilityTimeout=0)["Messages"][0]
    chosen = {name: ATTRIBUTES[name] for name in ("bin.custom", "count")}
    assert message["MessageAttributes"] == chosen
    assert message["MD5OfMessageAttributes"] == documented_md5(chosen)
    plain = client.receive_message(QueueUrl=url)["Messages"][0]
    assert "MessageAttributes" not in plain and "Attributes" not in plain
    assert "MD5OfMessageAttributes" not in plain


def test_batches_report_per_entry_failures(client: Any, make_queue: Any) -> None:
    url = make_queue()
    result = client.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "one"},
        {"Id": "bad", "MessageBody": "bad \x00 char"},
        {"Id": "delayed", "MessageBody": "two", "DelaySeconds": 0},
    ])
    assert sorted(entry["Id"] for entry in result["Successful"]) == ["delayed", "ok"]
    assert result["Failed"] == [{"Id": "bad", "SenderFault": True,
                                 "Code": "InvalidMessageContents",
                                 "Message": result["Failed"][0]["Message"]}]
    received = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in received) == ["one", "two"]
    deleted = client.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": f"m{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received)
    ] + [{"Id": "junk", "ReceiptHandle": "not-a-handle"}])
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["m0", "m1"]
    assert deleted["Failed"][0]["Id"] == "junk"
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"


@pytest.mark.parametrize("entries, code, message", [
    ([], "AWS.SimpleQueueService.EmptyBatchRequest",
     "There should be at least one SendMessageBatchRequestEntry in the request."),
    ([{"Id": f"i{n}", "MessageBody": "b"} for n in range(11)],
     "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
     "Maximum number of entries per request are 10. You have sent 11."),
    ([{"Id": "a.b", "MessageBody": "b"}], "AWS.SimpleQueueService.InvalidBatchEntryId",
     "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
     "It can be at most 80 letters long."),
    ([{"Id": "id_1", "MessageBody": "b"}, {"Id": "id_2", "MessageBody": "b"},
      {"Id": "id_2", "MessageBody": "b"}, {"Id": "id_1", "MessageBody": "b"}],
     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id id_2 repeated."),
    ([{"Id": "big", "MessageBody": "b" * 1048577}], "AWS.SimpleQueueService.BatchRequestTooLong",
     "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes."),
])
def test_batch_request_errors(client: Any, make_queue: Any, entries: list[Any], code: str,
                              message: str) -> None:
    url = make_queue()
    with pytest.raises(ClientError) as caught:
        client.send_message_batch(QueueUrl=url, Entries=entries)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == message


def test_message_size_limit_counts_attributes(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="b" * 1_048_576)
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="b" * 1_048_570, MessageAttributes={
            "abc": {"DataType": "String", "StringValue": "x"}})
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert caught.value.response["Error"]["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")
    small = make_queue(MaximumMessageSize="1024")
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=small, MessageBody="b" * 1025)


@pytest.mark.parametrize("kwargs, code, fragment", [
    ({"MessageBody": ""}, "MissingParameter", "MessageBody"),
    ({"MessageBody": "a\x01b"}, "InvalidMessageContents", "Invalid characters"),
    ({"MessageBody": "x", "DelaySeconds": 901}, "InvalidParameterValue",
     "DelaySeconds must be >= 0 and <= 900"),
    ({"MessageBody": "x", "MessageAttributes": {"öther": {"DataType": "String",
                                                          "StringValue": "s"}}},
     "InvalidParameterValue", "The message attribute name 'öther' is invalid."),
    ({"MessageBody": "x", "MessageAttributes": {"t": {"DataType": "Int", "StringValue": "1"}}},
     "InvalidParameterValue", "the set of supported type prefixes is Binary, Number, and "
                              "String."),
    ({"MessageBody": "x", "MessageAttributes": {"n": {"DataType": "Number",
                                                      "StringValue": "12a"}}},
     "InvalidParameterValue", "to a number"),
    ({"MessageBody": "x", "MessageAttributes": {f"a{i}": {"DataType": "String",
                                                          "StringValue": "v"}
                                                for i in range(11)}},
     "InvalidParameterValue", "Number of message attributes [11] exceeds the allowed maximum "
                              "[10]."),
    ({"MessageBody": "x", "MessageDeduplicationId": "d"}, "InvalidParameterValue",
     "MessageDeduplicationId is invalid"),
])
def test_send_validation_errors(client: Any, make_queue: Any, kwargs: dict[str, Any],
                                code: str, fragment: str) -> None:
    url = make_queue()
    with pytest.raises(ClientError) as caught:
        client.send_message(QueueUrl=url, **kwargs)
    assert caught.value.response["Error"]["Code"] == code
    assert fragment in caught.value.response["Error"]["Message"]


def test_receive_parameter_errors(client: Any, make_queue: Any) -> None:
    url = make_queue()
    for kwargs in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0},
                   {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}):
        with pytest.raises(ClientError) as caught:
            client.receive_message(QueueUrl=url, **kwargs)
        assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_receipt_handles_are_unique_and_stale_ones_still_delete(sqs: Any,
                                                                make_queue: Any) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="again")
    first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0,
                                 AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])  # idempotent


def test_invalid_receipt_handles(client: Any, make_queue: Any) -> None:
    url, other = make_queue(), make_queue()
    client.send_message(QueueUrl=other, MessageBody="elsewhere")
    foreign = client.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    for handle in ("garbage", foreign):
        with pytest.raises(ClientError) as caught:
            client.delete_message(QueueUrl=url, ReceiptHandle=handle)
        assert caught.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"
        assert caught.value.response["Error"]["Message"] == (
            f'The input receipt handle "{handle}" is not a valid receipt handle.')


def test_change_visibility(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="v")
    message = sqs.receive_message(QueueUrl=url, VisibilityTimeout=300)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                  VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    with pytest.raises(ClientError) as caught:  # visible now, so not in flight
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"],
                                      VisibilityTimeout=10)
    assert caught.value.response["Error"]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"
    batch = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "bad", "ReceiptHandle": again["ReceiptHandle"], "VisibilityTimeout": 5}])
    assert batch["Failed"][0]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    with pytest.raises(ClientError) as caught:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"],
                                      VisibilityTimeout=10)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_long_poll_returns_as_soon_as_a_message_arrives(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    result: dict[str, Any] = {}

    def poll() -> None:
        result.update(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20))

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    assert poller.is_alive()  # nothing there yet: still waiting
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    poller.join(10)  # far less than the 20 s wait
    assert not poller.is_alive()
    assert result["Messages"][0]["Body"] == "wake up"


def test_long_poll_on_an_empty_queue_times_out_empty(sqs: Any, make_queue: Any) -> None:
    url = make_queue(ReceiveMessageWaitTimeSeconds="1")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_many_messages_drain_exactly_once(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    bodies = {f"m{i}" for i in range(45)}
    ordered = sorted(bodies)
    for start in range(0, len(ordered), 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": body, "MessageBody": body} for body in ordered[start:start + 10]])
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "45"
    seen: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages")
        if not messages:
            break
        seen.extend(m["Body"] for m in messages)
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    assert sorted(seen) == ordered
