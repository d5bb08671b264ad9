"""Events checked by an outside judge: Powertools' pydantic models, and the field sets of
AWS's sample events."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)

from fogbank.services.apigateway.dataplane.events import request_time
from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "events" / "powertools"
OK = {"statusCode": 200, "body": "ok"}


def _sample(name: str) -> dict[str, Any] | None:
    path = SAMPLES / name
    return json.loads(path.read_text()) if path.exists() else None


def _full_v1_request(cloud: Cloud, api_id: str) -> dict[str, Any]:
    cloud.request(
        "POST",
        "/dev/users/7/files/a/b",
        api_id=api_id,
        query="x=1&x=2&y=z",
        headers={
            "Content-Type": "application/json",
            "Origin": "https://aws.amazon.com",
            "Cookie": "a=1; b=2",
        },
        multi={"x-multi": ["v1", "v2"]},
        body=b'{"k": "v"}',
    )
    return cloud.client.events["fn"][-1]


def test_v1_event_validates_and_matches_sample_fields(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = rest_api(cloud, [("POST", "/users/{id}/files/{proxy+}", "fn")], variables={"v": "1"})
    event = _full_v1_request(cloud, api_id)
    model = APIGatewayProxyEventModel.model_validate(event)
    assert model.pathParameters == {"id": "7", "proxy": "a/b"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["z"]}
    assert event["queryStringParameters"] == {"x": "2", "y": "z"}
    assert event["multiValueHeaders"]["x-multi"] == ["v1", "v2"]
    assert event["headers"]["x-multi"] == "v2"
    assert event["stageVariables"] == {"v": "1"}
    assert event["body"] == '{"k": "v"}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/users/{id}/files/{proxy+}"
    assert context["requestTime"] == request_time(cloud.clock.now())
    assert context["requestTimeEpoch"] == int(cloud.clock.now() * 1000)
    assert context["accountId"] == "000000000000" and context["apiId"] == api_id
    sample = _sample("apiGatewayProxyEvent.json")
    if sample is not None:
        # REST events carry no "version" (that is HTTP API payload 1.0); everything else matches.
        assert set(event) == set(sample) - {"version"}
        sample_context = set(sample["requestContext"]) - {"authorizer"}
        assert sample_context <= set(context)
        assert set(context["identity"]) == set(sample["requestContext"]["identity"]) - {
            "clientCert"
        }


def test_v1_event_without_query_body_or_params_uses_nulls(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = rest_api(cloud, [("GET", "/plain", "fn")])
    cloud.request("GET", "/dev/plain", api_id=api_id)
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventModel.model_validate(event)
    for key in (
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "body",
    ):
        assert event[key] is None
    assert event["isBase64Encoded"] is False


def test_v1_binary_body_follows_binary_media_types(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = rest_api(
        cloud, [("POST", "/up", "fn")], binary_media_types=["application/octet-stream"]
    )
    blob = bytes(range(256))
    cloud.request(
        "POST",
        "/dev/up",
        api_id=api_id,
        body=blob,
        headers={"Content-Type": "application/octet-stream"},
    )
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventModel.model_validate(event)
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == blob


def test_v2_event_validates_and_matches_sample_fields(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = http_api(cloud, [("POST /users/{id}", "fn")], variables={"s": "1"})
    cloud.request(
        "POST",
        "/users/7",
        api_id=api_id,
        query="parameter1=value1&parameter1=value2&p2=v",
        headers={"Cookie": "cookie1=a; cookie2=b", "Content-Type": "text/plain"},
        multi={"header2": ["value1", "value2"]},
        body=b"hello",
    )
    event = cloud.client.events["fn"][-1]
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.cookies == ["cookie1=a", "cookie2=b"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["header2"] == "value1,value2"
    assert event["queryStringParameters"] == {"parameter1": "value1,value2", "p2": "v"}
    assert event["rawQueryString"] == "parameter1=value1&parameter1=value2&p2=v"
    assert event["rawPath"] == "/users/7" and event["routeKey"] == "POST /users/{id}"
    assert event["body"] == "hello" and event["isBase64Encoded"] is False
    assert event["requestContext"]["http"] == {
        "method": "POST",
        "path": "/users/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "pytest",
    }
    sample = _sample("apiGatewayProxyV2Event.json")
    if sample is not None:
        assert set(event) == set(sample)
        assert set(event["requestContext"]) == set(sample["requestContext"]) - {
            "authentication",
            "authorizer",
        }


def test_v2_event_omits_absent_members(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = http_api(cloud, [("GET /a", "fn")])
    cloud.request("GET", "/a", api_id=api_id)
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventV2Model.model_validate(event)
    for key in ("cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert key not in event
    assert event["rawQueryString"] == "" and event["isBase64Encoded"] is False


def test_v2_binary_body_is_base64_unless_text(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = http_api(cloud, [("POST /b", "fn")])
    cloud.request(
        "POST", "/b", api_id=api_id, body=b"\x00\x01", headers={"Content-Type": "image/png"}
    )
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\x01"
    cloud.request(
        "POST", "/b", api_id=api_id, body=b'{"a":1}', headers={"Content-Type": "application/json"}
    )
    assert cloud.client.events["fn"][-1]["body"] == '{"a":1}'


def test_v2_named_stage_keeps_stage_in_raw_path(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = http_api(cloud, [("GET /a/{b}", "fn")], stage="beta")
    assert cloud.request("GET", "/beta/a/x", api_id=api_id).status == 200
    event = cloud.client.events["fn"][-1]
    assert event["rawPath"] == "/beta/a/x" and event["pathParameters"] == {"b": "x"}
    assert event["requestContext"]["stage"] == "beta"


def test_http_api_payload_format_1_0(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK)
    api_id = http_api(cloud, [("GET /v1/{x}", "fn")], payload_format="1.0")
    response = cloud.request("GET", "/v1/z", api_id=api_id, query="q=1")
    assert response.status == 200 and response.body == b"ok"
    event = cloud.client.events["fn"][-1]
    APIGatewayProxyEventModel.model_validate(event)
    assert event["version"] == "1.0" and event["pathParameters"] == {"x": "z"}
    assert event["requestContext"]["stage"] == "$default"
