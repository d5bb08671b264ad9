"""API Gateway v2 control plane for HTTP APIs (the ``apigatewayv2`` service).

Deviations from AWS:
- Only ``ProtocolType: HTTP`` is accepted (no WebSocket APIs).
- ``AutoDeploy`` stages serve the current routes at once without recording the automatic
  deployments AWS would list.
- ``ApiEndpoint`` is the local edge address ``http://{api-id}.execute-api.localhost:{port}``.
- JWT authorizers check issuer, audience, expiry and scopes but not the token signature
  (no network access to the issuer's keys); IAM (AWS_IAM) authorization is not enforced.
- Only Lambda proxy integrations are run by the data plane (HTTP_PROXY → 500).
- Paging returns everything in one page.
"""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.apigatewayv2.errors import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from fogbank.services.apigatewayv2.importer import HttpImportPlan, build_plan, parse_definition
from fogbank.services.apigatewayv2.source import HttpApiSource
from fogbank.services.apigatewayv2.stages import StageOperations, present
from fogbank.services.apigatewayv2.store import HttpApiStore
from fogbank.services.apigatewayv2.updates import UpdateOperations
from fogbank.services.base import RequestContext, ServiceContext, operation

ROUTE_KEY = re.compile(r"^(\$default|(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|ANY) /\S*)$")


