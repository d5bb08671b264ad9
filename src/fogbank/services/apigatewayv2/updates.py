"""Update and delete operations on HTTP API children (what CloudFormation updates call)."""

from __future__ import annotations

from typing import Any

from fogbank.services.apigatewayv2.errors import BadRequestException
from fogbank.services.apigatewayv2.store import HttpApiStore
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation

ROUTE_MEMBERS = (
    "ApiKeyRequired",
    "AuthorizationScopes",
    "AuthorizationType",
    "AuthorizerId",
    "ModelSelectionExpression",
    "OperationName",
    "RequestModels",
    "RequestParameters",
    "RouteKey",
    "RouteResponseSelectionExpression",
    "Target",
)
INTEGRATION_MEMBERS = (
    "ConnectionId",
    "ConnectionType",
    "ContentHandlingStrategy",
    "CredentialsArn",
    "Description",
    "IntegrationMethod",
    "IntegrationSubtype",
    "IntegrationType",
    "IntegrationUri",
    "PassthroughBehavior",
    "PayloadFormatVersion",
    "RequestParameters",
    "RequestTemplates",
    "ResponseParameters",
    "TemplateSelectionExpression",
    "TimeoutInMillis",
    "TlsConfig",
)
AUTHORIZER_MEMBERS = (
    "AuthorizerCredentialsArn",
    "AuthorizerPayloadFormatVersion",
    "AuthorizerResultTtlInSeconds",
    "AuthorizerType",
    "AuthorizerUri",
    "EnableSimpleResponses",
    "IdentitySource",
    "IdentityValidationExpression",
    "JwtConfiguration",
    "Name",
)


def aws_members(python_members: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """``{"route_key": x}`` → ``{"RouteKey": x}``, keeping only the operation's members."""
    found = {}
    for name, value in python_members.items():
        aws_name = "".join(part.capitalize() for part in name.split("_"))
        if aws_name in allowed and value is not None:
            found[aws_name] = value
    return found


class UpdateOperations(Provider):
    ctx: ServiceContext
    store: HttpApiStore

    def _child(self, kind: str, api_id: str, key: str, label: str) -> dict[str, Any]:
        raise NotImplementedError

    def _check_route(self, api_id: str, route: dict[str, Any]) -> None:
        raise NotImplementedError

    @operation("UpdateRoute")
    def update_route(
        self, ctx: RequestContext, *, api_id: str, route_id: str, **members: Any
    ) -> dict[str, Any]:
        route = self._child("route", api_id, route_id, "Route")
        route.update(aws_members(members, ROUTE_MEMBERS))
        self._check_route(api_id, route)
        self.store.put("route", api_id, route_id, route)
        return route

    @operation("UpdateIntegration")
    def update_integration(
        self, ctx: RequestContext, *, api_id: str, integration_id: str, **members: Any
    ) -> dict[str, Any]:
        integration = self._child("integration", api_id, integration_id, "Integration")
        integration.update(aws_members(members, INTEGRATION_MEMBERS))
        if integration.get("PayloadFormatVersion") not in ("1.0", "2.0"):
            raise BadRequestException("PayloadFormatVersion must be 1.0 or 2.0")
        self.store.put("integration", api_id, integration_id, integration)
        return integration

    @operation("UpdateAuthorizer")
    def update_authorizer(
        self, ctx: RequestContext, *, api_id: str, authorizer_id: str, **members: Any
    ) -> dict[str, Any]:
        authorizer = self._child("authorizer", api_id, authorizer_id, "Authorizer")
        authorizer.update(aws_members(members, AUTHORIZER_MEMBERS))
        self.store.put("authorizer", api_id, authorizer_id, authorizer)
        return authorizer

    @operation("UpdateDeployment")
    def update_deployment(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        deployment_id: str,
        description: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        deployment = self._child("deployment", api_id, deployment_id, "Deployment")
        if description is not None:
            deployment["Description"] = description
        self.store.put("deployment", api_id, deployment_id, deployment)
        return {k: v for k, v in deployment.items() if k != "snapshot"}

    @operation("DeleteDeployment")
    def delete_deployment(
        self, ctx: RequestContext, *, api_id: str, deployment_id: str, **_: Any
    ) -> dict[str, Any]:
        self._child("deployment", api_id, deployment_id, "Deployment")
        self.store.delete("deployment", api_id, deployment_id)
        return {}
