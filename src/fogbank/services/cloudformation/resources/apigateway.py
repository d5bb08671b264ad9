"""AWS::ApiGateway::* → apigateway ImportRestApi/CreateRestApi, CreateResource, PutMethod +
PutIntegration, CreateDeployment, CreateStage, CreateAuthorizer (REST API member names are
camelCase: ``restApiId``, ``httpMethod``)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    is_not_found,
    tags_dict,
)


def camel(properties: dict[str, Any], *names: str) -> dict[str, Any]:
    """``{"AuthorizerUri": x}`` → ``{"authorizerUri": x}`` for the named properties."""
    return {name[0].lower() + name[1:]: properties[name] for name in names if name in properties}


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _endpoint_configuration(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return camel(value, "Types", "VpcEndpointIds")


class RestApiHandler(ResourceHandler):
    resource_type = "AWS::ApiGateway::RestApi"

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        if "Body" in props:
            params: dict[str, Any] = {"body": _json_text(props["Body"]).encode(),
                                      **camel(props, "FailOnWarnings", "Parameters")}
            result = await services.client.call("apigateway", "ImportRestApi", params)
            api_id = str(result["id"])
            renames = [("name", props.get("Name")), ("description", props.get("Description"))]
            patch = [{"op": "replace", "path": f"/{key}", "value": str(value)}
                     for key, value in renames if value is not None]
            if patch:
                result = await services.client.call("apigateway", "UpdateRestApi", {
                    "restApiId": api_id, "patchOperations": patch})
        else:
            params = {"name": props.get("Name") or request.logical_id,
                      **camel(props, "Description", "BinaryMediaTypes", "MinimumCompressionSize",
                              "DisableExecuteApiEndpoint")}
            if "ApiKeySourceType" in props:
                params["apiKeySource"] = props["ApiKeySourceType"]
            if _endpoint_configuration(props.get("EndpointConfiguration")):
                params["endpointConfiguration"] = _endpoint_configuration(
                    props["EndpointConfiguration"])
            if "Policy" in props:
                params["policy"] = _json_text(props["Policy"])
            if tags_dict(props.get("Tags")):
                params["tags"] = tags_dict(props.get("Tags"))
            result = await services.client.call("apigateway", "CreateRestApi", params)
            api_id = str(result["id"])
        root = result.get("rootResourceId") or await self._root_id(api_id, services)
        return ResourceResult(api_id, {"RestApiId": api_id, "RootResourceId": root})

    @staticmethod
    async def _root_id(api_id: str, services: HandlerServices) -> str | None:
        resources = await services.client.call("apigateway", "GetResources",
                                               {"restApiId": api_id, "limit": 500})
        for item in resources.get("items", []):
            if item.get("path") == "/":
                return str(item["id"])
        return None

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        api_id = str(request.physical_id)
        if "Body" in props and props.get("Body") != old.get("Body"):
            await services.client.call("apigateway", "PutRestApi", {
                "restApiId": api_id, "mode": props.get("Mode", "overwrite"),
                "body": _json_text(props["Body"]).encode(),
                **camel(props, "FailOnWarnings", "Parameters")})
        patch = [{"op": "replace", "path": f"/{key.lower()}", "value": str(props.get(key, ""))}
                 for key in ("Name", "Description")
                 if props.get(key) != old.get(key) and props.get(key) is not None]
        if patch:
            await services.client.call("apigateway", "UpdateRestApi", {
                "restApiId": api_id, "patchOperations": patch})
        root = request.old_attributes.get("RootResourceId") or await self._root_id(
            api_id, services)
        return ResourceResult(api_id, {"RestApiId": api_id, "RootResourceId": root})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigateway", "DeleteRestApi",
                                   {"restApiId": request.physical_id})


class ResourceResourceHandler(ResourceHandler):
    """``AWS::ApiGateway::Resource`` (a path part)."""

    resource_type = "AWS::ApiGateway::Resource"
    replace_on = frozenset({"RestApiId", "ParentId", "PathPart"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        result = await services.client.call("apigateway", "CreateResource", camel(
            request.properties, "RestApiId", "ParentId", "PathPart"))
        return ResourceResult(str(result["id"]), {"ResourceId": result["id"]})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigateway", "DeleteResource", {
            "restApiId": request.properties.get("RestApiId"), "resourceId": request.physical_id})


class MethodHandler(ResourceHandler):
    resource_type = "AWS::ApiGateway::Method"
    replace_on = frozenset({"RestApiId", "ResourceId", "HttpMethod"})
    METHOD = ("AuthorizationType", "AuthorizerId", "ApiKeyRequired", "OperationName",
              "RequestParameters", "RequestModels", "RequestValidatorId", "AuthorizationScopes")
    INTEGRATION = ("Type", "IntegrationHttpMethod", "Uri", "Credentials", "RequestParameters",
                   "RequestTemplates", "PassthroughBehavior", "ContentHandling",
                   "TimeoutInMillis", "CacheNamespace", "CacheKeyParameters", "ConnectionType",
                   "ConnectionId")

    def _key(self, props: dict[str, Any]) -> dict[str, Any]:
        return {"restApiId": props.get("RestApiId"), "resourceId": props.get("ResourceId"),
                "httpMethod": str(props.get("HttpMethod", "")).upper()}

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        key = self._key(props)
        method = {"authorizationType": "NONE", **camel(props, *self.METHOD)}
        await services.client.call("apigateway", "PutMethod", {**key, **method})
        for response in props.get("MethodResponses") or []:
            await services.client.call("apigateway", "PutMethodResponse", {
                **key, **camel(response, "StatusCode", "ResponseParameters", "ResponseModels")})
        integration = props.get("Integration")
        if isinstance(integration, dict):
            await services.client.call("apigateway", "PutIntegration", {
                **key, **camel(integration, *self.INTEGRATION)})
            for response in integration.get("IntegrationResponses") or []:
                await services.client.call("apigateway", "PutIntegrationResponse", {
                    **key, **camel(response, "StatusCode", "SelectionPattern",
                                   "ResponseParameters", "ResponseTemplates", "ContentHandling")})
        physical_id = f"{key['restApiId']}-{key['resourceId']}-{key['httpMethod']}"
        return ResourceResult(physical_id, {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        await services.client.call("apigateway", "DeleteMethod",
                                   self._key(request.old_properties or {}))
        return await self.create(request, services)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigateway", "DeleteMethod", self._key(request.properties))


class DeploymentHandler(ResourceHandler):
    resource_type = "AWS::ApiGateway::Deployment"

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        params = camel(props, "RestApiId", "Description", "StageName")
        stage = props.get("StageDescription")
        if isinstance(stage, dict):
            params.update({"stageDescription": stage.get("Description"),
                           **camel(stage, "CacheClusterEnabled", "CacheClusterSize",
                                   "TracingEnabled", "Variables")})
            params = {key: value for key, value in params.items() if value is not None}
        result = await services.client.call("apigateway", "CreateDeployment", params)
        return ResourceResult(str(result["id"]), {"DeploymentId": result["id"]})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        if {k: v for k, v in props.items() if k != "Description"} != {
                k: v for k, v in old.items() if k != "Description"}:
            return await self.create(request, services)
        await services.client.call("apigateway", "UpdateDeployment", {
            "restApiId": props.get("RestApiId"), "deploymentId": request.physical_id,
            "patchOperations": [{"op": "replace", "path": "/description",
                                 "value": str(props.get("Description", ""))}]})
        return ResourceResult(str(request.physical_id), dict(request.old_attributes))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        props = request.properties
        if props.get("StageName"):
            try:
                await services.client.call("apigateway", "DeleteStage", {
                    "restApiId": props.get("RestApiId"), "stageName": props["StageName"]})
            except ServiceError as error:
                if not is_not_found(error):
                    raise
        await services.client.call("apigateway", "DeleteDeployment", {
            "restApiId": props.get("RestApiId"), "deploymentId": request.physical_id})


class StageHandler(ResourceHandler):
    resource_type = "AWS::ApiGateway::Stage"
    replace_on = frozenset({"RestApiId", "StageName"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        params = camel(props, "RestApiId", "StageName", "DeploymentId", "Description",
                       "Variables", "CacheClusterEnabled", "CacheClusterSize", "TracingEnabled")
        if tags_dict(props.get("Tags")):
            params["tags"] = tags_dict(props.get("Tags"))
        await services.client.call("apigateway", "CreateStage", params)
        return ResourceResult(str(props.get("StageName")), {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        patch = [{"op": "replace", "path": path, "value": str(props.get(key, ""))}
                 for key, path in (("DeploymentId", "/deploymentId"),
                                   ("Description", "/description"))
                 if props.get(key) != old.get(key)]
        new_vars, old_vars = props.get("Variables") or {}, old.get("Variables") or {}
        patch += [{"op": "replace", "path": f"/variables/{name}", "value": str(value)}
                  for name, value in new_vars.items() if old_vars.get(name) != value]
        patch += [{"op": "remove", "path": f"/variables/{name}"}
                  for name in old_vars if name not in new_vars]
        if patch:
            await services.client.call("apigateway", "UpdateStage", {
                "restApiId": props.get("RestApiId"), "stageName": request.physical_id,
                "patchOperations": patch})
        return ResourceResult(str(request.physical_id), {})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigateway", "DeleteStage", {
            "restApiId": request.properties.get("RestApiId"), "stageName": request.physical_id})


class AuthorizerHandler(ResourceHandler):
    resource_type = "AWS::ApiGateway::Authorizer"
    replace_on = frozenset({"RestApiId"})
    FIELDS = ("Name", "Type", "AuthorizerUri", "AuthorizerCredentials", "IdentitySource",
              "IdentityValidationExpression", "AuthorizerResultTtlInSeconds", "ProviderARNs",
              "AuthType")

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        result = await services.client.call("apigateway", "CreateAuthorizer", {
            "restApiId": props.get("RestApiId"), **camel(props, *self.FIELDS)})
        return ResourceResult(str(result["id"]), {"AuthorizerId": result["id"]})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        paths = {"Name": "/name", "Type": "/type", "AuthorizerUri": "/authorizerUri",
                 "IdentitySource": "/identitySource",
                 "AuthorizerResultTtlInSeconds": "/authorizerResultTtlInSeconds",
                 "IdentityValidationExpression": "/identityValidationExpression",
                 "AuthorizerCredentials": "/authorizerCredentials"}
        patch = [{"op": "replace", "path": path, "value": str(props.get(key, ""))}
                 for key, path in paths.items() if props.get(key) != old.get(key)]
        if patch:
            await services.client.call("apigateway", "UpdateAuthorizer", {
                "restApiId": props.get("RestApiId"), "authorizerId": request.physical_id,
                "patchOperations": patch})
        return ResourceResult(str(request.physical_id), dict(request.old_attributes))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("apigateway", "DeleteAuthorizer", {
            "restApiId": request.properties.get("RestApiId"), "authorizerId": request.physical_id})


APIGATEWAY_HANDLERS: list[ResourceHandler] = [
    RestApiHandler(), ResourceResourceHandler(), MethodHandler(), DeploymentHandler(),
    StageHandler(), AuthorizerHandler(),
]
