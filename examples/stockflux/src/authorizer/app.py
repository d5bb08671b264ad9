"""Bearer-JWT protection of the FDC3 App Directory routes: an HTTP API Lambda REQUEST
authorizer with simple responses (payload 2.0).

``AUTH_MODE`` (the template's ``AppDirectoryAuth``) is ``none`` (everyone is authorized) or
``jwt``: the ``Authorization: Bearer <token>`` header must carry an HS256 JWT signed with the
key in the Secrets Manager secret ``JWT_SECRET_ARN``, not expired (``exp``), already valid
(``nbf``), and - when ``JWT_AUDIENCE``/``JWT_ISSUER`` are set - for that audience/issuer.

Answers as API Gateway expects: a missing or malformed ``Authorization`` header raises
``Unauthorized`` (→ 401); a well-formed but invalid token answers ``isAuthorized: false``
(→ 403); a valid token answers ``isAuthorized: true`` with the subject in the context.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
LEEWAY_S = 30


class Unauthorized(Exception):
    """Raised with the message API Gateway turns into a 401."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class InvalidToken(ValueError):
    """The token is well formed but must not be honoured (→ 403)."""


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def bearer_token(headers: Mapping[str, str] | None) -> str:
    """The token of ``Authorization: Bearer <token>``; raises ``Unauthorized`` otherwise."""
    value = {k.lower(): v for k, v in (headers or {}).items()}.get("authorization", "")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or token.count(".") != 2:
        raise Unauthorized()
    return token.strip()


def verify_hs256(token: str, key: bytes, *, now_s: float, audience: str | None = None,
                 issuer: str | None = None) -> dict[str, Any]:
    """The claims of a valid HS256 token; raises ``InvalidToken`` with the reason."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    try:
        header = json.loads(_b64url(header_b64))
        claims = json.loads(_b64url(payload_b64))
        signature = _b64url(signature_b64)
    except ValueError as error:
        raise InvalidToken("token is not base64url JSON") from error
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise InvalidToken("only HS256 tokens are accepted")
    expected = hmac.new(key, f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidToken("bad signature")
    if not isinstance(claims, dict):
        raise InvalidToken("claims are not an object")
    if "exp" in claims and not (isinstance(claims["exp"], (int, float))
                                and now_s < claims["exp"] + LEEWAY_S):
        raise InvalidToken("token expired")
    if "nbf" in claims and not (isinstance(claims["nbf"], (int, float))
                                and now_s >= claims["nbf"] - LEEWAY_S):
        raise InvalidToken("token not yet valid")
    if audience:
        aud = claims.get("aud")
        if audience not in (aud if isinstance(aud, list) else [aud]):
            raise InvalidToken("wrong audience")
    if issuer and claims.get("iss") != issuer:
        raise InvalidToken("wrong issuer")
    return claims


def sign_hs256(claims: Mapping[str, Any], key: bytes) -> str:
    """A compact HS256 JWT (for tests and for minting tokens from a shell)."""
    def enc(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = enc(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = enc(json.dumps(dict(claims), separators=(",", ":")).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{enc(signature)}"


class SigningKey:
    """The HS256 key from Secrets Manager, fetched once per warm container."""

    def __init__(self, fetch: Callable[[], bytes] | None = None) -> None:
        self._fetch = fetch or self._from_secrets_manager
        self._key: bytes | None = None

    @staticmethod
    def _from_secrets_manager() -> bytes:
        secret = boto3.client("secretsmanager").get_secret_value(
            SecretId=os.environ["JWT_SECRET_ARN"])
        return secret["SecretString"].encode()

    def get(self) -> bytes:
        if self._key is None:
            self._key = self._fetch()
        return self._key


signing_key = SigningKey()


def authorize(event: Mapping[str, Any], *, mode: str, key: Callable[[], bytes],
              now_s: float) -> dict[str, Any]:
    if mode == "none":
        return {"isAuthorized": True, "context": {"auth": "none"}}
    token = bearer_token(event.get("headers"))
    try:
        claims = verify_hs256(token, key(), now_s=now_s,
                              audience=os.environ.get("JWT_AUDIENCE") or None,
                              issuer=os.environ.get("JWT_ISSUER") or None)
    except InvalidToken as error:
        logger.info("token refused", extra={"reason": str(error)})
        return {"isAuthorized": False, "context": {"reason": str(error)}}
    return {"isAuthorized": True,
            "context": {"auth": "jwt", "sub": str(claims.get("sub", ""))}}


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return authorize(event, mode=os.environ.get("AUTH_MODE", "none"), key=signing_key.get,
                     now_s=time.time())
