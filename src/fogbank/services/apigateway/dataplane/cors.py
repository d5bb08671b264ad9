"""HTTP API CORS (``CorsConfiguration``): preflight answers and headers on actual responses.
REST APIs do CORS with their own OPTIONS methods (SAM emits MOCK integrations for them)."""

from __future__ import annotations

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.apigateway.dataplane.model import CorsDefinition


def is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and "origin" in request.headers
        and "access-control-request-method" in request.headers
    )


def allowed_origin(cors: CorsDefinition, origin: str | None) -> str | None:
    if not origin:
        return None
    if "*" in cors.allow_origins:
        return "*"
    lowered = origin.lower()
    return origin if any(o.lower() == lowered for o in cors.allow_origins) else None


def preflight(cors: CorsDefinition, request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    origin = allowed_origin(cors, request.headers.get("origin"))
    if origin is None:
        return response
    requested_method = request.headers.get("access-control-request-method", "").upper()
    methods = [m.upper() for m in cors.allow_methods]
    if methods and "*" not in methods and requested_method not in methods:
        return response
    response.headers.append(("Access-Control-Allow-Origin", origin))
    if methods:
        response.headers.append(("Access-Control-Allow-Methods", ",".join(methods)))
    if cors.allow_headers:
        response.headers.append(
            ("Access-Control-Allow-Headers", ",".join(cors.allow_headers).lower())
        )
    if cors.max_age_s is not None:
        response.headers.append(("Access-Control-Max-Age", str(cors.max_age_s)))
    if cors.allow_credentials:
        response.headers.append(("Access-Control-Allow-Credentials", "true"))
    return response


def decorate(cors: CorsDefinition, request: HttpRequest, response: HttpResponse) -> None:
    """CORS headers on an actual response; they replace any the integration returned."""
    origin = allowed_origin(cors, request.headers.get("origin"))
    if origin is None:
        return
    response.set_header("Access-Control-Allow-Origin", origin)
    if cors.expose_headers:
        response.set_header("Access-Control-Expose-Headers", ",".join(cors.expose_headers))
    if cors.allow_credentials:
        response.set_header("Access-Control-Allow-Credentials", "true")
