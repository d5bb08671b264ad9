"""Lambda proxy events as API Gateway builds them: payload format 1.0 (REST APIs, and HTTP
APIs asking for 1.0) and 2.0 (HTTP APIs)."""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fogbank.protocol.http import HttpRequest

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
    "application/ld+json",
    "application/graphql",
    "application/x-yaml",
    "application/yaml",
)


def request_time(epoch_s: float) -> str:
    """``27/Nov/2026:20:40:31 +0000`` — the CLF time API Gateway puts in request contexts."""
    return _request_time(int(epoch_s))


@functools.lru_cache(maxsize=4)
def _request_time(epoch_s: int) -> str:  # requests of one second share it
    t = time.gmtime(epoch_s)
    day = f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}"
    return f"{day}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"


@dataclass(slots=True)
class RequestFacts:
    """Per-request values shared by event builders, computed once."""

    request_id: str
    extended_request_id: str
    epoch_s: float
    account_id: str
    api_id: str
    stage: str
    domain_name: str
    path: str  # the path after the stage segment (what routes are written against)
    stage_path: str  # the path as the client sent it (with the stage segment, if any)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_text_media(content_type: str | None) -> bool:
    """HTTP API rule: bodies of these types are passed as text, all others base64."""
    kind = media_type(content_type)
    return (
        not kind
        or kind.startswith("text/")
        or kind in _TEXT_TYPES
        or kind.endswith("+json")
        or kind.endswith("+xml")
    )


def matches_media_types(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    """REST API rule: is the type listed (``*/*`` and ``image/*`` wildcards allowed)?"""
    kind = media_type(content_type)
    if not kind:
        return False
    for listed in binary_media_types:
        listed = listed.replace("~1", "/").lower()
        if listed in (kind, "*/*") or (listed.endswith("/*") and kind.startswith(listed[:-1])):
            return True
    return False


def encode_body(body: bytes, as_binary: bool) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if not as_binary:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _multi_headers(request: HttpRequest) -> dict[str, list[str]]:
    if not request.multi_headers:
        return {name: [value] for name, value in request.headers.items()}
    multi = {name: list(values) for name, values in request.multi_headers.items()}
    for name, value in request.headers.items():
        multi.setdefault(name, [value])
    return multi


def _query_multi(request: HttpRequest) -> dict[str, list[str]]:
    multi: dict[str, list[str]] = {}
    if not request.query_string:
        return multi
    for name, value in request.query_pairs():
        multi.setdefault(name, []).append(value)
    return multi


def _forwarding_headers(request: HttpRequest) -> dict[str, str]:
    host = request.headers.get("host", "")
    port = host.rsplit(":", 1)[1] if ":" in host else ("443" if request.scheme == "https" else "80")
    return {
        "x-forwarded-for": request.client_ip,
        "x-forwarded-port": port,
        "x-forwarded-proto": request.scheme,
    }


def v1_event(
    request: HttpRequest,
    facts: RequestFacts,
    *,
    resource_path: str,
    resource_id: str | None,
    path_parameters: dict[str, str],
    stage_variables: Mapping[str, str],
    binary_body: bool,
    authorizer: dict[str, Any] | None,
    version: str | None = None,
) -> dict[str, Any]:
    """Payload format 1.0 (``APIGatewayProxyEvent``)."""
    multi = _multi_headers(request)
    for name, value in _forwarding_headers(request).items():
        multi.setdefault(name, [value])
    query = _query_multi(request)
    body, is_base64 = encode_body(request.body, binary_body)
    context: dict[str, Any] = {
        "accountId": facts.account_id,
        "apiId": facts.api_id,
        "domainName": facts.domain_name,
        "domainPrefix": facts.domain_name.split(".", 1)[0],
        "extendedRequestId": facts.extended_request_id,
        "httpMethod": request.method,
        "identity": {
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": request.client_ip,
            "user": None,
            "userAgent": request.headers.get("user-agent", ""),
            "userArn": None,
        },
        "path": facts.stage_path,
        "protocol": "HTTP/1.1",
        "requestId": facts.request_id,
        "requestTime": request_time(facts.epoch_s),
        "requestTimeEpoch": int(facts.epoch_s * 1000),
        "resourceId": resource_id,
        "resourcePath": resource_path,
        "stage": facts.stage,
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    event: dict[str, Any] = {}
    if version:
        event["version"] = version
    event.update(
        {
            "resource": resource_path,
            "path": facts.path,
            "httpMethod": request.method,
            "headers": {name: values[-1] for name, values in multi.items()},
            "multiValueHeaders": multi,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "requestContext": context,
            "pathParameters": path_parameters or None,
            "stageVariables": dict(stage_variables) or None,
            "body": body,
            "isBase64Encoded": is_base64,
        }
    )
    return event


def v2_event(
    request: HttpRequest,
    facts: RequestFacts,
    *,
    route_key: str,
    path_parameters: dict[str, str],
    stage_variables: Mapping[str, str],
    authorizer: dict[str, Any] | None,
) -> dict[str, Any]:
    """Payload format 2.0 (``APIGatewayProxyEventV2``)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    if request.multi_headers:
        for name, values in _multi_headers(request).items():
            if name == "cookie":
                cookies.extend(c.strip() for v in values for c in v.split(";") if c.strip())
            else:
                headers[name] = ",".join(values)
    else:  # one value per header (the usual request): no lists to build and join
        headers = dict(request.headers)
        cookie = headers.pop("cookie", None)
        if cookie is not None:
            cookies = [c.strip() for c in cookie.split(";") if c.strip()]
    for name, value in _forwarding_headers(request).items():
        headers.setdefault(name, value)
    query = _query_multi(request)
    context: dict[str, Any] = {
        "accountId": facts.account_id,
        "apiId": facts.api_id,
        "domainName": facts.domain_name,
        "domainPrefix": facts.domain_name.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": facts.stage_path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.client_ip,
            "userAgent": request.headers.get("user-agent", ""),
        },
        "requestId": facts.extended_request_id,
        "routeKey": route_key,
        "stage": facts.stage,
        "time": request_time(facts.epoch_s),
        "timeEpoch": int(facts.epoch_s * 1000),
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": facts.stage_path,
        "rawQueryString": request.query_string,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    event["requestContext"] = context
    body, is_base64 = encode_body(
        request.body, not is_text_media(request.headers.get("content-type"))
    )
    if body is not None:
        event["body"] = body
    if path_parameters:
        event["pathParameters"] = path_parameters
    event["isBase64Encoded"] = is_base64
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    return event
