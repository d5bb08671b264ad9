"""Plain-data definitions of deployed APIs: what the control planes hand the data plane.

Each control plane (REST APIs in ``apigateway``, HTTP APIs in ``apigatewayv2``) exposes an
``ApiSource``: a ``generation`` number that changes whenever anything routable changes, and
``definitions()`` returning these frozen records. The front compiles them into route tables
once per generation, so requests never read a store.

This is the one in-process seam between the two API Gateway control planes and the shared
data plane (AWS, too, runs REST and HTTP APIs as one service, signing name ``apigateway``):
what crosses it is only this module's immutable values — frozen dataclasses, tuples and
read-only mappings, built fresh from the stores — never a store or a live record.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

ApiKind = Literal["REST", "HTTP"]

_FUNCTION_IN_URI = re.compile(r":lambda:path/[^/]+/functions/(.+?)/invocations")


def frozen_mapping(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only copy (``MappingProxyType`` over a private dict)."""
    return MappingProxyType(dict(values or {}))


def function_arn_of(uri: str | None) -> str | None:
    """The Lambda function ARN an integration URI names (either the
    ``arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`` form or,
    for HTTP APIs, a bare function ARN)."""
    if not uri:
        return None
    match = _FUNCTION_IN_URI.search(uri)
    if match:
        return match.group(1)
    if uri.startswith("arn:") and ":lambda:" in uri and ":function:" in uri:
        return uri
    return None


@dataclass(frozen=True)
class MockResponse:
    """A MOCK integration's answer (the default integration response)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@dataclass(frozen=True)
class IntegrationDefinition:
    type: str  # AWS_PROXY | MOCK | AWS | HTTP | HTTP_PROXY
    uri: str | None = None
    payload_format_version: str = "1.0"
    timeout_ms: int = 29000
    mock: MockResponse | None = None

    @functools.cached_property
    def function_arn(self) -> str | None:  # read on every request: parsed once
        return function_arn_of(self.uri)


@dataclass(frozen=True)
class AuthorizerDefinition:
    authorizer_id: str
    name: str
    type: str  # TOKEN | REQUEST | COGNITO_USER_POOLS (REST), REQUEST | JWT (HTTP)
    uri: str | None
    identity_sources: tuple[str, ...]
    ttl_s: int = 300
    validation_expression: str | None = None
    payload_format_version: str = "1.0"  # HTTP APIs: 1.0 or 2.0
    simple_responses: bool = False
    # JWT (HTTP APIs) and COGNITO_USER_POOLS (REST APIs): accepted issuers and audiences.
    issuers: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()

    @functools.cached_property
    def function_arn(self) -> str | None:  # read on every request: parsed once
        return function_arn_of(self.uri)


@dataclass(frozen=True)
class RouteDefinition:
    """One method on one path; ``method`` is an HTTP verb or ``ANY``; for the HTTP API
    ``$default`` route ``path`` is ``None``."""

    method: str
    path: str | None
    integration: IntegrationDefinition
    route_key: str = ""
    resource_id: str = ""
    authorizer: AuthorizerDefinition | None = None
    authorization_type: str = "NONE"
    authorization_scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CorsDefinition:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_s: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class GatewayResponseDefinition:
    """A customised API Gateway error answer: status override, ``gatewayresponse.header.*``
    mappings (static ``'value'`` or ``method.request.header.X``) and body template."""

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    template: str | None = None


@dataclass(frozen=True)
class StageDefinition:
    name: str
    variables: Mapping[str, str] = field(default_factory=frozen_mapping)
    routes: tuple[RouteDefinition, ...] = ()
    # REST APIs: customised gateway responses by type (``UNAUTHORIZED``, ``DEFAULT_4XX`` ...).
    gateway_responses: Mapping[str, GatewayResponseDefinition] = field(
        default_factory=frozen_mapping
    )

    def __post_init__(self) -> None:
        # Whatever a source passes, the definition keeps read-only copies.
        object.__setattr__(self, "variables", frozen_mapping(self.variables))
        object.__setattr__(self, "gateway_responses", frozen_mapping(self.gateway_responses))
        object.__setattr__(self, "routes", tuple(self.routes))


@dataclass(frozen=True)
class ApiDefinition:
    api_id: str
    name: str
    kind: ApiKind
    stages: tuple[StageDefinition, ...] = ()
    binary_media_types: tuple[str, ...] = ()
    cors: CorsDefinition | None = None
    # Routes as currently defined (undeployed), used by the local front when no stage exists.
    draft_routes: tuple[RouteDefinition, ...] = ()


class ApiSource(Protocol):
    """What a control plane offers the data plane — and all it offers: a change counter and
    fresh immutable definitions (no store, no live records)."""

    @property
    def generation(self) -> int: ...

    def definitions(self) -> list[ApiDefinition]: ...
