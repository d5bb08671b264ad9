"""JWT authorizers (HTTP APIs) and Cognito user-pool authorizers (REST APIs).

The token's claims are read and checked (issuer, audience, expiry, scopes), but its
signature is not verified: fogbank has no network access to fetch the issuer's keys.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from fogbank.protocol.http import HttpResponse
from fogbank.services.apigateway.dataplane.model import AuthorizerDefinition
from fogbank.services.apigateway.dataplane.responses import json_error


@dataclass(frozen=True)
class JwtResult:
    denial: HttpResponse | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    scopes: list[str] = field(default_factory=list)


def decode_claims(token: str) -> dict[str, Any] | None:
    """The payload of a compact JWS (``header.payload.signature``), or None."""
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    pieces = token.split(".")
    if len(pieces) != 3:
        return None
    payload = pieces[1] + "=" * (-len(pieces[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None


def claim_text(value: Any) -> str:
    """Claims as API Gateway passes them to integrations: strings, lists as ``[a b]``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _invalid(http_api: bool, description: str) -> HttpResponse:
    response = json_error(
        401, {"message": "Unauthorized"}, error_type=None if http_api else "UnauthorizedException"
    )
    if http_api:
        response.headers.append(
            (
                "www-authenticate",
                f'Bearer scope="" error="invalid_token" error_description="{description}"',
            )
        )
    return response


def check_token(
    authorizer: AuthorizerDefinition,
    token: str,
    *,
    required_scopes: tuple[str, ...],
    now_s: float,
    http_api: bool,
) -> JwtResult:
    claims = decode_claims(token)
    if claims is None:
        return JwtResult(denial=_invalid(http_api, "the token is not a valid JWT"))
    issuer = str(claims.get("iss", ""))
    if authorizer.issuers and not any(_issuer_matches(issuer, i) for i in authorizer.issuers):
        return JwtResult(denial=_invalid(http_api, "the token has an invalid issuer"))
    audience = claims.get("aud", claims.get("client_id"))
    token_audiences = audience if isinstance(audience, list) else [audience]
    if authorizer.audiences and not set(map(str, token_audiences)) & set(authorizer.audiences):
        return JwtResult(denial=_invalid(http_api, "the token does not have a valid audience"))
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and expires <= now_s:
        return JwtResult(denial=_invalid(http_api, "the token has expired"))
    not_before = claims.get("nbf")
    if isinstance(not_before, (int, float)) and not_before > now_s:
        return JwtResult(denial=_invalid(http_api, "the token is not valid yet"))
    raw_scopes = claims.get("scope", claims.get("scp", ""))
    scopes = raw_scopes.split() if isinstance(raw_scopes, str) else [str(s) for s in raw_scopes]
    if required_scopes and not set(required_scopes) & set(scopes):
        if http_api:
            return JwtResult(denial=json_error(403, {"message": "Forbidden"}))
        return JwtResult(denial=_invalid(http_api, "insufficient scope"))
    return JwtResult(claims={k: claim_text(v) for k, v in claims.items()}, scopes=scopes)


def _issuer_matches(token_issuer: str, accepted: str) -> bool:
    """An issuer URL, or (REST) a user-pool ARN whose pool id ends the issuer URL."""
    if accepted.startswith("arn:") and "userpool/" in accepted:
        return token_issuer.rstrip("/").endswith("/" + accepted.rsplit("/", 1)[1])
    return token_issuer.rstrip("/") == accepted.rstrip("/")
