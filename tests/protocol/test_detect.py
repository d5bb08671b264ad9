"""detect_service / region_of on unsigned, signed and presigned requests."""

from __future__ import annotations

import pytest

from fogbank.core.errors import ServiceError
from fogbank.protocol import HttpRequest, ProtocolLayer


def signed(signing_name: str, region: str = "us-east-1") -> dict[str, str]:
    return {"authorization": (
        f"AWS4-HMAC-SHA256 Credential=AKID/20261127/{region}/{signing_name}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")}


@pytest.mark.parametrize(("target", "service"), [
    ("DynamoDB_20120810.PutItem", "dynamodb"),
    ("DynamoDBStreams_20120810.GetRecords", "dynamodbstreams"),
    ("AmazonSQS.SendMessage", "sqs"),
    ("Logs_20140328.PutLogEvents", "logs"),
    ("AWSEvents.PutEvents", "events"),
    ("AmazonSSM.GetParameter", "ssm"),
    ("secretsmanager.GetSecretValue", "secretsmanager"),
    ("AWSStepFunctions.StartExecution", "stepfunctions"),
])
def test_unsigned_target(layer: ProtocolLayer, target: str, service: str) -> None:
    request = HttpRequest("POST", "/", headers={"x-amz-target": target}, body=b"{}")
    assert layer.detect_service(request) == service
    assert layer.region_of(request) is None


@pytest.mark.parametrize(("signing_name", "path", "target", "service"), [
    ("dynamodb", "/", "DynamoDBStreams_20120810.ListStreams", "dynamodbstreams"),
    ("dynamodb", "/", "DynamoDB_20120810.ListTables", "dynamodb"),
    ("apigateway", "/v2/apis", None, "apigatewayv2"),
    ("apigateway", "/restapis", None, "apigateway"),
    ("lambda", "/2015-03-31/functions/", None, "lambda"),
    ("states", "/", "AWSStepFunctions.ListStateMachines", "stepfunctions"),
    ("s3", "/bucket/key", None, "s3"),
    ("sqs", "/", None, "sqs"),
])
def test_signed(layer: ProtocolLayer, signing_name: str, path: str, target: str | None,
                service: str) -> None:
    headers = signed(signing_name, "ap-south-1")
    if target:
        headers["x-amz-target"] = target
    request = HttpRequest("GET", path, headers=headers)
    assert layer.detect_service(request) == service
    assert layer.region_of(request) == "ap-south-1"


def test_sigv4a_scope_has_no_region(layer: ProtocolLayer) -> None:
    request = HttpRequest("GET", "/bucket/key", headers={"authorization": (
        "AWS4-ECDSA-P256-SHA256 Credential=AKID/20261127/s3/aws4_request, "
        "SignedHeaders=host, Signature=abc")})
    assert layer.detect_service(request) == "s3"
    assert layer.region_of(request) is None


def test_presigned_url(layer: ProtocolLayer) -> None:
    request = HttpRequest("GET", "/bucket/key", query_string=(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261127%2Feu-north-1%2Fs3"
        "%2Faws4_request&X-Amz-Signature=abc"))
    assert layer.detect_service(request) == "s3"
    assert layer.region_of(request) == "eu-north-1"


@pytest.mark.parametrize("host", ["bucket.s3.localhost.localstack.cloud:4566", "s3.localhost",
                                  "my.bucket.s3.amazonaws.com", "s3.us-east-1.amazonaws.com"])
def test_s3_hosts(layer: ProtocolLayer, host: str) -> None:
    assert layer.detect_service(HttpRequest("PUT", "/key", headers={"host": host})) == "s3"


@pytest.mark.parametrize(("body", "service"), [
    ("Action=GetCallerIdentity&Version=2011-06-15", "sts"),
    ("Action=ListQueues&Version=2012-11-05", "sqs"),
    ("Action=ListTopics&Version=2010-03-31", "sns"),
    ("Action=ListStacks&Version=2010-05-15", "cloudformation"),
    ("Action=ListUsers&Version=2010-05-08", "iam"),
    ("Action=ListUsers", "iam"),
])
def test_unsigned_query_action(layer: ProtocolLayer, body: str, service: str) -> None:
    request = HttpRequest("POST", "/", headers={
        "content-type": "application/x-www-form-urlencoded; charset=utf-8"}, body=body.encode())
    assert layer.detect_service(request) == service
    get_request = HttpRequest("GET", "/", query_string=body)
    assert layer.detect_service(get_request) == service


def test_ambiguous_action_prefers_version(layer: ProtocolLayer) -> None:
    action = "AddPermission"
    services = layer.catalog.services_for_action(action)
    assert sorted(services) == ["sns", "sqs"]
    for service in services:
        version = layer.catalog.metadata()[service].api_version
        request = HttpRequest("GET", "/", query_string=f"Action={action}&Version={version}")
        assert layer.detect_service(request) == service


def test_plain_rest_path_defaults_to_s3(layer: ProtocolLayer) -> None:
    assert layer.detect_service(HttpRequest("GET", "/bucket/some/key")) == "s3"


@pytest.mark.parametrize("request_", [
    HttpRequest("POST", "/", headers=signed("nosuchservice")),
    HttpRequest("POST", "/", query_string="Action=NoSuchAction"),
    HttpRequest("POST", "/", headers={"x-amz-target": "Nope_2020.Do", **signed("nope")}),
    HttpRequest("POST", "/", headers=signed("execute-api")),
])
def test_unroutable_requests_are_service_errors(layer: ProtocolLayer,
                                                request_: HttpRequest) -> None:
    with pytest.raises(ServiceError) as caught:
        layer.detect_service(request_)
    assert caught.value.error_code == "UnrecognizedClientException"
