"""Seeds the securities table with the deterministic universe: ``Custom::SecuritiesSeed``.

CloudFormation sends Create/Update/Delete with the properties ``SecuritiesTable`` and
``UniverseSize``; the function ALWAYS answers the ``ResponseURL`` (SUCCESS, or FAILED with
the reason, so a failure fails the stack instead of hanging it).

- Create/Update: every security of ``universe(UniverseSize)`` that is not in the table yet is
  written with its symbol claim (see the securities function's ``store``); a security or
  claim already present - edited, renamed or created through the admin API - is left alone.
  The stream then drives the search indexer, so search fills in right after the stack is up.
- Delete: nothing (the table goes with the stack).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from stockflux_market.custom_resource import answer_cloudformation
from stockflux_market.dynamo import BATCH_WRITE_MAX, batch_write
from stockflux_market.universe import DEFAULT_SIZE, SeedSecurity, universe

logger = Logger()
dynamodb = boto3.client("dynamodb")
BATCH_GET_MAX = 100
MAX_UNIVERSE = 50_000
WRITERS = 4


def claim_key(security: SeedSecurity) -> str:
    return f"claim#{security.exchange}#{security.symbol}"


def existing_keys(table: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), BATCH_GET_MAX):
        request: dict[str, Any] = {table: {
            "Keys": [{"securityId": {"S": key}} for key in keys[start:start + BATCH_GET_MAX]],
            "ProjectionExpression": "securityId"}}
        while request:
            result = dynamodb.batch_get_item(RequestItems=request)
            found.update(item["securityId"]["S"] for item in result["Responses"].get(table, []))
            request = result.get("UnprocessedKeys") or {}
    return found


def write(table: str, items: list[dict[str, Any]]) -> None:
    """BatchWriteItem in chunks of 25, a few in flight at once (boto3 clients are
    thread-safe); the first failure is raised."""
    puts = [{"PutRequest": {"Item": item}} for item in items]
    chunks = [puts[start:start + BATCH_WRITE_MAX] for start in range(0, len(puts), BATCH_WRITE_MAX)]
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for finished in [pool.submit(batch_write, dynamodb, table, chunk)
                         for chunk in chunks]:
            finished.result()


def seed(table: str, size: int) -> int:
    securities = universe(size)
    present = existing_keys(table, [key for s in securities
                                    for key in (s.security_id, claim_key(s))])
    updated = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    items = []
    for security in securities:
        if security.security_id in present or claim_key(security) in present:
            continue
        items.append({
            "securityId": {"S": security.security_id}, "symbol": {"S": security.symbol},
            "exchange": {"S": security.exchange}, "name": {"S": security.name},
            "enabled": {"BOOL": True}, "visible": {"BOOL": True}, "updated": {"S": updated}})
        items.append({"securityId": {"S": claim_key(security)},
                      "claimedBy": {"S": security.security_id}})
    write(table, items)
    return len(items) // 2


def universe_size(properties: dict[str, Any]) -> int:
    raw = properties.get("UniverseSize", DEFAULT_SIZE)
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"UniverseSize must be a whole number, not {raw!r}") from None
    if not 0 <= size <= MAX_UNIVERSE:
        raise ValueError(f"UniverseSize must be between 0 and {MAX_UNIVERSE}")
    return size


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    properties = event.get("ResourceProperties") or {}
    table = str(properties.get("SecuritiesTable", ""))
    physical_id = event.get("PhysicalResourceId") or f"securities-seed-{table}"
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            if not table:
                raise ValueError("SecuritiesTable is required")
            written = seed(table, universe_size(properties))
            data = {"Written": written}
            logger.info("securities seeded", extra={"table": table, "written": written})
    except Exception as exc:  # any failure must still answer CloudFormation
        logger.exception("seeding failed")
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"
    answer_cloudformation(event, status, reason or "see the function's log", physical_id, data)
    return {"status": status}
