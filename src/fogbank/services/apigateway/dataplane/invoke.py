"""Calling a Lambda function through the internal client, with outcomes classified the
way API Gateway reacts to them.

A function that runs out of its own time (``Sandbox.Timedout``) is a function error like
any other (REST 502, HTTP API 500), as in AWS; the ``timeout`` outcome is only API Gateway's
own integration timeout (``timeoutInMillis``), which the front applies around this call."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient

log = logging.getLogger("fogbank.apigateway")

# json.dumps(..., separators=(",", ":")) without building an encoder on every request
_COMPACT = json.JSONEncoder(separators=(",", ":"))

Outcome = Literal["ok", "function_error", "timeout", "throttled", "missing", "failed"]


@dataclass(frozen=True)
class InvokeResult:
    outcome: Outcome
    payload: bytes = b""
    error_message: str = ""


async def invoke_function(
    client: InternalClient, function_arn: str, event: dict[str, Any]
) -> InvokeResult:
    payload = _COMPACT.encode(event).encode()
    try:
        result = await client.call(
            "lambda", "Invoke", {"FunctionName": function_arn, "Payload": payload}
        )
    except ServiceError as exc:
        code = exc.error_code
        if code in ("TooManyRequestsException", "ThrottlingException"):
            return InvokeResult("throttled", error_message=exc.message)
        if code == "ResourceNotFoundException":
            log.warning("API integration names a missing function %s", function_arn)
            return InvokeResult("missing", error_message=exc.message)
        log.warning("invoking %s failed: %s", function_arn, exc)
        return InvokeResult("failed", error_message=exc.message)
    body = result.get("Payload") or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = bytes(body.read()) if hasattr(body, "read") else b""
    if result.get("FunctionError"):
        try:
            error = json.loads(body or b"{}")
        except ValueError:
            error = {}
        message = str(error.get("errorMessage", "")) if isinstance(error, dict) else ""
        return InvokeResult("function_error", body, message)
    return InvokeResult("ok", body)
