"""The static website endpoint (``<bucket>.s3-website…``): index documents, folder
redirects, routing rules, error documents and S3's HTML error pages."""

from __future__ import annotations

import inspect
from html import escape
from typing import Any
from urllib.parse import unquote

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.protocol.s3_hosts import virtual_host_bucket
from fogbank.services.s3.config.events import host_id


def website_key(bucket: str, request: HttpRequest) -> str:
    """The object key a website request names (virtual-hosted, or ``/<bucket>/key``)."""
    path = unquote(request.path or "/")
    if virtual_host_bucket(request.headers.get("host", "")) != bucket:
        prefix = f"/{bucket}"
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix):]
    return path.lstrip("/")


def error_page(status: int, reason: str, code: str, message: str, request_id: str,
               extra: list[tuple[str, str]] | None = None, *,
               error_document_failure: tuple[str, str] | None = None,
               head: bool = False) -> HttpResponse:
    """S3's HTML error page of the website endpoint."""
    items = [("Code", code), ("Message", message), *(extra or []),
             ("RequestId", request_id), ("HostId", host_id(request_id))]
    lines = ["<html>", f"<head><title>{status} {reason}</title></head>", "<body>",
             f"<h1>{status} {reason}</h1>", "<ul>"]
    lines += [f"<li>{name}: {escape(value)}</li>" for name, value in items]
    lines.append("</ul>")
    if error_document_failure is not None:
        failure_code, failure_message = error_document_failure
        lines += ["<h3>An Error Occurred While Attempting to Retrieve a Custom Error "
                  "Document</h3>", "<ul>", f"<li>Code: {failure_code}</li>",
                  f"<li>Message: {escape(failure_message)}</li>", "</ul>"]
    lines += ["<hr/>", "</body>", "</html>", ""]
    body = "\n".join(lines).encode("utf-8")
    headers = [("Content-Type", "text/html; charset=utf-8"),
               ("x-amz-request-id", request_id), ("x-amz-id-2", host_id(request_id))]
    if head:
        headers.append(("Content-Length", str(len(body))))
        body = b""
    return HttpResponse(status, headers, body)


def redirect(location: str, status: int = 301) -> HttpResponse:
    return HttpResponse(status, [("Location", location), ("Content-Length", "0")], b"")


def rule_redirect(rule: dict[str, Any], key: str, request: HttpRequest) -> HttpResponse:
    target = rule.get("Redirect") or {}
    condition = rule.get("Condition") or {}
    new_key = key
    if target.get("ReplaceKeyWith") is not None:
        new_key = str(target["ReplaceKeyWith"])
    elif target.get("ReplaceKeyPrefixWith") is not None:
        prefix = str(condition.get("KeyPrefixEquals") or "")
        new_key = str(target["ReplaceKeyPrefixWith"]) + key[len(prefix):]
    protocol = target.get("Protocol") or request.scheme
    host = target.get("HostName") or request.headers.get("host", "")
    return redirect(f"{protocol}://{host}/{new_key}", int(target.get("HttpRedirectCode") or 301))


def find_routing_rule(rules: list[dict[str, Any]], key: str, error_code: int | None
                      ) -> dict[str, Any] | None:
    """The first rule whose condition holds (``error_code`` None: before the lookup)."""
    for rule in rules:
        condition = rule.get("Condition") or {}
        prefix = condition.get("KeyPrefixEquals")
        wanted_code = condition.get("HttpErrorCodeReturnedEquals")
        if prefix is not None and not key.startswith(str(prefix)):
            continue
        if wanted_code is not None:
            if error_code is None or str(wanted_code) != str(error_code):
                continue
        elif error_code is not None:
            continue
        return rule
    return None


async def fetch(source: Any, bucket: str, key: str, request: HttpRequest
                ) -> HttpResponse | None:
    """``source.object_response`` (sync or async) for ``key``."""
    if not key:
        return None
    result = source.object_response(bucket, key, request)
    if inspect.isawaitable(result):
        result = await result
    return result  # type: ignore[no-any-return]
