"""Seeds the App Directory table: the ``Custom::DataIngestLambdaTrigger`` custom resource.

CloudFormation invokes this function with ``RequestType`` Create, Update or Delete and the
resource properties ``Table`` and ``Region``; the function writes (or removes) the records
of ``records/apps.json`` and ALWAYS answers CloudFormation by PUTting to ``ResponseURL`` -
SUCCESS, or FAILED with the reason - so a failure fails the stack instead of hanging it.

- Create/Update: put every bundled record (idempotent: keyed by ``appId``, so a redeploy
  never duplicates); on Update, seeded records (``seeded: true``) no longer bundled are
  removed; records added by other means are left alone. The physical id names the table,
  so pointing ``Table`` at another table replaces the resource and CloudFormation then
  deletes the old one.
- Delete: remove the seeded records (a table already gone counts as success).
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from request_models import SeedProperties, SeedRequest

logger = Logger()
RECORDS_FILE = Path(__file__).resolve().parent / "records" / "apps.json"
REASON_LIMIT = 3000  # CloudFormation truncates longer reasons anyway
REQUEST_TYPES = ("Create", "Update", "Delete")


def parse_request(event: dict[str, Any]) -> SeedRequest:
    """CloudFormation's request, validated (a missing ``Table`` is a ValidationError)."""
    kind = event.get("RequestType")
    if kind not in REQUEST_TYPES:
        raise ValueError(f"unknown RequestType {kind!r}")
    import request_models  # on first use, not at init: see request_models' docstring

    return request_models.parse_request(event)


def bundled_items(path: Path = RECORDS_FILE) -> list[dict[str, Any]]:
    """The table items: ``{appId, record, openfin}`` with the shared OpenFin runtime."""
    bundle = json.loads(path.read_text())
    return [{"appId": app["record"]["appId"], "record": app["record"],
             "openfin": {"runtime": bundle["runtime"], **app.get("openfin", {})},
             "seeded": True}
            for app in bundle["apps"]]


def table_for(properties: SeedProperties) -> Any:
    return boto3.resource("dynamodb", region_name=properties.Region or None).Table(
        properties.Table)


def seed(table: Any, items: list[dict[str, Any]]) -> int:
    with table.batch_writer(overwrite_by_pkeys=["appId"]) as batch:
        for item in items:
            batch.put_item(Item=item)
    return len(items)


def seeded_ids(table: Any) -> list[str]:
    """App ids this resource wrote earlier (items carry ``seeded: true``)."""
    ids: list[str] = []
    kwargs: dict[str, Any] = {"ProjectionExpression": "appId, seeded"}
    while True:
        page = table.scan(**kwargs)
        ids.extend(i["appId"] for i in page.get("Items", []) if i.get("seeded") is True)
        if "LastEvaluatedKey" not in page:
            return ids
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def unseed(table: Any, app_ids: list[str]) -> int:
    try:
        with table.batch_writer() as batch:
            for app_id in app_ids:
                batch.delete_item(Key={"appId": app_id})
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        logger.info("table already deleted", extra={"table": table.name})
    return len(app_ids)


def apply(request: SeedRequest, items: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Do what the request asks; returns (physical resource id, Data)."""
    properties = request.resource_properties
    physical_id = f"appd-seed-{properties.Table}"
    table = table_for(properties)
    if request.request_type == "Delete":
        if request.physical_resource_id != physical_id:
            return request.physical_resource_id, {}  # never created: nothing to remove
        try:
            seeded = seeded_ids(table)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            return physical_id, {"Removed": 0}  # the table went first
        return physical_id, {"Removed": unseed(table, seeded)}
    app_ids = [item["appId"] for item in items]
    data: dict[str, Any] = {"Seeded": seed(table, items)}
    if request.request_type == "Update":
        stale = [a for a in seeded_ids(table) if a not in app_ids]
        if stale:
            data["Removed"] = unseed(table, stale)
    return physical_id, data


def respond(event: dict[str, Any], context: Any, status: str, physical_id: str,
            data: dict[str, Any], reason: str = "") -> None:
    body = json.dumps({
        "Status": status,
        "Reason": (reason or f"See log stream {getattr(context, 'log_stream_name', '')}")[
            :REASON_LIMIT],
        "PhysicalResourceId": physical_id,
        "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"),
        "LogicalResourceId": event.get("LogicalResourceId"),
        "NoEcho": False,
        "Data": data,
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - CFN's URL
        logger.info("answered CloudFormation", extra={"status": status, "http": answer.status})


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> None:
    default_id = event.get("PhysicalResourceId") or f"appd-seed-{context.aws_request_id}"
    try:
        physical_id, data = apply(parse_request(event), bundled_items())
    except Exception as error:  # noqa: BLE001 - every failure must reach CloudFormation
        logger.exception("seeding failed", extra={"request": event.get("RequestType")})
        respond(event, context, "FAILED", default_id, {}, f"{type(error).__name__}: {error}")
        return
    logger.info("seeding done", extra={"request": event["RequestType"], **data})
    respond(event, context, "SUCCESS", physical_id, data)
