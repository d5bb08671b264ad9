"""SQS JSON-protocol errors as AWS sends them (SQS developer guide, "Interpreting Amazon SQS
JSON API responses"): ``__type`` is the Smithy shape id ``com.amazonaws.sqs#<Shape>`` and
``x-amzn-query-error`` carries the legacy query code and fault, so boto3 reports the legacy
code in ``Error.Code``, the shape name in ``Error.QueryErrorCode`` and raises the modeled
exception class."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError


def test_wire_error_carries_shape_id_and_query_error_header(app: Any) -> None:
    reply = requests.post(app.edge_url, timeout=10, data=json.dumps(
        {"QueueUrl": f"{app.edge_url}/000000000000/no-such-queue"}), headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AmazonSQS.GetQueueAttributes",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    assert reply.status_code == 400
    assert reply.json() == {"__type": "com.amazonaws.sqs#QueueDoesNotExist",
                            "message": "The specified queue does not exist."}
    assert reply.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_boto3_sees_what_it_sees_against_aws(sqs: Any, app: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as caught:
        sqs.get_queue_url(QueueName="never-created")
    error = caught.value.response["Error"]
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["QueryErrorCode"] == "QueueDoesNotExist"
    assert error["Type"] == "Sender"
    assert error["Message"] == "The specified queue does not exist."


def test_batch_errors_are_modeled_classes_too(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    with pytest.raises(sqs.exceptions.EmptyBatchRequest) as caught:
        sqs.delete_message_batch(QueueUrl=url, Entries=[])
    error = caught.value.response["Error"]
    assert (error["Code"], error["QueryErrorCode"]) == (
        "AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest")


def test_unmodeled_errors_keep_their_plain_code(sqs: Any, make_queue: Any) -> None:
    url = make_queue()
    with pytest.raises(ClientError) as caught:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            ".bad": {"DataType": "String", "StringValue": "v"}})
    error = caught.value.response["Error"]
    assert (error["Code"], error["QueryErrorCode"]) == ("InvalidParameterValue",
                                                        "InvalidParameterValue")
