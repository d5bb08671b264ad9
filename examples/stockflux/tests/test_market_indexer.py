"""The search indexer's handler without a cloud: stream events in (the shape of Powertools'
``dynamoStreamEvent.json``), BatchWriteItem requests out - in stream order per security, with
a failing record reported in ``batchItemFailures`` and the others still indexed."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from examples.stockflux.tests.lambda_context import LambdaContext
from examples.stockflux.tests.market_support import LAYER

assert LAYER.is_dir()  # market_support put the layer on sys.path for this import
from stockflux_market.dynamo import to_item  # noqa: E402


def security(security_id: str, symbol: str, name: str, enabled: bool = True
             ) -> dict[str, Any]:
    return {"securityId": security_id, "symbol": symbol, "exchange": "NYSE", "name": name,
            "enabled": enabled, "visible": True, "updated": "2026-11-28T00:00:00.000Z"}


def stream_record(sequence: int, event_name: str, old: dict[str, Any] | None,
                  new: dict[str, Any] | None) -> dict[str, Any]:
    image = new or old or {}
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795000000 + sequence,
        "Keys": {"securityId": {"S": image["securityId"]}},
        "SequenceNumber": f"{sequence:021d}", "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if old:
        body["OldImage"] = to_item(old)
    if new:
        body["NewImage"] = to_item(new)
    return {"eventID": f"event-{sequence}", "eventName": event_name, "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": "us-east-1", "dynamodb": body,
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/Securities/"
                              "stream/2026-11-28T00:00:00.000"}


@pytest.fixture
def indexer(load_handler: Callable[..., ModuleType], monkeypatch: pytest.MonkeyPatch
            ) -> ModuleType:
    monkeypatch.setenv("SEARCH_INDEX_TABLE", "SearchIndex")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    return load_handler("search_indexer")


def test_batch_is_indexed_in_order_per_security_with_partial_failures(
        indexer: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[list[dict[str, Any]]] = []

    def write(requests: list[dict[str, Any]]) -> None:
        if any(r.get("PutRequest", {}).get("Item", {}).get("symbol", {}).get("S") == "BAD"
               for r in requests):
            raise RuntimeError("throttled")
        if "Alpha Beta Corp" in str(requests):
            time.sleep(0.2)  # a slow first write: the rename must still come after it
        written.append(requests)

    monkeypatch.setattr(indexer, "write", write)
    first = security("id-1", "ABC", "Alpha Beta Corp")
    renamed = security("id-1", "ABC", "Alpha Gamma Corp")
    other = security("id-2", "XYZ", "Xylo Corp")
    bad = security("id-3", "BAD", "Broken Corp")
    claim = {"securityId": "claim#NYSE#ABC", "claimedBy": "id-1"}
    event = {"Records": [
        stream_record(1, "INSERT", None, first),
        stream_record(2, "INSERT", None, claim),
        stream_record(3, "INSERT", None, bad),
        stream_record(4, "MODIFY", first, renamed),
        stream_record(5, "INSERT", None, other),
        stream_record(6, "MODIFY", other, {**other, "enabled": False}),
    ]}
    response = indexer.lambda_handler(event, LambdaContext("stockflux-SearchIndexerFunction-ABC"))
    assert response == {"batchItemFailures": [{"itemIdentifier": f"{3:021d}"}]}

    def owner(requests: list[dict[str, Any]]) -> str:
        """Whose index items a write touches: every sort key ends with ``#<securityId>``."""
        keys = [(r.get("PutRequest") or {}).get("Item") or r["DeleteRequest"]["Key"]
                for r in requests]
        owners = {key["rank"]["S"].rsplit("#", 1)[1] for key in keys}
        assert len(owners) == 1
        return owners.pop()

    assert sorted(owner(w) for w in written) == ["id-1", "id-1", "id-2", "id-2"]
    abc = [w for w in written if owner(w) == "id-1"]
    assert all("PutRequest" in r for r in abc[0])  # the insert, then the rename
    deleted = [r["DeleteRequest"]["Key"]["prefix"]["S"] for r in abc[1] if "DeleteRequest" in r]
    assert "be" in deleted and "ga" not in deleted
    xyz = [w for w in written if owner(w) == "id-2"]
    assert all("PutRequest" in r for r in xyz[0])
    assert all("DeleteRequest" in r for r in xyz[1])  # disabled: it leaves the index
