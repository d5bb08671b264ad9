"""The REST API store seen by the data plane: deployments turned into route definitions."""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.dataplane.model import (
    ApiDefinition,
    AuthorizerDefinition,
    GatewayResponseDefinition,
    IntegrationDefinition,
    MockResponse,
    RouteDefinition,
    StageDefinition,
)
from fogbank.services.apigateway.shared import StoreSource
from fogbank.services.apigateway.store import RestApiStore


class RestApiSource(StoreSource[RestApiStore]):
    """``ApiSource`` over a ``RestApiStore``: each stage serves its deployment's snapshot."""

    __slots__ = ()

    def definitions(self) -> list[ApiDefinition]:
        found = []
        for api in self._store.list_apis():
            api_id = api["id"]
            stages = []
            for stage in self._store.list_stages(api_id):
                deployment = self._store.get_deployment(api_id, stage.get("deploymentId", ""))
                if deployment is None:
                    continue
                snapshot = deployment["snapshot"]
                stages.append(
                    StageDefinition(
                        name=stage["stageName"],
                        variables=dict(stage.get("variables") or {}),
                        routes=rest_routes(snapshot["resources"], snapshot["authorizers"]),
                        gateway_responses=gateway_responses(snapshot.get("gatewayResponses", [])),
                    )
                )
            found.append(
                ApiDefinition(
                    api_id=api_id,
                    name=str(api.get("name", "")),
                    kind="REST",
                    stages=tuple(stages),
                    binary_media_types=tuple(api.get("binaryMediaTypes") or ()),
                    draft_routes=rest_routes(
                        self._store.list_resources(api_id), self._store.list_authorizers(api_id)
                    ),
                )
            )
        return found


def rest_routes(
    resources: list[dict[str, Any]], authorizers: list[dict[str, Any]]
) -> tuple[RouteDefinition, ...]:
    by_id = {a["id"]: _authorizer(a) for a in authorizers}
    routes = []
    for resource in resources:
        for verb, method in (resource.get("resourceMethods") or {}).items():
            integration = method.get("methodIntegration")
            authorizer = (
                by_id.get(method.get("authorizerId", ""))
                if method.get("authorizationType") in ("CUSTOM", "COGNITO_USER_POOLS")
                else None
            )
            routes.append(
                RouteDefinition(
                    method=verb,
                    path=resource["path"],
                    route_key=f"{verb} {resource['path']}",
                    resource_id=resource["id"],
                    authorizer=authorizer,
                    authorization_type=str(method.get("authorizationType", "NONE")),
                    authorization_scopes=tuple(method.get("authorizationScopes") or ()),
                    integration=_integration(integration)
                    if integration
                    else IntegrationDefinition(type="NONE"),
                )
            )
    return tuple(routes)


def gateway_responses(records: list[dict[str, Any]]) -> dict[str, GatewayResponseDefinition]:
    found = {}
    for record in records:
        headers = []
        prefix = "gatewayresponse.header."
        for target, value in (record.get("responseParameters") or {}).items():
            if target.startswith(prefix):
                headers.append((target[len(prefix) :], str(value)))
        templates = record.get("responseTemplates") or {}
        template = templates.get("application/json", next(iter(templates.values()), None))
        status = record.get("statusCode")
        found[record["responseType"]] = GatewayResponseDefinition(
            status=int(status) if status and str(status).isdigit() else None,
            headers=tuple(headers),
            template=template,
        )
    return found


def _authorizer(authorizer: dict[str, Any]) -> AuthorizerDefinition:
    sources = [
        s.strip() for s in str(authorizer.get("identitySource") or "").split(",") if s.strip()
    ]
    if not sources and authorizer.get("type") == "COGNITO_USER_POOLS":
        sources = ["method.request.header.Authorization"]
    return AuthorizerDefinition(
        authorizer_id=authorizer["id"],
        name=authorizer.get("name", ""),
        type=authorizer.get("type", "TOKEN"),
        uri=authorizer.get("authorizerUri"),
        identity_sources=tuple(sources),
        ttl_s=int(authorizer.get("authorizerResultTtlInSeconds", 300)),
        validation_expression=authorizer.get("identityValidationExpression"),
        issuers=tuple(authorizer.get("providerARNs") or ()),
    )


def _integration(integration: dict[str, Any]) -> IntegrationDefinition:
    kind = str(integration.get("type", "")).upper()
    mock = None
    if kind == "MOCK":
        mock = _mock_response(integration)
    return IntegrationDefinition(
        type=kind,
        uri=integration.get("uri"),
        timeout_ms=int(integration.get("timeoutInMillis", 29000)),
        mock=mock,
    )


def _mock_response(integration: dict[str, Any]) -> MockResponse:
    """The default (no selection pattern) integration response of a MOCK integration:
    static ``'value'`` header mappings and the JSON response template as body."""
    responses = list((integration.get("integrationResponses") or {}).values())
    chosen = next(
        (r for r in responses if not r.get("selectionPattern")), responses[0] if responses else None
    )
    if chosen is None:
        return MockResponse(status=200)
    headers = []
    for target, value in (chosen.get("responseParameters") or {}).items():
        prefix = "method.response.header."
        text = str(value)
        if target.startswith(prefix) and len(text) >= 2 and text[0] == text[-1] == "'":
            headers.append((target[len(prefix) :], text[1:-1]))
    templates = chosen.get("responseTemplates") or {}
    body = (
        templates.get("application/json", next(iter(templates.values()), "")) if templates else ""
    )
    return MockResponse(
        status=int(chosen.get("statusCode", 200)), headers=tuple(headers), body=body or ""
    )
