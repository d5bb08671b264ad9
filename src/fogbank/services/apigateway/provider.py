"""API Gateway control plane for REST APIs (the ``apigateway`` service), and owner of the
data plane (``self.front``) that serves REST and HTTP APIs.

Wiring: the HTTP APIs of ``apigatewayv2`` are served once its source is added:
``apigateway.front.add_source(apigatewayv2.source)``.

Deviations from AWS:
- The data plane runs Lambda proxy (AWS_PROXY) and MOCK integrations; other integration
  types (HTTP, HTTP_PROXY, AWS service integrations) are stored and answered with an
  integration failure (502 ``Internal server error``).
- MOCK integrations answer with their default integration response: static
  ``'value'`` header mappings and the ``application/json`` template as is (no VTL).
- Request header names reach functions lower-cased (the HTTP layer normalises them).
- Lambda proxy response headers: a name that is not an HTTP token or a value with CR/LF/NUL
  or other control characters makes the response malformed (REST 502 ``Internal server
  error``, HTTP API 500), as in AWS. AWS does not document non-ASCII values; fogbank sends
  ISO-8859-1 characters as latin-1 bytes and treats anything beyond (``€``, emoji) as
  malformed too, rather than guess an encoding.
- Cognito user-pool authorizers check a token's issuer and expiry but not its signature.
- API keys, usage plans, resource policies, request validators and caching are not enforced.
- Paging (``position``/``limit``) returns everything in one page; base paths and
  documentation parts in imported definitions are ignored.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.apigateway.dataplane.front import ApiFront
from fogbank.services.apigateway.errors import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from fogbank.services.apigateway.gateway import GatewayResponseOperations
from fogbank.services.apigateway.importer import build_plan, parse_definition
from fogbank.services.apigateway.methods import MethodOperations
from fogbank.services.apigateway.resources import ResourceTree
from fogbank.services.apigateway.source import RestApiSource
from fogbank.services.apigateway.stages import StageOperations
from fogbank.services.apigateway.store import RestApiStore
from fogbank.services.base import HttpRoute, RequestContext, ServiceContext, operation


class ApiGatewayProvider(MethodOperations, StageOperations, GatewayResponseOperations):
    """REST APIs: resources, methods, integrations, authorizers, deployments and stages."""

    service = "apigateway"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = RestApiStore(ctx.state_dir / "apigateway.sqlite")
        self.tree = ResourceTree(self.store, ctx.ids.short)
        self.source = RestApiSource(self.store)
        self.front = ApiFront(ctx, sources=[self.source])

    def http_routes(self) -> list[HttpRoute]:
        return [HttpRoute(prefix="/_aws/execute-api/", handler=self.front.handle_execute_api_path)]

    async def stop(self) -> None:
        self.store.close()

    # REST APIs
    def _api(self, api_id: str) -> dict[str, Any]:
        api = self.store.get_api(api_id)
        if api is None:
            raise NotFoundException(
                f"Invalid API identifier specified {self.ctx.account_id}:{api_id}"
            )
        return api

    def _new_api(self, name: str, **fields: Any) -> dict[str, Any]:
        api_id = self.ctx.ids.short()
        api: dict[str, Any] = {
            "id": api_id,
            "name": name,
            "createdDate": int(self.ctx.clock.now()),
            "apiKeySource": "HEADER",
            "endpointConfiguration": {"types": ["EDGE"]},
            "disableExecuteApiEndpoint": False,
            "rootResourceId": "",
        }
        api.update({k: v for k, v in fields.items() if v is not None})
        self.store.put_api(api)
        root = self.tree.create_root(api_id)
        api["rootResourceId"] = root["id"]
        self.store.put_api(api)
        return api

    @operation("CreateRestApi")
    def create_rest_api(
        self,
        ctx: RequestContext,
        *,
        name: str,
        description: str | None = None,
        version: str | None = None,
        binary_media_types: list[str] | None = None,
        endpoint_configuration: dict[str, Any] | None = None,
        api_key_source: str | None = None,
        policy: str | None = None,
        minimum_compression_size: int | None = None,
        disable_execute_api_endpoint: bool | None = None,
        tags: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if not name:
            raise BadRequestException("Name is required")
        return self._new_api(
            name,
            description=description,
            version=version,
            binaryMediaTypes=binary_media_types or None,
            endpointConfiguration=endpoint_configuration,
            apiKeySource=api_key_source,
            policy=policy,
            minimumCompressionSize=minimum_compression_size,
            disableExecuteApiEndpoint=disable_execute_api_endpoint,
            tags=tags or None,
        )

    @operation("ImportRestApi")
    def import_rest_api(
        self,
        ctx: RequestContext,
        *,
        body: bytes,
        fail_on_warnings: bool = False,
        parameters: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        plan = build_plan(parse_definition(body))
        if fail_on_warnings and plan.warnings:
            raise BadRequestException(
                "Warnings found during import:\n\t" + "\n\t".join(plan.warnings)
            )
        endpoint = (parameters or {}).get("endpointConfigurationTypes")
        api = self._new_api(
            plan.name or "imported-api",
            description=plan.description,
            version=plan.version,
            binaryMediaTypes=plan.binary_media_types or None,
            endpointConfiguration={"types": [endpoint.upper()]} if endpoint else None,
        )
        self.tree.apply_plan(api["id"], plan)
        return dict(api, warnings=plan.warnings) if plan.warnings else api

    @operation("PutRestApi")
    def put_rest_api(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        body: bytes,
        mode: str | None = None,
        fail_on_warnings: bool = False,
        **_: Any,
    ) -> dict[str, Any]:
        api = self._api(rest_api_id)
        plan = build_plan(parse_definition(body))
        if fail_on_warnings and plan.warnings:
            raise BadRequestException(
                "Warnings found during import:\n\t" + "\n\t".join(plan.warnings)
            )
        if (mode or "merge") == "overwrite":
            for resource in self.store.list_resources(rest_api_id):
                if "parentId" in resource:
                    self.store.delete_resource(rest_api_id, resource["id"])
                else:
                    self.store.put_resource(rest_api_id, dict(resource, resourceMethods={}))
            for authorizer in self.store.list_authorizers(rest_api_id):
                self.store.delete_authorizer(rest_api_id, authorizer["id"])
            api["binaryMediaTypes"] = plan.binary_media_types
            for key, value in (
                ("name", plan.name),
                ("description", plan.description),
                ("version", plan.version),
            ):
                if value is not None:
                    api[key] = value
        else:
            merged = list(api.get("binaryMediaTypes") or [])
            api["binaryMediaTypes"] = merged + [
                t for t in plan.binary_media_types if t not in merged
            ]
        if not api["binaryMediaTypes"]:
            api.pop("binaryMediaTypes")
        self.store.put_api(api)
        self.tree.apply_plan(rest_api_id, plan)
        return api

    @operation("UpdateRestApi")
    def update_rest_api(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        patch_operations: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        api = self._api(rest_api_id)
        for patch in patch_operations or []:
            apply_api_patch(api, patch)
        self.store.put_api(api)
        return api

    @operation("GetRestApis")
    def get_rest_apis(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"items": self.store.list_apis()}

    @operation("GetRestApi")
    def get_rest_api(self, ctx: RequestContext, *, rest_api_id: str, **_: Any) -> dict[str, Any]:
        return self._api(rest_api_id)

    @operation("DeleteRestApi")
    def delete_rest_api(self, ctx: RequestContext, *, rest_api_id: str, **_: Any) -> dict[str, Any]:
        self._api(rest_api_id)
        self.store.delete_api(rest_api_id)
        return {}

    # Resources
    @operation("GetResources")
    def get_resources(
        self, ctx: RequestContext, *, rest_api_id: str, embed: list[str] | None = None, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        return {
            "items": [_shape_resource(r, embed) for r in self.store.list_resources(rest_api_id)]
        }

    @operation("GetResource")
    def get_resource(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        resource_id: str,
        embed: list[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        return _shape_resource(self.tree.resource(rest_api_id, resource_id), embed)

    @operation("CreateResource")
    def create_resource(
        self, ctx: RequestContext, *, rest_api_id: str, parent_id: str, path_part: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        return _shape_resource(self.tree.create(rest_api_id, parent_id, path_part), None)

    @operation("DeleteResource")
    def delete_resource(
        self, ctx: RequestContext, *, rest_api_id: str, resource_id: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        self.tree.delete(rest_api_id, resource_id)
        return {}

    # Authorizers
    @operation("CreateAuthorizer")
    def create_authorizer(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        name: str,
        type: str,
        authorizer_uri: str | None = None,
        identity_source: str | None = None,
        identity_validation_expression: str | None = None,
        authorizer_result_ttl_in_seconds: int | None = None,
        provider_arns: list[str] | None = None,
        auth_type: str | None = None,
        authorizer_credentials: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        if type not in ("TOKEN", "REQUEST", "COGNITO_USER_POOLS"):
            raise BadRequestException(f"Invalid authorizer type specified: {type}")
        if type in ("TOKEN", "REQUEST") and not authorizer_uri:
            raise BadRequestException("Authorizer URI is required for authorizers of type " + type)
        if type == "TOKEN" and not identity_source:
            raise BadRequestException("Identity source is required for authorizers of type TOKEN")
        if any(a["name"] == name for a in self.store.list_authorizers(rest_api_id)):
            raise ConflictException(f"Authorizer with name {name} already exists")
        authorizer: dict[str, Any] = {
            "id": self.ctx.ids.short(6),
            "name": name,
            "type": type,
            "authorizerResultTtlInSeconds": 300
            if authorizer_result_ttl_in_seconds is None
            else authorizer_result_ttl_in_seconds,
        }
        optional = {
            "authorizerUri": authorizer_uri,
            "identitySource": identity_source,
            "identityValidationExpression": identity_validation_expression,
            "providerARNs": provider_arns,
            "authType": auth_type,
            "authorizerCredentials": authorizer_credentials,
        }
        authorizer.update({k: v for k, v in optional.items() if v is not None})
        self.store.put_authorizer(rest_api_id, authorizer)
        return authorizer

    @operation("GetAuthorizers")
    def get_authorizers(self, ctx: RequestContext, *, rest_api_id: str, **_: Any) -> dict[str, Any]:
        self._api(rest_api_id)
        return {"items": self.store.list_authorizers(rest_api_id)}

    @operation("UpdateAuthorizer")
    def update_authorizer(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        authorizer_id: str,
        patch_operations: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        authorizer = self.store.get_authorizer(rest_api_id, authorizer_id)
        if authorizer is None:
            raise NotFoundException("Invalid Authorizer identifier specified")
        for patch in patch_operations or []:
            apply_authorizer_patch(authorizer, patch)
        self.store.put_authorizer(rest_api_id, authorizer)
        return authorizer

    @operation("DeleteAuthorizer")
    def delete_authorizer(
        self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        if not self.store.delete_authorizer(rest_api_id, authorizer_id):
            raise NotFoundException("Invalid Authorizer identifier specified")
        return {}

    @operation("GetAuthorizer")
    def get_authorizer(
        self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        authorizer = self.store.get_authorizer(rest_api_id, authorizer_id)
        if authorizer is None:
            raise NotFoundException("Invalid Authorizer identifier specified")
        return authorizer


def apply_api_patch(api: dict[str, Any], patch: dict[str, Any]) -> None:
    """One ``PatchOperation`` on a RestApi (the paths CloudFormation and the console use)."""
    op, path, value = patch.get("op"), str(patch.get("path", "")), patch.get("value")
    simple = {
        "/name": "name",
        "/description": "description",
        "/version": "version",
        "/policy": "policy",
        "/apiKeySource": "apiKeySource",
    }
    if path in simple and op == "replace":
        api[simple[path]] = value
    elif path == "/minimumCompressionSize" and op == "replace":
        api["minimumCompressionSize"] = int(value) if value not in (None, "") else None
    elif path == "/disableExecuteApiEndpoint" and op == "replace":
        api["disableExecuteApiEndpoint"] = str(value).lower() == "true"
    elif path.startswith("/binaryMediaTypes/") and op in ("add", "remove"):
        media = path[len("/binaryMediaTypes/") :].replace("~1", "/")
        types = [t for t in api.get("binaryMediaTypes") or [] if t != media]
        if op == "add":
            types.append(media)
        api["binaryMediaTypes"] = types
    else:
        raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")
    if api.get("binaryMediaTypes") == []:
        api.pop("binaryMediaTypes")
    if api.get("minimumCompressionSize") is None:
        api.pop("minimumCompressionSize", None)


AUTHORIZER_PATHS = {
    "/name": "name",
    "/type": "type",
    "/authorizerUri": "authorizerUri",
    "/identitySource": "identitySource",
    "/identityValidationExpression": "identityValidationExpression",
    "/authorizerCredentials": "authorizerCredentials",
    "/authType": "authType",
}


def apply_authorizer_patch(authorizer: dict[str, Any], patch: dict[str, Any]) -> None:
    op, path, value = patch.get("op"), str(patch.get("path", "")), patch.get("value")
    if op == "replace" and path in AUTHORIZER_PATHS:
        authorizer[AUTHORIZER_PATHS[path]] = value
    elif op == "replace" and path == "/authorizerResultTtlInSeconds":
        try:
            authorizer["authorizerResultTtlInSeconds"] = int(str(value))
        except ValueError as exc:
            raise BadRequestException("Invalid authorizerResultTtlInSeconds") from exc
    elif op in ("add", "remove") and path.startswith("/providerARNs"):
        arns = [a for a in authorizer.get("providerARNs") or [] if a != value]
        authorizer["providerARNs"] = arns + ([str(value)] if op == "add" else [])
    else:
        raise BadRequestException(f"Invalid patch path '{path}' specified for op '{op}'")


def _shape_resource(resource: dict[str, Any], embed: list[str] | None) -> dict[str, Any]:
    shaped = {k: v for k, v in resource.items() if k != "resourceMethods"}
    methods = resource.get("resourceMethods") or {}
    if methods:
        full = bool(embed and "methods" in embed)
        shaped["resourceMethods"] = {verb: (m if full else {}) for verb, m in methods.items()}
    return shaped
