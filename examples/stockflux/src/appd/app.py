"""The StockFlux App Directory: FDC3 AppD 2.x plus the legacy StockFlux 1.x routes.

Routes (HTTP API, payload 2.0, routed by Powertools):
- ``GET /appd/v2/apps`` → ``AllApplicationsResponse`` ``{applications, message}``
- ``GET /appd/v2/apps/{appId}`` → one ``Application``; ``appId@host`` accepted when the host
  is this directory's
- ``GET /apps/v1`` → bare array of FDC3 1.x records (what StockFlux's front end reads)
- ``GET /apps/v1/{appId}`` → one 1.x record
- ``GET /apps/v1/{appId}/app.json`` → the app's OpenFin manifest with absolute URLs

Errors are FDC3 ``ErrorDTO`` bodies ``{code, message}``. Items of the ``APPS_TABLE`` hold
``appId``, ``record`` (the 2.x record with URL templates) and ``openfin`` (window options,
runtime, services for the manifest).
"""

from __future__ import annotations

import json
import os
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import boto3
from appd_records import (
    Origin,
    error_body,
    openfin_manifest,
    origin_of,
    plain,
    resolve,
    split_app_id,
    to_v1,
    url_bases,
)
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
app = APIGatewayHttpResolver()
MAX_APP_ID_CHARS = 256  # far above any real id; DynamoDB keys stop at 2,048 bytes


class AppDirectory:
    """Reads the Apps table (created lazily so unit tests can swap the table)."""

    def __init__(self, table: Any = None) -> None:
        self._table = table

    @property
    def table(self) -> Any:
        if self._table is None:
            self._table = boto3.resource("dynamodb").Table(os.environ["APPS_TABLE"])
        return self._table

    def all_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = self.table.scan(**kwargs)
            items.extend(plain(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(items, key=lambda item: item["appId"])

    def item(self, app_id: str) -> dict[str, Any] | None:
        found = self.table.get_item(Key={"appId": app_id}).get("Item")
        return plain(found) if found else None


directory = AppDirectory()


def _origin() -> Origin:
    event = app.current_event
    return origin_of(event.headers or {}, event.request_context.stage)


def _bases() -> dict[str, str]:
    return url_bases(_origin(), os.environ.get("ARTIFACTS_BASE_URL"))


def _error(status: HTTPStatus, message: str) -> Response:
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON,
                    body=error_body(status.value, message))


def _lookup(requested: str) -> dict[str, Any] | Response:
    app_id, host = split_app_id(unquote(requested))  # clients may send '@' as %40
    if not app_id.strip():
        return _error(HTTPStatus.BAD_REQUEST, "appId must not be empty")
    if len(app_id) > MAX_APP_ID_CHARS:
        return _error(HTTPStatus.BAD_REQUEST,
                      f"appId must be at most {MAX_APP_ID_CHARS} characters")
    if host is not None and not _origin().matches_host(host):
        return _error(HTTPStatus.NOT_FOUND,
                      f"Application {requested} is not in this directory (host {host})")
    item = directory.item(app_id)
    if item is None:
        return _error(HTTPStatus.NOT_FOUND, f"Application {app_id} not found")
    return item


@app.get("/appd/v2/apps")
def all_applications() -> dict[str, Any]:
    bases = _bases()
    applications = [resolve(item["record"], bases) for item in directory.all_items()]
    return {"applications": applications, "message": "OK"}


@app.get("/appd/v2/apps/<appId>")
def application(appId: str) -> Any:  # noqa: N803 - the spec's parameter name
    found = _lookup(appId)
    if isinstance(found, Response):
        return found
    return resolve(found["record"], _bases())


@app.get("/apps/v1")
def legacy_all_apps() -> Response:
    bases = _bases()
    records = [to_v1(resolve(item["record"], bases)) for item in directory.all_items()]
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps(records))


@app.get("/apps/v1/<appId>")
def legacy_app(appId: str) -> Any:  # noqa: N803
    found = _lookup(appId)
    if isinstance(found, Response):
        return found
    return to_v1(resolve(found["record"], _bases()))


@app.get("/apps/v1/<appId>/app.json")
def legacy_manifest(appId: str) -> Any:  # noqa: N803
    found = _lookup(appId)
    if isinstance(found, Response):
        return found
    bases = _bases()
    return openfin_manifest(resolve(found["record"], bases),
                            resolve(found.get("openfin") or {}, bases), bases["apiBaseUrl"])


@app.exception_handler(Exception)
def server_error(exc: Exception) -> Response:
    logger.exception("app directory failure")
    return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "The app directory could not answer")


@app.not_found
def not_found(_: Exception) -> Response:
    return _error(HTTPStatus.NOT_FOUND, f"No route {app.current_event.path}")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