class ApiGatewayV2Provider(UpdateOperations, StageOperations):
    """HTTP APIs: APIs, routes, integrations, authorizers, stages and deployments."""

    service = "apigatewayv2"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = HttpApiStore(ctx.state_dir / "apigatewayv2.sqlite")
        self.source = HttpApiSource(self.store)

    async def stop(self) -> None:
        self.store.close()

    def _now(self) -> int:
        return int(self.ctx.clock.now())

    def _api(self, api_id: str) -> dict[str, Any]:
        api = self.store.get_api(api_id)
        if api is None:
            raise NotFoundException(
                f"Invalid API identifier specified {self.ctx.account_id}:{api_id}",
                resource_type="Api",
            )
        return api

    def _child(self, kind: str, api_id: str, key: str, label: str) -> dict[str, Any]:
        self._api(api_id)
        doc = self.store.get(kind, api_id, key)
        if doc is None:
            raise NotFoundException(
                f"Invalid {label} identifier specified {key}", resource_type=label
            )
        return doc

    # APIs
    def _new_api(self, name: str, protocol_type: str, **members: Any) -> dict[str, Any]:
        if protocol_type != "HTTP":
            raise BadRequestException(
                f"Unsupported protocol type {protocol_type}: fogbank emulates HTTP APIs only"
            )
        api_id = self.ctx.ids.short()
        api = {
            "ApiId": api_id,
            "Name": name,
            "ProtocolType": "HTTP",
            "ApiEndpoint": f"http://{api_id}.execute-api.localhost:{self.ctx.config.edge_port}",
            "ApiKeySelectionExpression": "$request.header.x-api-key",
            "CreatedDate": self._now(),
            "DisableExecuteApiEndpoint": False,
            "RouteSelectionExpression": "${request.method} ${request.path}",
            "Tags": {},
            **present(**members),
        }
        self.store.put_api(api)
        return api

    @operation("CreateApi")
    def create_api(
        self,
        ctx: RequestContext,
        *,
        name: str,
        protocol_type: str,
        cors_configuration: dict[str, Any] | None = None,
        description: str | None = None,
        route_key: str | None = None,
        target: str | None = None,
        version: str | None = None,
        disable_execute_api_endpoint: bool | None = None,
        tags: dict[str, str] | None = None,
        credentials_arn: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        if route_key and not target:
            raise BadRequestException("RouteKey can only be specified together with Target")
        api = self._new_api(
            name,
            protocol_type,
            CorsConfiguration=cors_configuration,
            Description=description,
            Version=version,
            DisableExecuteApiEndpoint=disable_execute_api_endpoint,
            Tags=tags or {},
        )
        if target:  # quick create: integration, route and an auto-deployed $default stage
            api_id = api["ApiId"]
            integration = self._put_integration(
                api_id,
                {
                    "IntegrationType": "AWS_PROXY" if ":lambda:" in target else "HTTP_PROXY",
                    "IntegrationUri": target,
                    "IntegrationMethod": "POST" if ":lambda:" in target else "ANY",
                    "PayloadFormatVersion": "2.0" if ":lambda:" in target else "1.0",
                    "CredentialsArn": credentials_arn,
                    "ApiGatewayManaged": True,
                },
            )
            self._put_route(
                api_id,
                route_key or "$default",
                {
                    "Target": f"integrations/{integration['IntegrationId']}",
                    "ApiGatewayManaged": True,
                },
            )
            self._put_stage(api_id, "$default", {"AutoDeploy": True, "ApiGatewayManaged": True})
        return api

    def _apply_plan(self, api_id: str, plan: HttpImportPlan) -> None:
        authorizer_ids = {}
        for spec in plan.authorizers:
            authorizer_id = self.ctx.ids.short(6)
            self.store.put(
                "authorizer",
                api_id,
                authorizer_id,
                {"AuthorizerId": authorizer_id, **present(**spec)},
            )
            authorizer_ids[spec["Name"]] = (authorizer_id, spec["AuthorizerType"])
        shared: dict[str, str] = {}
        for planned in plan.routes:
            members: dict[str, Any] = {}
            if planned.integration:
                signature = repr(sorted(planned.integration.items()))
                if signature not in shared:
                    shared[signature] = self._put_integration(api_id, planned.integration)[
                        "IntegrationId"
                    ]
                members["Target"] = f"integrations/{shared[signature]}"
            if planned.authorizer_name:
                authorizer_id, kind = authorizer_ids[planned.authorizer_name]
                members.update(
                    AuthorizerId=authorizer_id,
                    AuthorizationType="JWT" if kind == "JWT" else "CUSTOM",
                )
                if planned.authorization_scopes:
                    members["AuthorizationScopes"] = planned.authorization_scopes
            self._put_route(api_id, planned.route_key, members)

    @operation("ImportApi")
    def import_api(
        self,
        ctx: RequestContext,
        *,
        body: str,
        basepath: str | None = None,
        fail_on_warnings: bool = False,
        **_: Any,
    ) -> dict[str, Any]:
        plan = build_plan(parse_definition(body))
        if fail_on_warnings and plan.warnings:
            raise BadRequestException("Warnings found during import: " + "; ".join(plan.warnings))
        api = self._new_api(
            plan.name,
            "HTTP",
            Description=plan.description,
            Version=plan.version,
            CorsConfiguration=plan.cors,
        )
        self._apply_plan(api["ApiId"], plan)
        return dict(api, Warnings=plan.warnings) if plan.warnings else api

    @operation("ReimportApi")
    def reimport_api(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        body: str,
        basepath: str | None = None,
        fail_on_warnings: bool = False,
        **_: Any,
    ) -> dict[str, Any]:
        api = self._api(api_id)
        plan = build_plan(parse_definition(body))
        if fail_on_warnings and plan.warnings:
            raise BadRequestException("Warnings found during import: " + "; ".join(plan.warnings))
        for kind, key in (
            ("route", "RouteId"),
            ("integration", "IntegrationId"),
            ("authorizer", "AuthorizerId"),
        ):
            for doc in self.store.list(kind, api_id):
                self.store.delete(kind, api_id, doc[key])
        api.update(present(Name=plan.name, Description=plan.description, Version=plan.version))
        if plan.cors is not None:
            api["CorsConfiguration"] = plan.cors
        else:
            api.pop("CorsConfiguration", None)
        self.store.put_api(api)
        self._apply_plan(api_id, plan)
        return api

    @operation("UpdateApi")
    def update_api(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        name: str | None = None,
        description: str | None = None,
        cors_configuration: dict[str, Any] | None = None,
        version: str | None = None,
        disable_execute_api_endpoint: bool | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        api = self._api(api_id)
        api.update(
            present(
                Name=name,
                Description=description,
                Version=version,
                CorsConfiguration=cors_configuration,
                DisableExecuteApiEndpoint=disable_execute_api_endpoint,
            )
        )
        self.store.put_api(api)
        return api

    @operation("GetApis")
    def get_apis(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"Items": self.store.list_apis()}

    @operation("GetApi")
    def get_api(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        return self._api(api_id)

    @operation("DeleteApi")
    def delete_api(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        self.store.delete_api(api_id)
        return {}

    # Routes
    def _check_route(self, api_id: str, route: dict[str, Any]) -> None:
        route_key = str(route.get("RouteKey", ""))
        if not ROUTE_KEY.match(route_key):
            raise BadRequestException(
                f"Invalid route key {route_key!r}: expected '$default' or '<METHOD> /<path>'"
            )
        if any(
            r["RouteKey"] == route_key and r["RouteId"] != route["RouteId"]
            for r in self.store.list("route", api_id)
        ):
            raise ConflictException(f"Route with key {route_key} already exists for this API")
        target = route.get("Target")
        if target and (
            not target.startswith("integrations/")
            or self.store.get("integration", api_id, target.split("/", 1)[1]) is None
        ):
            raise BadRequestException(f"Invalid integration target {target}")

    def _put_route(self, api_id: str, route_key: str, members: dict[str, Any]) -> dict[str, Any]:
        route_id = self.ctx.ids.short(7)
        route = {
            "RouteId": route_id,
            "RouteKey": route_key,
            "ApiKeyRequired": False,
            "AuthorizationType": "NONE",
            **present(**members),
        }
        self._check_route(api_id, route)
        self.store.put("route", api_id, route_id, route)
        return route

    @operation("CreateRoute")
    def create_route(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        route_key: str,
        target: str | None = None,
        authorization_type: str | None = None,
        authorizer_id: str | None = None,
        authorization_scopes: list[str] | None = None,
        api_key_required: bool | None = None,
        operation_name: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(api_id)
        if authorizer_id:
            self._child("authorizer", api_id, authorizer_id, "Authorizer")
        return self._put_route(
            api_id,
            route_key,
            present(
                Target=target,
                AuthorizationType=authorization_type,
                AuthorizerId=authorizer_id,
                AuthorizationScopes=authorization_scopes,
                ApiKeyRequired=api_key_required,
                OperationName=operation_name,
            ),
        )

    @operation("GetRoutes")
    def get_routes(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        return {"Items": self.store.list("route", api_id)}

    @operation("GetRoute")
    def get_route(
        self, ctx: RequestContext, *, api_id: str, route_id: str, **_: Any
    ) -> dict[str, Any]:
        return self._child("route", api_id, route_id, "Route")

    @operation("DeleteRoute")
    def delete_route(
        self, ctx: RequestContext, *, api_id: str, route_id: str, **_: Any
    ) -> dict[str, Any]:
        self._child("route", api_id, route_id, "Route")
        self.store.delete("route", api_id, route_id)
        return {}

    # Integrations
    def _put_integration(self, api_id: str, members: dict[str, Any]) -> dict[str, Any]:
        kind = members.get("IntegrationType")
        if kind not in ("AWS_PROXY", "HTTP_PROXY", "MOCK", "AWS", "HTTP"):
            raise BadRequestException(f"Invalid integration type {kind}")
        if kind == "AWS_PROXY" and members.get("PayloadFormatVersion") not in (None, "1.0", "2.0"):
            raise BadRequestException("PayloadFormatVersion must be 1.0 or 2.0")
        integration_id = self.ctx.ids.short(7)
        integration = {
            "IntegrationId": integration_id,
            "ConnectionType": "INTERNET",
            "IntegrationResponseSelectionExpression": "${integration.response.statuscode}",
            "PayloadFormatVersion": "1.0",
            "TimeoutInMillis": 30000,
            **present(**members),
        }
        self.store.put("integration", api_id, integration_id, integration)
        return integration

    @operation("CreateIntegration")
    def create_integration(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        integration_type: str,
        integration_uri: str | None = None,
        integration_method: str | None = None,
        payload_format_version: str | None = None,
        timeout_in_millis: int | None = None,
        connection_type: str | None = None,
        credentials_arn: str | None = None,
        description: str | None = None,
        request_parameters: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(api_id)
        if integration_type in ("AWS_PROXY", "HTTP_PROXY") and not integration_uri:
            raise BadRequestException(
                "IntegrationUri is required for integrations of type " + integration_type
            )
        return self._put_integration(
            api_id,
            present(
                IntegrationType=integration_type,
                IntegrationUri=integration_uri,
                IntegrationMethod=integration_method,
                PayloadFormatVersion=payload_format_version,
                TimeoutInMillis=timeout_in_millis,
                ConnectionType=connection_type,
                CredentialsArn=credentials_arn,
                Description=description,
                RequestParameters=request_parameters,
            ),
        )

    @operation("GetIntegrations")
    def get_integrations(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        return {"Items": self.store.list("integration", api_id)}

    @operation("GetIntegration")
    def get_integration(
        self, ctx: RequestContext, *, api_id: str, integration_id: str, **_: Any
    ) -> dict[str, Any]:
        return self._child("integration", api_id, integration_id, "Integration")

    @operation("DeleteIntegration")
    def delete_integration(
        self, ctx: RequestContext, *, api_id: str, integration_id: str, **_: Any
    ) -> dict[str, Any]:
        self._child("integration", api_id, integration_id, "Integration")
        self.store.delete("integration", api_id, integration_id)
        return {}

    # Authorizers
    @operation("CreateAuthorizer")
    def create_authorizer(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        authorizer_type: str,
        name: str,
        identity_source: list[str] | None = None,
        authorizer_uri: str | None = None,
        authorizer_payload_format_version: str | None = None,
        enable_simple_responses: bool | None = None,
        authorizer_result_ttl_in_seconds: int | None = None,
        jwt_configuration: dict[str, Any] | None = None,
        authorizer_credentials_arn: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(api_id)
        if authorizer_type not in ("REQUEST", "JWT"):
            raise BadRequestException(f"Invalid authorizer type {authorizer_type}")
        if authorizer_type == "REQUEST":
            if not authorizer_uri:
                raise BadRequestException("AuthorizerUri is required for REQUEST authorizers")
            if authorizer_payload_format_version not in ("1.0", "2.0"):
                raise BadRequestException(
                    "AuthorizerPayloadFormatVersion is required for REQUEST "
                    "authorizers and must be 1.0 or 2.0"
                )
            if enable_simple_responses and authorizer_payload_format_version != "2.0":
                raise BadRequestException(
                    "EnableSimpleResponses requires AuthorizerPayloadFormatVersion 2.0"
                )
        ttl = (
            authorizer_result_ttl_in_seconds if authorizer_result_ttl_in_seconds is not None else 0
        )
        if ttl and not identity_source:
            raise BadRequestException("IdentitySource is required when caching is enabled")
        authorizer_id = self.ctx.ids.short(6)
        authorizer = {
            "AuthorizerId": authorizer_id,
            "Name": name,
            "AuthorizerType": authorizer_type,
            "IdentitySource": list(identity_source or []),
            **present(
                AuthorizerUri=authorizer_uri,
                AuthorizerPayloadFormatVersion=authorizer_payload_format_version,
                EnableSimpleResponses=enable_simple_responses,
                AuthorizerResultTtlInSeconds=ttl if authorizer_type == "REQUEST" else None,
                JwtConfiguration=jwt_configuration,
                AuthorizerCredentialsArn=authorizer_credentials_arn,
            ),
        }
        self.store.put("authorizer", api_id, authorizer_id, authorizer)
        return authorizer

    @operation("GetAuthorizers")
    def get_authorizers(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        return {"Items": self.store.list("authorizer", api_id)}

    @operation("DeleteAuthorizer")
    def delete_authorizer(
        self, ctx: RequestContext, *, api_id: str, authorizer_id: str, **_: Any
    ) -> dict[str, Any]:
        self._child("authorizer", api_id, authorizer_id, "Authorizer")
        self.store.delete("authorizer", api_id, authorizer_id)
        return {}

    @operation("GetAuthorizer")
    def get_authorizer(
        self, ctx: RequestContext, *, api_id: str, authorizer_id: str, **_: Any
    ) -> dict[str, Any]:
        return self._child("authorizer", api_id, authorizer_id, "Authorizer")
