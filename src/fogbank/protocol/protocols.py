"""Which wire protocol a service model, and a given request to it, speaks."""

from __future__ import annotations

from botocore.model import ServiceModel

from fogbank.protocol.http import HttpRequest

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


SUPPORTED_PROTOCOLS = ("json", "rest-json", "rest-xml", "query")


def model_protocol(model: ServiceModel) -> str:
    """The model's first protocol that fogbank speaks (botocore lists several for services
    moving to ``smithy-rpc-v2-cbor``, which fogbank does not speak)."""
    metadata = model.metadata
    for protocol in metadata.get("protocols") or (metadata.get("protocol", ""),):
        if protocol in SUPPORTED_PROTOCOLS:
            return str(protocol)
    return str(metadata.get("protocol", ""))


def request_protocol(model: ServiceModel, request: HttpRequest) -> str:
    """The protocol a request speaks: the model's, except that a JSON service that used to
    speak query (``awsQueryCompatible``, e.g. SQS) also accepts query requests, and a query
    service that also lists ``json`` accepts ``X-Amz-Target`` requests."""
    metadata = model.metadata
    protocol = model_protocol(model)
    if protocol == "json":
        if ("x-amz-target" not in request.headers and "awsQueryCompatible" in metadata
                and _looks_like_query(request)):
            return "query"
        return "json"
    if protocol == "query" and "x-amz-target" in request.headers and "json" in (
            metadata.get("protocols") or ()):
        return "json"
    return protocol


def _looks_like_query(request: HttpRequest) -> bool:
    if "Action=" in request.query_string:
        return True
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(FORM_CONTENT_TYPE) or request.body.startswith(b"Action=")
