"""AWS::ApiGatewayV2::* → apigatewayv2 ImportApi/CreateApi, CreateStage, CreateRoute,
CreateIntegration, CreateDeployment, CreateAuthorizer. CloudFormation's property names are
the API's member names (PascalCase), so most properties pass straight through."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.cloudformation.engine.errors import ResourceFailure
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    pick,
    tags_dict,
)

API_FIELDS = ("Name", "ProtocolType", "CorsConfiguration", "CredentialsArn", "Description",
              "DisableExecuteApiEndpoint", "DisableSchemaValidation", "RouteKey",
              "RouteSelectionExpression", "Target", "Version", "ApiKeySelectionExpression")
UPDATABLE_API_FIELDS = ("Name", "CorsConfiguration", "Description", "DisableExecuteApiEndpoint",
                        "DisableSchemaValidation", "RouteSelectionExpression", "Version",
                        "ApiKeySelectionExpression")


class ApiHandler(ResourceHandler):
    resource_type = "AWS::ApiGatewayV2::Api"

    @staticmethod
    def _attributes(result: dict[str, Any]) -> dict[str, Any]:
        return {"ApiId": result.get("ApiId"), "ApiEndpoint": result.get("ApiEndpoint")}

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        if "Body" in props:
            body = props["Body"] if isinstance(props["Body"], str) else json.dumps(props["Body"])
            params: dict[str, Any] = {"Body": body, **pick(props, "FailOnWarnings")}
            if "BasePath" in props:
                params["Basepath"] = props["BasePath"]
            result = await services.client.call("apigatewayv2", "ImportApi", params)
            overrides = pick(props, *UPDATABLE_API_FIELDS)
            if overrides:
                result = await services.client.call("apigatewayv2", "UpdateApi",
                                                    {"ApiId": result["ApiId"], **overrides})
        else:
            params = pick(props, *API_FIELDS)
            if tags_dict(props.get("Tags")):
                params["Tags"] = tags_dict(props.get("Tags"))
            result = await services.client.call("apigatewayv2", "CreateApi", params)
        return ResourceResult(str(result["ApiId"]), self._attributes(result))

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        api_id = str(request.physical_id)
        result: dict[str, Any] = {}
        if "Body" in props and props["Body"] != old.get("Body"):
            body = props["Body"] if isinstance(props["Body"], str) else json.dumps(props["Body"])
            result = await services.client.call("apigatewayv2", "ReimportApi", {
                "ApiId": api_id, "Body": body, **pick(props, "FailOnWarnings")})
        changed = {key: value for key, value in pick(props, *UPDATABLE_API_FIELDS).items()
                   if old.get(key) != value}
        if changed:
            result = await services.client.call("apigatewayv2", "UpdateApi",
                                                {"ApiId": api_id, **changed})
        attributes = self._attributes(result) if result else dict(request.old_attributes)
        return ResourceResult(api_id, attributes)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigatewayv2", "DeleteApi", {"ApiId": request.physical_id})


class ChildHandler(ResourceHandler):
    """A child of an HTTP/WebSocket API whose properties are the API's members."""

    noun = ""  # "Route" → CreateRoute / UpdateRoute / DeleteRoute, id member RouteId
    fields: tuple[str, ...] = ()
    tagged = False

    @property
    def id_member(self) -> str:
        return f"{self.noun}Id"

    def _params(self, properties: dict[str, Any]) -> dict[str, Any]:
        params = {"ApiId": properties.get("ApiId"), **pick(properties, *self.fields)}
        if self.tagged and tags_dict(properties.get("Tags")):
            params["Tags"] = tags_dict(properties.get("Tags"))
        return params

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = self._params(request.properties)
        result = await services.client.call("apigatewayv2", f"Create{self.noun}", params)
        found = result.get(self.id_member) or params.get(self.id_member)
        if not found:
            raise ResourceFailure(f"apigatewayv2 Create{self.noun} returned no {self.id_member}")
        physical_id = str(found)
        return ResourceResult(physical_id, {self.id_member: physical_id})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = {key: value for key, value in self._params(request.properties).items()
                  if key != "Tags"}
        await services.client.call("apigatewayv2", f"Update{self.noun}",
                                   {**params, self.id_member: request.physical_id})
        return ResourceResult(str(request.physical_id), dict(request.old_attributes))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigatewayv2", f"Delete{self.noun}", {
            "ApiId": request.properties.get("ApiId"), self.id_member: request.physical_id})


class StageHandler(ChildHandler):
    resource_type = "AWS::ApiGatewayV2::Stage"
    replace_on = frozenset({"ApiId", "StageName"})
    noun = "Stage"
    tagged = True
    fields = ("StageName", "AutoDeploy", "DeploymentId", "Description", "StageVariables",
              "DefaultRouteSettings", "RouteSettings", "AccessLogSettings", "ClientCertificateId")

    @property
    def id_member(self) -> str:
        return "StageName"

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = {key: value for key, value in self._params(request.properties).items()
                  if key != "Tags"}
        await services.client.call("apigatewayv2", "UpdateStage", params)
        return ResourceResult(str(request.physical_id), {})


class RouteHandler(ChildHandler):
    resource_type = "AWS::ApiGatewayV2::Route"
    replace_on = frozenset({"ApiId"})
    noun = "Route"
    fields = ("RouteKey", "Target", "AuthorizationType", "AuthorizerId", "AuthorizationScopes",
              "ApiKeyRequired", "OperationName", "RequestModels", "RequestParameters",
              "RouteResponseSelectionExpression", "ModelSelectionExpression")


class IntegrationHandler(ChildHandler):
    resource_type = "AWS::ApiGatewayV2::Integration"
    replace_on = frozenset({"ApiId"})
    noun = "Integration"
    fields = ("IntegrationType", "IntegrationUri", "IntegrationMethod", "PayloadFormatVersion",
              "TimeoutInMillis", "CredentialsArn", "RequestParameters", "RequestTemplates",
              "ResponseParameters", "ConnectionId", "ConnectionType", "ContentHandlingStrategy",
              "Description", "IntegrationSubtype", "PassthroughBehavior",
              "TemplateSelectionExpression", "TlsConfig")


class DeploymentHandler(ChildHandler):
    resource_type = "AWS::ApiGatewayV2::Deployment"
    replace_on = frozenset({"ApiId"})
    noun = "Deployment"
    fields = ("Description", "StageName")


class AuthorizerHandler(ChildHandler):
    resource_type = "AWS::ApiGatewayV2::Authorizer"
    replace_on = frozenset({"ApiId"})
    noun = "Authorizer"
    fields = ("AuthorizerType", "Name", "IdentitySource", "JwtConfiguration", "AuthorizerUri",
              "AuthorizerCredentialsArn", "AuthorizerPayloadFormatVersion",
              "AuthorizerResultTtlInSeconds", "EnableSimpleResponses",
              "IdentityValidationExpression")


APIGATEWAYV2_HANDLERS: list[ResourceHandler] = [
    ApiHandler(), StageHandler(), RouteHandler(), IntegrationHandler(), DeploymentHandler(),
    AuthorizerHandler(),
]
