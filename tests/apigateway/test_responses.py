"""Lambda results → HTTP responses, and integration failures, for REST and HTTP APIs."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.apigateway.builders import http_api, rest_api
from tests.apigateway.harness import Cloud, Timeout, body_json, lambda_uri

OK_RESPONSE = {"statusCode": 200, "body": "ok"}


def _rest(cloud: Cloud, result: Any, **kwargs: Any) -> Any:
    def handler(event: dict[str, Any]) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    cloud.client.register("fn", handler)
    api_id = rest_api(cloud, [("GET", "/r", "fn")], **kwargs)
    return cloud.request("GET", "/dev/r", api_id=api_id, headers={"Accept": "image/png"})


def _http(cloud: Cloud, result: Any, payload_format: str = "2.0") -> Any:
    def handler(event: dict[str, Any]) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    cloud.client.register("fn", handler)
    api_id = http_api(cloud, [("GET /r", "fn")], payload_format=payload_format)
    return cloud.request("GET", "/r", api_id=api_id)


def test_rest_proxy_response_with_multi_value_headers(cloud: Cloud) -> None:
    response = _rest(
        cloud,
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "Set-Cookie": "a=1"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": "made",
            "isBase64Encoded": False,
        },
    )
    assert response.status == 201 and response.body == b"made"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.header("X-One") == "1"
    assert response.header("x-amzn-RequestId") and response.header("x-amz-apigw-id")


@pytest.mark.parametrize(
    "result",
    [
        {"body": "no status"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "extra": 1},
        {"statusCode": "abc"},
        "just a string",
        [1, 2],
        None,
    ],
)
def test_rest_malformed_proxy_response_is_502(cloud: Cloud, result: Any) -> None:
    response = _rest(cloud, result)
    assert response.status == 502
    assert body_json(response) == {"message": "Internal server error"}


def test_rest_base64_body_decoded_only_for_binary_media_types(cloud: Cloud) -> None:
    encoded = base64.b64encode(b"\x89PNG").decode()
    result = {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": encoded,
        "isBase64Encoded": True,
    }
    assert _rest(cloud, result, binary_media_types=["image/png"]).body == b"\x89PNG"


def test_rest_base64_body_left_as_text_without_binary_media_types(cloud: Cloud) -> None:
    encoded = base64.b64encode(b"\x89PNG").decode()
    result = {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": encoded,
        "isBase64Encoded": True,
    }
    assert _rest(cloud, result).body == encoded.encode()


def test_rest_function_error_timeout_throttle_missing(cloud: Cloud) -> None:
    failed = _rest(cloud, RuntimeError("boom"))
    assert failed.status == 502 and body_json(failed) == {"message": "Internal server error"}
    # A function running out of its own time is a function error, not an integration timeout.
    timed_out = _rest(cloud, Timeout())
    assert timed_out.status == 502 and body_json(timed_out) == {"message": "Internal server error"}
    api_id = rest_api(cloud, [("GET", "/t", "throttled"), ("GET", "/m", "missing")])
    throttled = cloud.request("GET", "/dev/t", api_id=api_id)
    assert throttled.status == 429 and body_json(throttled) == {"message": "Too Many Requests"}
    missing = cloud.request("GET", "/dev/m", api_id=api_id)
    assert missing.status == 500 and body_json(missing) == {"message": "Internal server error"}


def test_http_simple_responses(cloud: Cloud) -> None:
    response = _http(cloud, {"hello": "world"})
    assert response.status == 200
    assert response.header("Content-Type") == "application/json"
    assert json.loads(response.body) == {"hello": "world"}


@pytest.mark.parametrize("result", ["text", 42, [1, 2], True, None])
def test_http_non_dict_results_are_json_bodies(cloud: Cloud, result: Any) -> None:
    response = _http(cloud, result)
    assert response.status == 200 and json.loads(response.body) == result


def test_http_full_response_with_cookies_and_base64(cloud: Cloud) -> None:
    response = _http(
        cloud,
        {
            "statusCode": 202,
            "headers": {"content-type": "image/gif", "x-n": 5},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": base64.b64encode(b"GIF89a").decode(),
            "isBase64Encoded": True,
        },
    )
    assert response.status == 202 and response.body == b"GIF89a"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2"]
    assert response.header("x-n") == "5"
    assert response.header("Apigw-Requestid")


def test_http_malformed_and_errors(cloud: Cloud) -> None:
    bad = _http(cloud, {"statusCode": 200, "body": {"x": 1}})
    assert bad.status == 500 and body_json(bad) == {"message": "Internal Server Error"}
    failed = _http(cloud, ValueError("x"))
    assert failed.status == 500 and body_json(failed) == {"message": "Internal Server Error"}
    timed_out = _http(cloud, Timeout())  # the function's own timeout: a function error
    assert timed_out.status == 500 and body_json(timed_out) == {"message": "Internal Server Error"}


def test_http_payload_1_0_requires_proxy_shape(cloud: Cloud) -> None:
    assert _http(cloud, {"hello": "world"}, payload_format="1.0").status == 500


def test_non_json_payload_is_an_integration_failure(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: None)
    cloud.client.raw["fn"] = b"not json"
    api_id = rest_api(cloud, [("GET", "/r", "fn")])
    assert cloud.request("GET", "/dev/r", api_id=api_id).status == 502


def test_rest_defaults_content_type_to_json(cloud: Cloud) -> None:
    response = _rest(cloud, {"statusCode": 200, "body": "{}"})
    assert response.header("Content-Type") == "application/json"


def _slow_lambda(cloud: Cloud, finished: list[str]) -> None:
    """``lambda.Invoke`` answers only after 0.2 s (then records ``done``)."""
    import asyncio

    original = cloud.client.call

    async def slow_call(
        service: str, operation: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        if service == "lambda":
            await asyncio.sleep(0.2)
            finished.append("done")
        return await original(service, operation, params, **kw)

    cloud.client.call = slow_call  # type: ignore[method-assign]
    cloud.client.register("slow", lambda e: {"statusCode": 200, "body": "late"})


def _http_api_with_timeout(cloud: Cloud, timeout_ms: int) -> str:
    from fogbank.services.apigateway.dataplane.model import function_arn_of

    api_id = cloud.call("apigatewayv2", "CreateApi", Name="t", ProtocolType="HTTP")["ApiId"]
    integration = cloud.call(
        "apigatewayv2",
        "CreateIntegration",
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        PayloadFormatVersion="2.0",
        IntegrationUri=function_arn_of(lambda_uri("slow")),
        TimeoutInMillis=timeout_ms,
    )
    cloud.call(
        "apigatewayv2",
        "CreateRoute",
        ApiId=api_id,
        RouteKey="GET /slow",
        Target=f"integrations/{integration['IntegrationId']}",
    )
    cloud.call("apigatewayv2", "CreateStage", ApiId=api_id, StageName="$default", AutoDeploy=True)
    return str(api_id)


def _rest_api_with_timeout(cloud: Cloud, timeout_ms: int) -> str:
    api = cloud.call("apigateway", "CreateRestApi", name="t")
    resource = cloud.call(
        "apigateway",
        "CreateResource",
        restApiId=api["id"],
        parentId=api["rootResourceId"],
        pathPart="slow",
    )
    member = {"restApiId": api["id"], "resourceId": resource["id"], "httpMethod": "GET"}
    cloud.call("apigateway", "PutMethod", authorizationType="NONE", **member)
    cloud.call(
        "apigateway",
        "PutIntegration",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri("slow"),
        timeoutInMillis=timeout_ms,
        **member,
    )
    cloud.call("apigateway", "CreateDeployment", restApiId=api["id"], stageName="dev")
    return str(api["id"])


@pytest.mark.parametrize(
    "kind, status, message",
    [
        ("HTTP", 503, {"message": "Service Unavailable"}),
        ("REST", 504, {"message": "Endpoint request timed out"}),
    ],
)
def test_integration_timeout_answers_while_function_runs_on(
    cloud: Cloud, kind: str, status: int, message: dict[str, str]
) -> None:
    import asyncio

    from fogbank.protocol.http import HttpRequest

    finished: list[str] = []
    _slow_lambda(cloud, finished)
    if kind == "HTTP":
        api_id, path = _http_api_with_timeout(cloud, 50), "/slow"
    else:
        api_id, path = _rest_api_with_timeout(cloud, 50), "/dev/slow"

    async def scenario() -> Any:
        response = await cloud.front.handle(HttpRequest("GET", path), api_id=api_id)
        await asyncio.sleep(0.3)
        return response

    response = asyncio.run(scenario())
    assert response.status == status and body_json(response) == message
    assert finished == ["done"]


def test_integration_within_its_timeout_answers(cloud: Cloud) -> None:
    finished: list[str] = []
    _slow_lambda(cloud, finished)
    api_id = _rest_api_with_timeout(cloud, 29000)
    response = cloud.request("GET", "/dev/slow", api_id=api_id)
    assert response.status == 200 and response.body == b"late"


def test_stage_variables_in_integration_uri(cloud: Cloud) -> None:
    cloud.client.register("fn-blue", lambda e: {"statusCode": 200, "body": "blue"})
    api = cloud.call("apigateway", "CreateRestApi", name="sv")
    root = api["rootResourceId"]
    cloud.call(
        "apigateway",
        "PutMethod",
        restApiId=api["id"],
        resourceId=root,
        httpMethod="GET",
        authorizationType="NONE",
    )
    cloud.call(
        "apigateway",
        "PutIntegration",
        restApiId=api["id"],
        resourceId=root,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri("fn-${stageVariables.color}"),
    )
    cloud.call(
        "apigateway",
        "CreateDeployment",
        restApiId=api["id"],
        stageName="live",
        variables={"color": "blue"},
    )
    assert cloud.request("GET", "/live", api_id=api["id"]).body == b"blue"


def test_rest_authorizer_context_must_be_flat(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK_RESPONSE)
    cloud.client.register(
        "auth",
        lambda e: {
            "principalId": "p",
            "context": {"nested": {"no": 1}},
            "policyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        },
    )
    api_id = rest_api(
        cloud,
        [("GET", "/s", "fn")],
        authorizer={
            "name": "t",
            "type": "TOKEN",
            "authorizerUri": lambda_uri("auth"),
            "identitySource": "method.request.header.Authorization",
        },
    )
    response = cloud.request("GET", "/dev/s", api_id=api_id, headers={"Authorization": "x"})
    assert response.status == 500


def test_request_too_long(cloud: Cloud) -> None:
    cloud.client.register("fn", lambda e: OK_RESPONSE)
    api_id = rest_api(cloud, [("POST", "/r", "fn")])
    response = cloud.request("POST", "/dev/r", api_id=api_id, body=b"x" * (10 * 1024 * 1024 + 1))
    assert response.status == 413 and body_json(response) == {"message": "Request Too Long"}
    assert "fn" not in cloud.client.events
