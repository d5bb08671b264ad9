"""DynamoDB requests as raw HTTP/1.1 bytes, signed once with botocore's SigV4.

None of the peers verifies signatures, so each request is signed once when it is built and then
replayed as often as the load generator likes. Bodies are compact JSON with DynamoDB's
attribute-value encoding, exactly what boto3 would send.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TARGET_PREFIX = "DynamoDB_20120810."
CONTENT_TYPE = "application/x-amz-json-1.0"
REGION = "us-east-1"
_CREDENTIALS = Credentials("test", "test")


@dataclass(frozen=True)
class Call:
    """One DynamoDB operation and its JSON request body."""

    operation: str
    body: dict[str, Any]

    def payload(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":")).encode()


def signed_headers(host: str, operation: str, payload: bytes) -> list[tuple[str, str]]:
    """The headers boto3 would send for ``operation`` (SigV4 signed, no session token)."""
    request = AWSRequest(method="POST", url=f"http://{host}/", data=payload,
                         headers={"Content-Type": CONTENT_TYPE,
                                  "X-Amz-Target": TARGET_PREFIX + operation})
    SigV4Auth(_CREDENTIALS, "dynamodb", REGION).add_auth(request)
    headers = [("Host", host)]
    headers += [(name, str(value)) for name, value in request.headers.items()
                if name.lower() != "host"]
    headers.append(("Content-Length", str(len(payload))))
    return headers


def raw_request(host: str, call: Call) -> bytes:
    """The complete HTTP/1.1 keep-alive request for ``call`` to ``host`` ("127.0.0.1:PORT")."""
    payload = call.payload()
    head = "".join(f"{name}: {value}\r\n"
                   for name, value in signed_headers(host, call.operation, payload))
    return f"POST / HTTP/1.1\r\n{head}\r\n".encode() + payload


def lua_string(data: bytes) -> str:
    """``data`` as a Lua string literal (3-digit decimal escapes for all but plain printables)."""
    out = []
    for byte in data:
        char = chr(byte)
        if char in '"\\' or not 32 <= byte < 127:
            out.append(f"\\{byte:03d}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def wrk_script(requests: Sequence[bytes]) -> str:
    """A wrk Lua script that replays ``requests`` round-robin, each thread from its own offset."""
    if not requests:
        raise ValueError("a wrk script needs at least one request")
    lines = ["local requests = {"]
    lines += [f"  {lua_string(request)}," for request in requests]
    lines += [
        "}",
        "local index = 0",
        "function init(args)",
        "  index = math.random(#requests) - 1",
        "end",
        "function request()",
        "  index = index % #requests + 1",
        "  return requests[index]",
        "end",
        "",
    ]
    return "\n".join(lines)


def attribute(value: Any) -> dict[str, Any]:
    """A Python value in DynamoDB's wire encoding (str → S, int/float → N, bool → BOOL)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    raise TypeError(f"no DynamoDB encoding for {type(value).__name__}")


def item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: attribute(value) for name, value in values.items()}


def batch_write_calls(table: str, items: Iterable[dict[str, Any]],
                      batch_size: int = 25) -> Iterable[Call]:
    """BatchWriteItem calls of at most ``batch_size`` PutRequests (already wire-encoded items)."""
    batch: list[dict[str, Any]] = []
    for encoded in items:
        batch.append({"PutRequest": {"Item": encoded}})
        if len(batch) == batch_size:
            yield Call("BatchWriteItem", {"RequestItems": {table: batch}})
            batch = []
    if batch:
        yield Call("BatchWriteItem", {"RequestItems": {table: batch}})


def create_table_call(table: str) -> Call:
    """CreateTable with a string hash key ``pk`` and string range key ``sk``, on demand."""
    return Call("CreateTable", {
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}]})
