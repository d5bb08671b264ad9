"""Methods, integrations and their responses on REST API resources."""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.errors import BadRequestException, NotFoundException
from fogbank.services.apigateway.resources import INTEGRATION_TYPES, ResourceTree
from fogbank.services.apigateway.store import RestApiStore
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation


class MethodOperations(Provider):
    """PutMethod/PutIntegration and friends of the REST API provider."""

    ctx: ServiceContext
    store: RestApiStore
    tree: ResourceTree

    def _api(self, api_id: str) -> dict[str, Any]:
        raise NotImplementedError

    @operation("PutMethod")
    def put_method(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        resource_id: str,
        http_method: str,
        authorization_type: str,
        authorizer_id: str | None = None,
        api_key_required: bool = False,
        operation_name: str | None = None,
        request_parameters: dict[str, bool] | None = None,
        request_models: dict[str, str] | None = None,
        authorization_scopes: list[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        if authorization_type in ("CUSTOM", "COGNITO_USER_POOLS"):
            if not authorizer_id or self.store.get_authorizer(rest_api_id, authorizer_id) is None:
                raise BadRequestException(
                    "Invalid authorizer ID specified. Setting the authorization "
                    "type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer."
                )
        method: dict[str, Any] = {
            "httpMethod": http_method.upper(),
            "authorizationType": authorization_type,
            "apiKeyRequired": bool(api_key_required),
        }
        optional = {
            "authorizerId": authorizer_id,
            "operationName": operation_name,
            "requestParameters": request_parameters,
            "requestModels": request_models,
            "authorizationScopes": authorization_scopes,
        }
        method.update({k: v for k, v in optional.items() if v is not None})
        return self.tree.put_method(rest_api_id, resource_id, method)

    @operation("GetMethod")
    def get_method(
        self, ctx: RequestContext, *, rest_api_id: str, resource_id: str, http_method: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        return self.tree.method(rest_api_id, resource_id, http_method.upper())[1]

    @operation("PutIntegration")
    def put_integration(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        resource_id: str,
        http_method: str,
        type: str,
        integration_http_method: str | None = None,
        uri: str | None = None,
        request_templates: dict[str, str] | None = None,
        request_parameters: dict[str, str] | None = None,
        passthrough_behavior: str | None = None,
        content_handling: str | None = None,
        timeout_in_millis: int | None = None,
        credentials: str | None = None,
        connection_type: str | None = None,
        cache_key_parameters: list[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        resource, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        if type not in INTEGRATION_TYPES:
            raise BadRequestException(f"Invalid integration type specified: {type}")
        if type in ("AWS_PROXY", "AWS", "HTTP", "HTTP_PROXY") and not uri:
            raise BadRequestException("Enumeration value for Integration uri must be non-empty")
        if type == "AWS_PROXY" and (integration_http_method or "POST").upper() != "POST":
            raise BadRequestException(
                "Integrations of type 'AWS_PROXY' currently only supports Lambda function and "
                "Firehose stream invocations."
            )
        integration: dict[str, Any] = {
            "type": type,
            "passthroughBehavior": passthrough_behavior or "WHEN_NO_MATCH",
            "timeoutInMillis": timeout_in_millis or 29000,
            "cacheNamespace": resource_id,
            "cacheKeyParameters": cache_key_parameters or [],
            "connectionType": connection_type or "INTERNET",
        }
        optional = {
            "httpMethod": integration_http_method,
            "uri": uri,
            "credentials": credentials,
            "requestTemplates": request_templates,
            "requestParameters": request_parameters,
            "contentHandling": content_handling,
        }
        integration.update({k: v for k, v in optional.items() if v is not None})
        method["methodIntegration"] = integration
        self.tree.update_method(rest_api_id, resource, method)
        return integration

    @operation("GetIntegration")
    def get_integration(
        self, ctx: RequestContext, *, rest_api_id: str, resource_id: str, http_method: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        _, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        if "methodIntegration" not in method:
            raise NotFoundException("Invalid Integration identifier specified")
        return dict(method["methodIntegration"])

    @operation("PutMethodResponse")
    def put_method_response(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        resource_id: str,
        http_method: str,
        status_code: str,
        response_parameters: dict[str, bool] | None = None,
        response_models: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        resource, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        response: dict[str, Any] = {"statusCode": status_code}
        if response_parameters:
            response["responseParameters"] = response_parameters
        if response_models:
            response["responseModels"] = response_models
        method.setdefault("methodResponses", {})[status_code] = response
        self.tree.update_method(rest_api_id, resource, method)
        return response

    @operation("PutIntegrationResponse")
    def put_integration_response(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        resource_id: str,
        http_method: str,
        status_code: str,
        selection_pattern: str | None = None,
        response_parameters: dict[str, str] | None = None,
        response_templates: dict[str, str] | None = None,
        content_handling: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        resource, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        integration = method.get("methodIntegration")
        if integration is None:
            raise NotFoundException("Invalid Integration identifier specified")
        if status_code not in method.get("methodResponses", {}):
            raise NotFoundException("Invalid Response status code specified")
        response: dict[str, Any] = {"statusCode": status_code}
        optional = {
            "selectionPattern": selection_pattern,
            "responseParameters": response_parameters,
            "responseTemplates": response_templates,
            "contentHandling": content_handling,
        }
        response.update({k: v for k, v in optional.items() if v is not None})
        integration.setdefault("integrationResponses", {})[status_code] = response
        self.tree.update_method(rest_api_id, resource, method)
        return response

    @operation("DeleteMethod")
    def delete_method(
        self, ctx: RequestContext, *, rest_api_id: str, resource_id: str, http_method: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        resource, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        del resource["resourceMethods"][method["httpMethod"]]
        self.store.put_resource(rest_api_id, resource)
        return {}

    @operation("DeleteIntegration")
    def delete_integration(
        self, ctx: RequestContext, *, rest_api_id: str, resource_id: str, http_method: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        resource, method = self.tree.method(rest_api_id, resource_id, http_method.upper())
        if method.pop("methodIntegration", None) is None:
            raise NotFoundException("Invalid Integration identifier specified")
        self.tree.update_method(rest_api_id, resource, method)
        return {}
