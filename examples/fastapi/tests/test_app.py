"""Pure tests of the FastAPI app through Mangum with HTTP API (payload 2.0) events.

Run with ``pytest examples/fastapi/tests`` after
``pip install -r examples/fastapi/src/requirements.txt``; skipped without fastapi and mangum.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("mangum")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from app import handler  # noqa: E402


class Context:
    function_name = "fastapi-FastApiFunction-ABC"
    aws_request_id = "req-1"
    memory_limit_in_mb = "512"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + function_name

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def call(method: str, path: str, *, query: str = "", body: Any = None) -> tuple[int, Any]:
    event = {
        "version": "2.0", "routeKey": "ANY /{proxy+}", "rawPath": path, "rawQueryString": query,
        "headers": {"content-type": "application/json", "host": "api.example"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example",
            "requestId": "id", "routeKey": "ANY /{proxy+}", "stage": "$default",
            "time": "27/Nov/2026:20:00:00 +0000", "timeEpoch": 1,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "pytest"},
        },
        "body": None if body is None else json.dumps(body), "isBase64Encoded": False,
    }
    response = handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def test_root_and_items() -> None:
    assert call("GET", "/")[1]["message"] == "hello from FastAPI"
    status, items = call("GET", "/items", query="tag=light")
    assert status == 200 and [i["name"] for i in items] == ["lamp"]
    status, item = call("GET", "/items/1", query="verbose=true")
    assert item["price_with_tax"] == 30.0 and item["tax_rate"] == 0.2
    assert call("GET", "/items/42") == (404, {"detail": "item 42 not found"})


def test_body_model_validation() -> None:
    status, created = call("POST", "/items", body={"name": "chair", "price": 70})
    assert status == 201 and created["item_id"] == 3
    status, errors = call("POST", "/items", body={"price": -1})
    assert status == 422
    assert {tuple(e["loc"]) for e in errors["detail"]} == {("body", "name"), ("body", "price")}


def test_query_constraints() -> None:
    assert call("GET", "/users/ada/greeting", query="lang=de")[1] == {"greeting": "hallo ada"}
    assert call("GET", "/users/ada/greeting", query="lang=xx")[0] == 422
