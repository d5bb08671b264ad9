"""Lambda authorizers: identity sources, the authorizer event, policy or simple-response
evaluation, and the per-identity result cache (``authorizerResultTtlInSeconds``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fogbank.protocol.http import HttpRequest, HttpResponse
from fogbank.services.apigateway.dataplane.invoke import invoke_function
from fogbank.services.apigateway.dataplane.model import AuthorizerDefinition
from fogbank.services.apigateway.dataplane.responses import json_error
from fogbank.services.base import InternalClient

MAX_CACHE_ENTRIES = 10_000


@dataclass(frozen=True)
class AuthResult:
    """Either ``denial`` (the response to send) or the authorizer context for the event."""

    denial: HttpResponse | None = None
    context: dict[str, Any] = field(default_factory=dict)
    principal_id: str | None = None


@dataclass(frozen=True)
class _Cached:
    expires_at: float
    allowed_simple: bool | None  # simple responses: the decision itself
    policy: dict[str, Any] | None  # IAM policy: evaluated against each request's ARN
    context: dict[str, Any]
    principal_id: str | None


def identity_values(
    authorizer: AuthorizerDefinition,
    request: HttpRequest,
    stage_variables: Mapping[str, str],
    context: dict[str, str],
) -> list[str] | None:
    """The identity-source values, or None when one is missing (→ 401 without invoking)."""
    values = []
    query = dict(request.query_pairs())
    for source in authorizer.identity_sources:
        name = source.lstrip("$")
        value: str | None = None
        for prefix, lookup in (
            ("method.request.header.", "header"),
            ("request.header.", "header"),
            ("method.request.querystring.", "query"),
            ("request.querystring.", "query"),
            ("stageVariables.", "stage"),
            ("context.", "context"),
        ):
            if name.startswith(prefix):
                key = name[len(prefix) :]
                if lookup == "header":
                    value = request.headers.get(key.lower())
                elif lookup == "query":
                    value = query.get(key)
                elif lookup == "stage":
                    value = stage_variables.get(key)
                else:
                    value = context.get(key)
                break
        if not value:
            return None
        values.append(value)
    return values


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$")


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def evaluate_policy(policy: dict[str, Any], resource_arn: str) -> str:
    """``"Allow"``, ``"Deny"`` (explicit) or ``"None"`` for ``execute-api:Invoke`` on the ARN."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        actions = _as_list(statement.get("Action", []))
        if not any(_wildcard(a).match("execute-api:Invoke") for a in actions):
            continue
        if not any(
            _wildcard(r).match(resource_arn) for r in _as_list(statement.get("Resource", []))
        ):
            continue
        effect = str(statement.get("Effect", ""))
        if effect == "Deny":
            return "Deny"
        if effect == "Allow":
            allowed = True
    return "Allow" if allowed else "None"


class AuthorizerRunner:
    """Runs authorizers for one front; caches results per authorizer and identity."""

    def __init__(self, client: InternalClient, clock: Any) -> None:
        self.client = client
        self.clock = clock
        self._cache: dict[tuple[str, tuple[str, ...]], _Cached] = {}

    def clear(self) -> None:
        self._cache.clear()

    async def authorize(
        self,
        authorizer: AuthorizerDefinition,
        *,
        http_api: bool,
        event: dict[str, Any],
        identity: list[str],
        resource_arn: str,
    ) -> AuthResult:
        key = (authorizer.authorizer_id, tuple(identity))
        cacheable = authorizer.ttl_s > 0 and bool(identity)
        cached = self._cache.get(key) if cacheable else None
        if cached is not None and cached.expires_at <= self.clock.monotonic():
            cached = None
        if cached is None:
            outcome = await self._invoke(authorizer, http_api, event)
            if isinstance(outcome, HttpResponse):
                return AuthResult(denial=outcome)
            cached = outcome
            if cacheable:
                if len(self._cache) >= MAX_CACHE_ENTRIES:
                    self._cache.clear()
                self._cache[key] = cached
        return self._decide(cached, http_api, resource_arn)

    async def _invoke(
        self, authorizer: AuthorizerDefinition, http_api: bool, event: dict[str, Any]
    ) -> _Cached | HttpResponse:
        function_arn = authorizer.function_arn
        failure = (
            json_error(500, {"message": "Internal Server Error"})
            if http_api
            else json_error(500, {"message": None}, error_type="AuthorizerConfigurationException")
        )
        if function_arn is None:
            return failure
        result = await invoke_function(self.client, function_arn, event)
        if result.outcome == "function_error" and result.error_message == "Unauthorized":
            return _unauthorized(http_api)
        if result.outcome != "ok":
            return failure
        try:
            answer = json.loads(result.payload or b"null")
        except ValueError:
            return failure
        if not isinstance(answer, dict):
            return failure
        expires_at = self.clock.monotonic() + authorizer.ttl_s
        context: dict[str, Any] = (
            answer["context"] if isinstance(answer.get("context"), dict) else {}
        )
        if http_api and authorizer.simple_responses and authorizer.payload_format_version == "2.0":
            if not isinstance(answer.get("isAuthorized"), bool):
                return failure
            return _Cached(expires_at, answer["isAuthorized"], None, context, None)
        policy = answer.get("policyDocument")
        if not isinstance(policy, dict) or "principalId" not in answer:
            return failure
        if not http_api and any(isinstance(v, (dict, list)) for v in context.values()):
            return failure  # REST contexts hold only strings, numbers and booleans
        return _Cached(expires_at, None, policy, context, str(answer["principalId"]))

    def _decide(self, cached: _Cached, http_api: bool, resource_arn: str) -> AuthResult:
        if cached.allowed_simple is not None:
            verdict = "Allow" if cached.allowed_simple else "None"
        else:
            verdict = evaluate_policy(cached.policy or {}, resource_arn)
        if verdict != "Allow":
            if http_api:
                return AuthResult(denial=json_error(403, {"message": "Forbidden"}))
            message = (
                "User is not authorized to access this resource with an explicit deny"
                if verdict == "Deny"
                else "User is not authorized to access this resource"
            )
            return AuthResult(
                denial=json_error(403, {"Message": message}, error_type="AccessDeniedException")
            )
        return AuthResult(context=dict(cached.context), principal_id=cached.principal_id)


def _unauthorized(http_api: bool) -> HttpResponse:
    return json_error(
        401, {"message": "Unauthorized"}, error_type=None if http_api else "UnauthorizedException"
    )


def unauthorized(http_api: bool) -> HttpResponse:
    return _unauthorized(http_api)
