"""The HTTP API store seen by the data plane (``ApiSource``).

The sanctioned seam to ``fogbank.services.apigateway.dataplane`` (see the package docstring):
this module imports only its plain-data ``model`` and hands the front fresh immutable
definitions built from the store; the store itself stays private to this package.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.dataplane.model import (
    ApiDefinition,
    AuthorizerDefinition,
    CorsDefinition,
    IntegrationDefinition,
    RouteDefinition,
    StageDefinition,
)
from fogbank.services.apigateway.shared import StoreSource
from fogbank.services.apigatewayv2.stages import SNAPSHOT_KINDS
from fogbank.services.apigatewayv2.store import HttpApiStore


class HttpApiSource(StoreSource[HttpApiStore]):
    """``ApiSource`` over an ``HttpApiStore``: AutoDeploy stages serve the current routes,
    other stages their deployment's snapshot."""

    __slots__ = ()

    def definitions(self) -> list[ApiDefinition]:
        found = []
        for api in self._store.list_apis():
            api_id = api["ApiId"]
            current = {kind: self._store.list(kind, api_id) for kind in SNAPSHOT_KINDS}
            routes = _routes(current)
            stages = tuple(
                StageDefinition(
                    name=s["StageName"],
                    variables=dict(s.get("StageVariables") or {}),
                    routes=routes if s.get("AutoDeploy") else self._deployed(api_id, s),
                )
                for s in self._store.list("stage", api_id)
            )
            found.append(
                ApiDefinition(
                    api_id=api_id,
                    name=str(api.get("Name", "")),
                    kind="HTTP",
                    stages=stages,
                    cors=_cors(api.get("CorsConfiguration")),
                    draft_routes=routes,
                )
            )
        return found

    def _deployed(self, api_id: str, stage: dict[str, Any]) -> tuple[RouteDefinition, ...]:
        """A stage without AutoDeploy serves its deployment's snapshot (or nothing)."""
        deployment = self._store.get("deployment", api_id, str(stage.get("DeploymentId") or ""))
        if deployment is None or "snapshot" not in deployment:
            return ()
        return _routes(deployment["snapshot"])


def _routes(records: dict[str, list[dict[str, Any]]]) -> tuple[RouteDefinition, ...]:
    integrations = {i["IntegrationId"]: i for i in records["integration"]}
    authorizers = {a["AuthorizerId"]: a for a in records["authorizer"]}
    routes = []
    for route in records["route"]:
        route_key = route["RouteKey"]
        if route_key == "$default":
            method, path = "$default", None
        else:
            method, _, path = route_key.partition(" ")
        target = str(route.get("Target") or "")
        integration = (
            integrations.get(target.split("/", 1)[1])
            if target.startswith("integrations/")
            else None
        )
        authorizer = None
        if route.get("AuthorizationType") in ("CUSTOM", "JWT"):
            authorizer = _authorizer(authorizers.get(route.get("AuthorizerId", "")))
        routes.append(
            RouteDefinition(
                method=method,
                path=path,
                route_key=route_key,
                resource_id=route["RouteId"],
                authorization_type=str(route.get("AuthorizationType", "NONE")),
                authorization_scopes=tuple(route.get("AuthorizationScopes") or ()),
                authorizer=authorizer,
                integration=IntegrationDefinition(
                    type=str(integration.get("IntegrationType", "")),
                    uri=integration.get("IntegrationUri"),
                    payload_format_version=str(integration.get("PayloadFormatVersion", "1.0")),
                    timeout_ms=int(integration.get("TimeoutInMillis", 30000)),
                )
                if integration
                else IntegrationDefinition(type="NONE"),
            )
        )
    return tuple(routes)


def _authorizer(authorizer: dict[str, Any] | None) -> AuthorizerDefinition | None:
    if authorizer is None:
        return None
    if authorizer.get("AuthorizerType") == "JWT":
        jwt = authorizer.get("JwtConfiguration") or {}
        return AuthorizerDefinition(
            authorizer_id=authorizer["AuthorizerId"],
            name=str(authorizer.get("Name", "")),
            type="JWT",
            uri=None,
            identity_sources=tuple(authorizer.get("IdentitySource") or ()),
            ttl_s=0,
            issuers=(str(jwt["Issuer"]),) if jwt.get("Issuer") else (),
            audiences=tuple(str(a) for a in jwt.get("Audience") or ()),
        )
    return AuthorizerDefinition(
        authorizer_id=authorizer["AuthorizerId"],
        name=str(authorizer.get("Name", "")),
        type="REQUEST",
        uri=authorizer.get("AuthorizerUri"),
        identity_sources=tuple(authorizer.get("IdentitySource") or ()),
        ttl_s=int(authorizer.get("AuthorizerResultTtlInSeconds", 0)),
        payload_format_version=str(authorizer.get("AuthorizerPayloadFormatVersion", "2.0")),
        simple_responses=bool(authorizer.get("EnableSimpleResponses", False)),
    )


def _cors(config: dict[str, Any] | None) -> CorsDefinition | None:
    if not config:
        return None
    return CorsDefinition(
        allow_origins=tuple(config.get("AllowOrigins") or ()),
        allow_methods=tuple(config.get("AllowMethods") or ()),
        allow_headers=tuple(config.get("AllowHeaders") or ()),
        expose_headers=tuple(config.get("ExposeHeaders") or ()),
        max_age_s=config.get("MaxAge"),
        allow_credentials=bool(config.get("AllowCredentials", False)),
    )
