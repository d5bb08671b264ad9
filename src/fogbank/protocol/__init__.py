"""The wire protocols of AWS, driven by botocore's service models.

Flow at the edge::

    service = detect_service(request)            # SigV4 scope / X-Amz-Target / host / Action
    operation, params = parse_request(service, request)   # typed, AWS member names
    ... dispatcher runs the provider ...
    response = serialize_result(service, operation, result, request_id)
    # or, on a ServiceError:
    response = serialize_error(service, operation, error, request_id)

Protocols: ``json``, ``rest-json``, ``rest-xml`` and ``query`` (not ``smithy-rpc-v2-cbor``).
Parsing picks the protocol from what the request looks like, so SQS accepts both JSON and
query clients; for a query request to SQS pass ``protocol=request_protocol(service,
request)`` to the serialisers so the answer is XML. SQS-style errors may carry a
``query_error_code`` class attribute (the legacy query code, sent in
``x-amzn-query-error``); the class name stays the JSON ``__type``.

Modules: ``models`` (lazy botocore models + signing-name/target/action indexes), ``routing``
(detect_service), ``request_parser`` (+ ``json_codec``, ``xml_codec``, ``query_codec``,
``rest_routes``), ``response_writer``; ``ProtocolLayer`` in ``layer`` ties them together.
Models load once per service on first use (or ``default_layer().warm_up(services)``); the
module-level functions share one default layer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.layer import ProtocolLayer

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "ProtocolLayer",
    "default_layer",
    "detect_service",
    "parse_request",
    "region_of",
    "request_protocol",
    "serialize_error",
    "serialize_result",
]


@cache
def default_layer() -> ProtocolLayer:
    """The process-wide protocol layer (models are immutable, so sharing is safe)."""
    return ProtocolLayer()


def detect_service(request: HttpRequest) -> str:
    return default_layer().detect_service(request)


def region_of(request: HttpRequest) -> str | None:
    return default_layer().region_of(request)


def request_protocol(service: str, request: HttpRequest) -> str:
    return default_layer().request_protocol(service, request)


def parse_request(service: str, request: HttpRequest) -> tuple[str, dict[str, Any]]:
    return default_layer().parse_request(service, request)


def serialize_result(service: str, operation: str, result: dict[str, Any], request_id: str,
                     *, protocol: str | None = None) -> HttpResponse:
    return default_layer().serialize_result(service, operation, result, request_id,
                                            protocol=protocol)


def serialize_error(service: str, operation: str | None, error: ServiceError, request_id: str,
                    *, protocol: str | None = None) -> HttpResponse:
    return default_layer().serialize_error(service, operation, error, request_id,
                                           protocol=protocol)
