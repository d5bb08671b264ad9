"""Pure tests of the hello handlers: API Gateway events in, responses out (no cloud needed).

Run with ``pytest examples/hello/tests`` (needs aws-lambda-powertools and boto3 installed).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"hello_{name}", SRC / name / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Context:
    function_name = "hello-HttpFunction-ABC123"
    function_version = "$LATEST"
    memory_limit_in_mb = "256"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + function_name
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name = "/aws/lambda/" + function_name
    log_stream_name = "2026/11/27/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 9000


def http_event(method: str, path: str, body: str | None = None,
               query: dict[str, str] | None = None) -> dict[str, Any]:
    """An HTTP API payload 2.0 event (the shape of Powertools' apiGatewayProxyV2Event.json)."""
    return {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {"content-type": "application/json", "host": "api.example"},
        "queryStringParameters": query,
        "requestContext": {
            "accountId": "000000000000", "apiId": "api123", "domainName": "api.example",
            "domainPrefix": "api", "requestId": "req-1", "routeKey": f"{method} {path}",
            "stage": "$default", "time": "27/Nov/2026:20:00:00 +0000", "timeEpoch": 1,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "pytest"},
        },
        "body": body, "isBase64Encoded": False,
    }


def rest_event(method: str, path: str, resource: str,
               query: dict[str, str] | None = None) -> dict[str, Any]:
    """A REST API proxy event (payload 1.0, Powertools' apiGatewayProxyEvent.json shape)."""
    return {
        "version": "1.0", "resource": resource, "path": path, "httpMethod": method,
        "headers": {"Host": "api.example"}, "multiValueHeaders": {"Host": ["api.example"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None, "stageVariables": None,
        "requestContext": {
            "accountId": "000000000000", "apiId": "rest123", "httpMethod": method,
            "path": f"/Prod{path}", "protocol": "HTTP/1.1", "requestId": "req-2",
            "resourceId": "abc", "resourcePath": resource, "stage": "Prod",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
        },
        "body": None, "isBase64Encoded": False,
    }


@pytest.fixture(scope="module")
def http_app() -> ModuleType:
    return load("http_app")


@pytest.fixture(scope="module")
def rest_app() -> ModuleType:
    return load("rest_app")


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def test_hello(http_app: ModuleType) -> None:
    response = http_app.lambda_handler(http_event("GET", "/hello/ada"), Context())
    assert response["statusCode"] == 200
    assert body_of(response) == {"message": "hello ada"}


def test_echo(http_app: ModuleType) -> None:
    response = http_app.lambda_handler(
        http_event("POST", "/echo", body='{"a": 1}', query={"x": "y"}), Context())
    assert body_of(response) == {"echo": {"a": 1}, "contentType": "application/json",
                                 "query": {"x": "y"}}
    bad = http_app.lambda_handler(http_event("POST", "/echo", body="nope"), Context())
    assert bad["statusCode"] == 400


def test_config_reads_environment(http_app: ModuleType, monkeypatch: Any) -> None:
    monkeypatch.setenv("AUDIT_LOG_GROUP", "hello-AuditLogGroup-XYZ")
    monkeypatch.setenv("PLAIN_FUNCTION_NAME", "hello-PlainFunction-XYZ")
    response = http_app.lambda_handler(http_event("GET", "/config"), Context())
    assert body_of(response)["auditLogGroup"] == "hello-AuditLogGroup-XYZ"


def test_unknown_route_is_404(http_app: ModuleType) -> None:
    assert http_app.lambda_handler(http_event("GET", "/nope"), Context())["statusCode"] == 404


def test_rest_items_and_greeting(rest_app: ModuleType) -> None:
    found = rest_app.lambda_handler(rest_event("GET", "/items/1", "/items/{item_id}"), Context())
    assert body_of(found) == {"item_id": "1", "name": "notebook", "price_cents": 450}
    missing = rest_app.lambda_handler(rest_event("GET", "/items/9", "/items/{item_id}"),
                                      Context())
    assert missing["statusCode"] == 404
    greeting = rest_app.lambda_handler(
        rest_event("GET", "/greeting", "/greeting", {"name": "bob"}), Context())
    assert body_of(greeting) == {"greeting": "hello bob", "stage": "Prod"}


def test_plain_summary() -> None:
    plain = load("plain")
    summary = plain.handler({"b": 1, "a": 2}, Context())
    assert summary["keys"] == ["a", "b"]
    assert summary["memoryLimitInMB"] == 256
