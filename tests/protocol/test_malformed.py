"""Malformed requests become AWS-style ServiceErrors, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogbank.core.errors import ServiceError
from fogbank.protocol import HttpRequest, ProtocolLayer
from tests.protocol.services import SERVICES


def error_of(layer: ProtocolLayer, service: str, request: HttpRequest) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        layer.parse_request(service, request)
    return caught.value


JSON_TARGET = {"x-amz-target": "Logs_20140328.DescribeLogGroups",
               "content-type": "application/x-amz-json-1.1"}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"limit": "five"}',
                                  b'{"logGroupNamePrefix": {"a": 1}}', b"null"])
def test_bad_json_body(layer: ProtocolLayer, body: bytes) -> None:
    error = error_of(layer, "logs", HttpRequest("POST", "/", headers=JSON_TARGET, body=body))
    assert error.error_code == "SerializationException"


def test_bad_blob_in_json(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/", headers={
        "x-amz-target": "DynamoDB_20120810.PutItem"},
        body=b'{"TableName": "t", "Item": {"k": {"B": "not base64!!"}}}')
    assert error_of(layer, "dynamodb", request).error_code == "SerializationException"


def test_lone_surrogate_escape_in_json(layer: ProtocolLayer) -> None:
    """json.loads accepts "\\ud800" alone; no UTF-8 text can hold it, so AWS refuses it."""
    def put(name: bytes) -> HttpRequest:
        return HttpRequest("POST", "/", headers={"x-amz-target": "DynamoDB_20120810.PutItem"},
                           body=b'{"TableName": "t", "Item": {"k": {"S": "' + name + b'"}}}')

    assert error_of(layer, "dynamodb", put(rb"\ud800")).error_code == "SerializationException"
    operation, params = layer.parse_request("dynamodb", put(rb"\ud83d\ude00"))
    assert params["Item"]["k"]["S"] == "\U0001f600"  # a pair is one character


def test_unknown_target(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/", headers={"x-amz-target": "Logs_20140328.NoSuchThing"},
                          body=b"{}")
    error = error_of(layer, "logs", request)
    assert error.error_code == "UnknownOperationException"
    assert "NoSuchThing" in error.message


def test_unknown_and_missing_action(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/", body=b"Action=Frobnicate&Version=2011-06-15",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    error = error_of(layer, "sts", request)
    assert error.error_code == "InvalidAction"
    assert "Frobnicate" in error.message
    missing = error_of(layer, "iam", HttpRequest("POST", "/", body=b"Version=2010-05-08"))
    assert missing.error_code == "MissingAction"


def test_bad_form_values(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/", body=b"Action=ListUsers&MaxItems=many")
    assert error_of(layer, "iam", request).error_code == "ValidationError"
    undecodable = HttpRequest("POST", "/", body=b"Action=ListUsers&Marker=\xff")
    assert error_of(layer, "iam", undecodable).error_code == "MalformedQueryString"


def test_bad_xml_body(layer: ProtocolLayer) -> None:
    request = HttpRequest("PUT", "/bucket", query_string="tagging",
                          body=b"<Tagging><TagSet><Tag><Key>a</Key>")
    error = error_of(layer, "s3", request)
    assert error.error_code == "MalformedXML"


def test_xml_entity_expansion_is_refused(layer: ProtocolLayer) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<Tagging><TagSet><Tag><Key>&b;</Key><Value>v</Value></Tag></TagSet></Tagging>")
    request = HttpRequest("PUT", "/bucket", query_string="tagging", body=bomb)
    assert error_of(layer, "s3", request).error_code == "MalformedXML"


@pytest.mark.parametrize(("service", "method", "path"), [
    ("lambda", "GET", "/2015-03-31/nothing-here"),
    ("apigateway", "PATCH", "/no/such/resource/at/all"),
    ("apigatewayv2", "GET", "/v2/unknown"),
])
def test_unknown_rest_path(layer: ProtocolLayer, service: str, method: str, path: str) -> None:
    error = error_of(layer, service, HttpRequest(method, path))
    assert error.error_code == "UnknownOperationException"
    assert service in error.message


def test_unknown_s3_method(layer: ProtocolLayer) -> None:
    error = error_of(layer, "s3", HttpRequest("PATCH", "/bucket/key"))
    assert error.error_code == "MethodNotAllowed"


def test_bad_rest_json_body_and_label(layer: ProtocolLayer) -> None:
    request = HttpRequest("POST", "/2015-03-31/functions", body=b"{oops")
    assert error_of(layer, "lambda", request).error_code == "SerializationException"
    bad_int = HttpRequest("GET", "/2015-03-31/functions/", query_string="MaxItems=lots")
    assert error_of(layer, "lambda", bad_int).error_code == "ValidationException"


HEADER_NAMES = st.sampled_from([
    "x-amz-target", "content-type", "authorization", "host", "x-amz-content-sha256",
    "content-encoding", "x-amz-copy-source", "x-amz-meta-a", "range", "if-modified-since",
])
TARGETS = st.sampled_from([
    "Logs_20140328.PutLogEvents", "DynamoDB_20120810.PutItem", "AmazonSQS.SendMessage",
    "AWSEvents.PutEvents", "AmazonSSM.PutParameter", "secretsmanager.CreateSecret",
    "AWSStepFunctions.StartExecution", "DynamoDBStreams_20120810.GetRecords", "garbage",
])
BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"{}", b'{"a": [1]}', b"Action=SendMessage&MessageBody=x",
                     b"<a><b>1</b></a>", b"Action=ListUsers&MaxItems=1"]),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                 max_leaves=8).map(lambda value: repr(value).replace("'", '"').encode()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    service=st.sampled_from(SERVICES),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]),
    path=st.one_of(st.text(max_size=40).map(lambda text: "/" + text),
                   st.sampled_from(["/", "/2015-03-31/functions/f/invocations", "/b/k",
                                    "/restapis/a/resources", "/v2/apis/x/routes"])),
    query=st.text(max_size=40),
    headers=st.dictionaries(HEADER_NAMES, st.one_of(TARGETS, st.text(max_size=30)),
                            max_size=4),
    body=BODIES,
)
def test_fuzz_only_service_errors(layer: ProtocolLayer, service: str, method: str, path: str,
                                  query: str, headers: dict[str, str], body: bytes) -> None:
    request = HttpRequest(method, path, query_string=query, headers=headers, body=body)
    try:
        detected = layer.detect_service(request)
        assert isinstance(detected, str)
    except ServiceError:
        pass
    try:
        operation, params = layer.parse_request(service, request)
    except ServiceError:
        return
    assert isinstance(operation, str)
    assert isinstance(params, dict)
