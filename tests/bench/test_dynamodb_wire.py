"""The DynamoDB bench's request builder, workload and wrk script (no servers involved)."""

from __future__ import annotations

import json

import pytest

from bench.dynamodb.canned import RESPONSE, CannedProtocol, parse_requests
from bench.dynamodb.wire import (
    Call,
    attribute,
    batch_write_calls,
    lua_string,
    raw_request,
    wrk_script,
)
from bench.dynamodb.workload import (
    FULL_SEED_ITEMS,
    ITEMS_PER_PARTITION,
    LINE_ITEMS,
    OPERATIONS,
    PARTITIONS,
    QUERY_PAGE,
    REVISIONS,
    SEED_TABLE,
    capacity_items,
    month_query,
    operation_calls,
    seed_half_hours,
    seed_items,
    sort_key,
    worker_slice,
)


def _split(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return lines[0], headers, body


def test_raw_request_is_a_signed_keep_alive_post_with_exact_length() -> None:
    call = Call("GetItem", {"TableName": "t", "Key": {"pk": {"S": "a"}}})
    start, headers, body = _split(raw_request("127.0.0.1:8000", call))
    assert start == "POST / HTTP/1.1"
    assert headers["Host"] == "127.0.0.1:8000"
    assert headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem"
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=test/")
    assert "/us-east-1/dynamodb/aws4_request" in headers["Authorization"]
    assert int(headers["Content-Length"]) == len(body)
    assert json.loads(body) == call.body
    assert "Connection" not in headers  # HTTP/1.1 keeps the connection by default


def test_lua_string_escapes_are_always_three_digits() -> None:
    # A quote followed by a digit must not merge into one longer decimal escape.
    assert lua_string(b'"0') == '"\\0340"'
    assert lua_string(b"a\r\nb\\") == '"a\\013\\010b\\092"'


def test_wrk_script_lists_every_request_and_rotates() -> None:
    requests = [b"GET /a HTTP/1.1\r\n\r\n", b"GET /b HTTP/1.1\r\n\r\n"]
    script = wrk_script(requests)
    assert script.count("GET /") == 2
    assert "function request()" in script and "index % #requests + 1" in script
    with pytest.raises(ValueError):
        wrk_script([])


def test_attribute_encoding() -> None:
    assert attribute("x") == {"S": "x"}
    assert attribute(3) == {"N": "3"}
    assert attribute(True) == {"BOOL": True}
    with pytest.raises(TypeError):
        attribute(None)


def test_batch_write_calls_chunk_by_25() -> None:
    calls = list(batch_write_calls("t", ({"pk": {"S": str(i)}} for i in range(60))))
    assert [len(c.body["RequestItems"]["t"]) for c in calls] == [25, 25, 10]
    assert all(c.operation == "BatchWriteItem" for c in calls)


def test_capacity_table_has_20000_distinct_keys() -> None:
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in capacity_items()}
    assert len(keys) == PARTITIONS * ITEMS_PER_PARTITION == 20_000


@pytest.mark.parametrize("operation", OPERATIONS)
def test_operation_calls_are_deterministic_and_well_formed(operation: str) -> None:
    calls = operation_calls(operation, 50)
    assert calls == operation_calls(operation, 50)
    assert len(calls) == 50 and all(c.operation == operation for c in calls)
    for call in calls:
        assert call.body["TableName"] == "bench-items"
        if operation == "Query":
            assert call.body["Limit"] == QUERY_PAGE
            start = call.body["ExpressionAttributeValues"][":s"]["S"]
            # Every Query starts early enough to fill a whole 100-item page.
            assert start <= sort_key(ITEMS_PER_PARTITION - QUERY_PAGE)
        if operation == "UpdateItem":
            assert "ConditionExpression" in call.body


def test_unknown_operation_is_refused() -> None:
    with pytest.raises(ValueError):
        operation_calls("Scan", 1)


def test_seed_sizes_and_worker_slices() -> None:
    assert FULL_SEED_ITEMS == 3_153_600
    assert seed_half_hours(0.05) == 876
    assert seed_half_hours(1e-9) == 1
    slices = [worker_slice(877, w, 4) for w in range(4)]
    assert slices[0][0] == 0 and slices[-1][1] == 877
    assert all(a[1] == b[0] for a, b in zip(slices, slices[1:], strict=False))
    items = list(seed_items(0, 2))
    assert len(items) == 2 * LINE_ITEMS * REVISIONS
    assert len({i["sk"]["S"] for i in items}) == len(items)
    assert items[0]["sk"]["S"] == "2026-01-01T00:00Z#L00#R0"


def test_month_query_spans_thirty_days() -> None:
    body = month_query(3, 100).body
    values = body["ExpressionAttributeValues"]
    assert body["TableName"] == SEED_TABLE and body["Limit"] == 100
    assert values[":from"]["S"] == "2026-01-04T00:00Z"
    assert values[":to"]["S"] == "2026-02-03T00:00Z"
    assert "Limit" not in month_query(0, None).body


def test_canned_parser_handles_split_and_pipelined_requests() -> None:
    one = raw_request("h:1", Call("GetItem", {"TableName": "t"}))
    buffer = bytearray(one[:10])
    assert parse_requests(buffer) == 0
    buffer += one[10:] + one + one[:-1]
    assert parse_requests(buffer) == 2
    buffer += one[-1:]
    assert parse_requests(buffer) == 1 and not buffer


class _Transport:
    def __init__(self) -> None:
        self.written = b""

    def write(self, data: bytes) -> None:
        self.written += data


def test_canned_protocol_answers_each_request() -> None:
    protocol = CannedProtocol()
    transport = _Transport()
    protocol._transport = transport  # type: ignore[assignment]
    one = raw_request("h:1", Call("GetItem", {"TableName": "t"}))
    protocol.data_received(one + one)
    assert transport.written == RESPONSE * 2
