"""Example values for botocore shapes, and botocore-driven request/response helpers.

The examples satisfy min/max/enum loosely and skip recursion; they exist to round-trip
every operation through botocore's serializers and parsers (the outside judge).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.serialize import create_serializer

from fogbank.protocol import HttpRequest

FIXED_TIME = datetime(2026, 11, 27, 12, 30, 45, tzinfo=UTC)
ENDPOINT = "http://127.0.0.1:4566"
REGION = "eu-west-1"


VARIANTS = ("full", "minimal", "rich")
RICH_TEXT = "a b&c<d>\u00e9/+%?=;"
RICH_TIME = datetime(2026, 11, 27, 12, 30, 45, 123000, tzinfo=UTC)


class ExampleBuilder:
    """``full``: every member once; ``minimal``: required members only; ``rich``: two
    items per list/map, awkward characters in strings, sub-second timestamps."""

    def __init__(self, variant: str = "full") -> None:
        self.variant = variant

    def value(self, shape: Shape, stack: tuple[str, ...] = (), *, in_header: bool = False
              ) -> Any:
        type_name = shape.type_name
        if type_name == "structure":
            if shape.name in stack or len(stack) > 8:
                return None
            members = list(shape.members.items())
            if shape.metadata.get("union"):
                members = members[:1]
            elif self.variant == "minimal":
                required = set(shape.required_members)
                members = [(name, member) for name, member in members if name in required
                           or member.serialization.get("location") == "statusCode"]
            out: dict[str, Any] = {}
            for name, member in members:
                if member.serialization.get("location") == "statusCode":
                    out[name] = 200
                    continue
                if member.serialization.get("eventstream") or member.metadata.get("exception"):
                    continue
                location = member.serialization.get("location")
                item = self.value(member, (*stack, shape.name),
                                  in_header=location in ("header", "headers"))
                if item is not None:
                    out[name] = item
            return out
        if type_name == "list":
            item = self.value(shape.member, stack, in_header=in_header)
            if item is None:
                return []
            return [item, item] if self.variant == "rich" else [item]
        if type_name == "map":
            key = self.value(shape.key, stack, in_header=in_header)
            item = self.value(shape.value, stack, in_header=in_header)
            if item is None:
                return {}
            if self.variant == "rich" and not shape.key.enum:
                return {key: item, f"{key}2": item}
            return {key: item}
        if type_name == "string":
            if shape.enum:
                return shape.enum[0]
            if shape.serialization.get("jsonvalue"):
                return {"k": "v"}
            low = int(shape.metadata.get("min", 3) or 0)
            high = int(shape.metadata.get("max", 16) or 16)
            if self.variant == "rich" and not in_header and high >= len(RICH_TEXT):
                return RICH_TEXT.ljust(low, "x")
            return "abcdefghij"[: max(3, low)].ljust(max(low, 3), "x")[: max(high, 1)]
        if type_name in ("integer", "long", "short", "byte"):
            low = shape.metadata.get("min")
            high = shape.metadata.get("max")
            value = int(low) if low is not None else 7
            return min(value, int(high)) if high is not None else value
        if type_name in ("float", "double"):
            return 1.5
        if type_name == "boolean":
            return True
        if type_name == "timestamp":
            return RICH_TIME if self.variant == "rich" else FIXED_TIME
        if type_name == "blob":
            return b"blob\x00data"
        if type_name == "document":
            return {"doc": [1, "two"]}
        raise ValueError(f"no example for {type_name}")


def normalise(value: Any) -> Any:
    """Comparable form: epoch seconds for timestamps, bytes for blobs and streams, and empty
    structures treated as absent (query and XML cannot tell ``{}`` from nothing)."""
    if isinstance(value, datetime):
        return round(value.timestamp())
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if hasattr(value, "read"):
        return value.read()
    if isinstance(value, dict):
        out = {key: normalise(item) for key, item in value.items() if key != "ResponseMetadata"}
        return {key: item for key, item in out.items() if item != {} and item != []}
    if isinstance(value, list):
        items = [normalise(item) for item in value]
        return [] if all(item == {} for item in items) and items else items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def without_transport_extras(parsed: dict[str, Any], expected: dict[str, Any]
                             ) -> dict[str, Any]:
    """Drop members the HTTP layer always carries (``Content-Length: 0``, an empty
    streaming body) when the example did not set them."""
    return {key: value for key, value in parsed.items()
            if key in expected or value not in (0, b"", "")}


def signing_name(model: ServiceModel) -> str:
    return str(model.metadata.get("signingName") or model.metadata["endpointPrefix"])


def botocore_request(model: ServiceModel, operation: OperationModel,
                     params: dict[str, Any], *, sign: bool = True) -> HttpRequest:
    """Serialize and sign params exactly as a botocore client would; return an HttpRequest."""
    protocol = model.metadata["protocol"]
    serializer = create_serializer(protocol, include_validation=False)
    request_dict = serializer.serialize_to_request(params, operation)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT, context={},
                         user_agent="fogbank-tests")
    aws_request = create_request_object(request_dict)
    if sign:
        credentials = Credentials("AKIDEXAMPLE", "secret")
        auth_class = S3SigV4Auth if model.service_name == "s3" else SigV4Auth
        auth_class(credentials, signing_name(model), REGION).add_auth(aws_request)
    prepared = aws_request.prepare()
    url = urlsplit(prepared.url)
    body = prepared.body
    if body is None:
        body = b""
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif isinstance(body, io.IOBase) or hasattr(body, "read"):
        body = body.read()
    headers = {
        key.lower(): value.decode() if isinstance(value, bytes) else str(value)
        for key, value in prepared.headers.items()
    }
    headers.setdefault("host", url.netloc)
    return HttpRequest(method=prepared.method, path=url.path or "/", query_string=url.query,
                       headers=headers, body=bytes(body))
