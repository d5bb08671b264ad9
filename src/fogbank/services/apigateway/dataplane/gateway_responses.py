"""REST API gateway responses: API Gateway's own error answers, as customised per API
(``x-amazon-apigateway-gateway-responses``, ``PutGatewayResponse``; SAM's
``GatewayResponses``), applied to the errors the front produces."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.apigateway.dataplane.model import GatewayResponseDefinition

# x-amzn-ErrorType of the front's own errors → gateway response type
RESPONSE_TYPES = {
    "MissingAuthenticationTokenException": "MISSING_AUTHENTICATION_TOKEN",
    "UnauthorizedException": "UNAUTHORIZED",
    "AccessDeniedException": "ACCESS_DENIED",
    "AuthorizerConfigurationException": "AUTHORIZER_CONFIGURATION_ERROR",
    "IntegrationTimeoutException": "INTEGRATION_TIMEOUT",
    "ThrottlingException": "THROTTLED",
}


def customise(
    response: HttpResponse,
    responses: Mapping[str, GatewayResponseDefinition],
    request: HttpRequest,
    request_id: str,
) -> HttpResponse:
    """Apply the stage's customisation to one of the front's error responses."""
    error_type = response.header("x-amzn-ErrorType")
    if not responses or error_type is None:
        return response
    family = "DEFAULT_4XX" if response.status < 500 else "DEFAULT_5XX"
    custom = responses.get(RESPONSE_TYPES.get(error_type, ""), responses.get(family))
    if custom is None:
        return response
    if custom.status is not None:
        response.status = custom.status
    for name, value in custom.headers:
        if len(value) >= 2 and value[0] == value[-1] == "'":
            response.set_header(name, value[1:-1])
        elif value.startswith("method.request.header."):
            found = request.headers.get(value[len("method.request.header.") :].lower())
            if found is not None:
                response.set_header(name, found)
    if custom.template:
        response.body = _render(custom.template, response.body, request_id).encode()
    return response


def _render(template: str, original_body: bytes, request_id: str) -> str:
    """The few ``$context`` variables gateway-response templates use."""
    try:
        message = json.loads(original_body or b"{}")
        text = message.get("message") or message.get("Message") or ""
    except (ValueError, AttributeError):
        text = ""
    return (
        template.replace("$context.error.messageString", json.dumps(text))
        .replace("$context.error.message", str(text))
        .replace("$context.requestId", request_id)
    )
