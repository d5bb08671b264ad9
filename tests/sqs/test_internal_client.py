"""The contract other services rely on: SQS through the internal client (``ctx.client.call``)
with AWS operation names and members, as a Lambda poller, SNS or EventBridge use it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from fogbank.core.errors import ServiceError


def call(app: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = app.run(app.cloud.dispatcher.call("sqs", operation, params))
    return result


def test_poller_style_round_trip(app: Any) -> None:
    arn = app.stack.outputs["WorkArn"]
    name = arn.rsplit(":", 1)[1]
    url = call(app, "GetQueueUrl", {"QueueName": name,
                                    "QueueOwnerAWSAccountId": "000000000000"})["QueueUrl"]
    sent = call(app, "SendMessage", {"QueueUrl": url, "MessageBody": '{"hello": "world"}',
                                     "MessageAttributes": {"b": {"DataType": "Binary",
                                                                 "BinaryValue": b"\x01"}}})
    got = call(app, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                       "WaitTimeSeconds": 1, "VisibilityTimeout": 30,
                                       "MessageSystemAttributeNames": ["All"],
                                       "MessageAttributeNames": ["All"]})["Messages"]
    assert got[0]["MessageId"] == sent["MessageId"]
    assert got[0]["MessageAttributes"] == {"b": {"DataType": "Binary", "BinaryValue": b"\x01"}}
    assert got[0]["Attributes"]["SenderId"]
    call(app, "ChangeMessageVisibility", {"QueueUrl": url,
                                          "ReceiptHandle": got[0]["ReceiptHandle"],
                                          "VisibilityTimeout": 60})
    deleted = call(app, "DeleteMessageBatch", {"QueueUrl": url, "Entries": [
        {"Id": "0", "ReceiptHandle": got[0]["ReceiptHandle"]}]})
    assert deleted["Successful"] == [{"Id": "0"}]
    counts = call(app, "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]})
    assert counts["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_long_poll_through_the_internal_client_wakes_on_send(app: Any) -> None:
    url = call(app, "CreateQueue", {"QueueName": "internal-poll"})["QueueUrl"]

    async def poll_then_send() -> dict[str, Any]:
        poll = asyncio.ensure_future(app.cloud.dispatcher.call("sqs", "ReceiveMessage", {
            "QueueUrl": url, "WaitTimeSeconds": 20}))
        await asyncio.sleep(0.05)
        assert not poll.done()
        await app.cloud.dispatcher.call("sqs", "SendMessage", {"QueueUrl": url,
                                                               "MessageBody": "now"})
        return await asyncio.wait_for(poll, 5)

    result = app.run(poll_then_send())
    assert result["Messages"][0]["Body"] == "now"


def test_errors_are_service_errors(app: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        call(app, "GetQueueUrl", {"QueueName": "no-such-queue"})
    assert caught.value.error_code == "QueueDoesNotExist"
