"""Errors we serialize must read back through botocore as the same code, message, status."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import CommonServiceError, ServiceError
from fogbank.protocol import ProtocolLayer
from tests.protocol.services import SERVICES, model
from tests.protocol.test_response_roundtrip import botocore_parse


class ResourceNotFoundException(ServiceError):
    status = 404


class ThrottlingException(ServiceError):
    status = 503
    sender_fault = False


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("error", [
    ResourceNotFoundException("Function not found: arn:aws:lambda:us-east-1:0:function:f <&>"),
    ThrottlingException("Rate exceeded"),
    CommonServiceError("ValidationError", "1 validation error detected", status=400),
], ids=["not-found", "throttling", "common"])
def test_error_round_trip(layer: ProtocolLayer, service: str, error: ServiceError) -> None:
    service_model = model(service)
    operation = service_model.operation_names[0]
    shape = service_model.operation_model(operation).output_shape

    response = layer.serialize_error(service, operation, error, "req-err-1")

    parsed = botocore_parse(service_model.metadata["protocol"], response, shape)
    assert parsed["Error"]["Code"] == error.error_code
    assert parsed["Error"]["Message"] == error.message
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == response.status
    assert response.status == (error.http_status if isinstance(error, CommonServiceError)
                               else type(error).status)
    assert parsed["ResponseMetadata"]["RequestId"] == "req-err-1"


def test_error_fields_and_headers_are_kept(layer: ProtocolLayer) -> None:
    error = CommonServiceError("NoSuchKey", "The specified key does not exist.", status=404,
                               fields={"Key": "a/b.txt"}, headers={"Retry-After": "3"})
    response = layer.serialize_error("s3", "GetObject", error, "req-s3")
    assert b"<Key>a/b.txt</Key>" in response.body
    assert response.header("Retry-After") == "3"
    assert response.header("x-amz-request-id") == "req-s3"


def test_lambda_errors_carry_type(layer: ProtocolLayer) -> None:
    response = layer.serialize_error("lambda", "GetFunction",
                                     ResourceNotFoundException("Function not found"), "r")
    assert json.loads(response.body) == {"Type": "User", "message": "Function not found"}
    assert response.header("x-amzn-ErrorType") == "ResourceNotFoundException"


class QueueDoesNotExist(ServiceError):
    """SQS style: the class (shape) name is the JSON ``__type``, ``query_error_code`` the
    legacy query code that ``x-amzn-query-error`` and query responses carry."""

    query_error_code = "AWS.SimpleQueueService.NonExistentQueue"


def test_sqs_json_errors_carry_the_query_error_header(layer: ProtocolLayer) -> None:
    error = QueueDoesNotExist("The specified queue does not exist.")
    response = layer.serialize_error("sqs", "GetQueueUrl", error, "r")
    assert response.header("x-amzn-query-error") == (
        "AWS.SimpleQueueService.NonExistentQueue;Sender")
    parsed = botocore_parse("json", response, None)
    # boto3 raises client.exceptions.QueueDoesNotExist from QueryErrorCode
    assert parsed["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    query = layer.serialize_error("sqs", "GetQueueUrl", error, "r", protocol="query")
    assert botocore_parse("query", query, None)["Error"]["Code"] == (
        "AWS.SimpleQueueService.NonExistentQueue")


def test_sqs_query_errors_are_xml(layer: ProtocolLayer) -> None:
    response = layer.serialize_error("sqs", "GetQueueUrl", ThrottlingException("slow down"),
                                     "r-q", protocol="query")
    parsed = botocore_parse("query", response, None)
    assert parsed["Error"] == {"Type": "Receiver", "Code": "ThrottlingException",
                               "Message": "slow down"}
    assert parsed["ResponseMetadata"]["RequestId"] == "r-q"
