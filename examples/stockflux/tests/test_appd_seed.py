"""The ``Custom::DataIngestLambdaTrigger`` seed resource in the shared stack: creation seeded
the App Directory, Update requests are idempotent, every failure answers FAILED on the
ResponseURL. (Redeploys and stack deletion: ``test_appd_lifecycle.py``.)"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from fogbank.testing import RunningApp


class ResponseCatcher:
    """A local ResponseURL: records the bodies PUT to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                catcher.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/answer"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def catcher() -> Iterator[ResponseCatcher]:
    caught = ResponseCatcher()
    yield caught
    caught.server.shutdown()
    caught.server.server_close()


def apps_items(app: RunningApp) -> list[dict[str, Any]]:
    table = app.stack.physical_id("AppsTable")
    return app.client("dynamodb").scan(TableName=table)["Items"]


def request(app: RunningApp, kind: str, response_url: str, table: str,
            physical_id: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "RequestType": kind, "ResponseURL": response_url, "StackId": "stack-id",
        "RequestId": f"req-{kind}", "LogicalResourceId": "DataIngestLambdaTrigger",
        "ServiceToken": "arn:aws:lambda:us-east-1:000000000000:function:seed",
        "ResourceType": "Custom::DataIngestLambdaTrigger",
        "ResourceProperties": {"ServiceToken": "arn", "Region": app.region, "Table": table},
    }
    if physical_id:
        event["PhysicalResourceId"] = physical_id
    if kind == "Update":
        event["OldResourceProperties"] = dict(event["ResourceProperties"])
    return event


def test_stack_creation_seeded_the_app_directory(stockflux_app: RunningApp) -> None:
    items = apps_items(stockflux_app)
    assert len(items) == 7
    assert all(item["seeded"] == {"BOOL": True} for item in items)
    seed = next(r for r in stockflux_app.stack.resources
                if r["LogicalResourceId"] == "DataIngestLambdaTrigger")
    assert seed["ResourceType"] == "Custom::DataIngestLambdaTrigger"
    assert seed["PhysicalResourceId"] == f"appd-seed-{stockflux_app.stack.physical_id('AppsTable')}"


def test_custom_resource_requests(stockflux_app: RunningApp, catcher: ResponseCatcher) -> None:
    """CloudFormation's requests, sent straight to the function of the shared stack (which
    ends as it began: seeded)."""
    app = stockflux_app
    table = app.stack.physical_id("AppsTable") or ""
    physical_id = app.stack.physical_id("DataIngestLambdaTrigger")

    def send(kind: str, table_name: str, physical: str | None = None) -> dict[str, Any]:
        result = app.invoke("DataIngestLambdaFunction",
                            request(app, kind, catcher.url, table_name, physical))
        assert result.ok, result.log_tail
        return catcher.bodies[-1]

    for _ in range(2):
        answer = send("Update", table, physical_id)
        assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == physical_id
        assert answer["Data"] == {"Seeded": 7} and answer["RequestId"] == "req-Update"
        assert len(apps_items(app)) == 7  # idempotent

    # a failure answers FAILED with the reason instead of leaving CloudFormation waiting
    failed = send("Create", "no-such-table")
    assert failed["Status"] == "FAILED" and "ResourceNotFoundException" in failed["Reason"]
    # deleting from a table that is already gone succeeds
    gone = send("Delete", "no-such-table", "appd-seed-no-such-table")
    assert (gone["Status"], gone["Data"]) == ("SUCCESS", {"Removed": 0})
    try:
        removed = send("Delete", table, physical_id)
        assert (removed["Status"], removed["Data"]) == ("SUCCESS", {"Removed": 7})
        assert apps_items(app) == []
    finally:
        assert send("Create", table)["Status"] == "SUCCESS"
    assert len(apps_items(app)) == 7
