"""Deployments (frozen snapshots of an API's resources) and the stages that serve them."""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.apigateway.errors import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from fogbank.services.apigateway.store import RestApiStore
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation

STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class StageOperations(Provider):
    """Deployment and stage operations of the REST API provider."""

    ctx: ServiceContext
    store: RestApiStore

    def _api(self, api_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def _snapshot(self, api_id: str) -> dict[str, Any]:
        api = self._api(api_id)
        resources = self.store.list_resources(api_id)
        if not any(r.get("resourceMethods") for r in resources):
            raise BadRequestException("The REST API doesn't contain any methods")
        return {
            "resources": resources,
            "authorizers": self.store.list_authorizers(api_id),
            "binaryMediaTypes": api.get("binaryMediaTypes") or [],
            "gatewayResponses": self.store.list_gateway_responses(api_id),
        }

    @operation("CreateDeployment")
    def create_deployment(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        stage_name: str | None = None,
        stage_description: str | None = None,
        description: str | None = None,
        variables: dict[str, str] | None = None,
        tracing_enabled: bool | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        snapshot = self._snapshot(rest_api_id)
        deployment: dict[str, Any] = {
            "id": self.ctx.ids.short(6),
            "createdDate": int(self.ctx.clock.now()),
        }
        if description is not None:
            deployment["description"] = description
        self.store.put_deployment(rest_api_id, dict(deployment, snapshot=snapshot))
        if stage_name:
            _check_stage_name(stage_name)
            stage = self.store.get_stage(rest_api_id, stage_name)
            if stage is None:
                stage = self._new_stage(
                    stage_name,
                    deployment["id"],
                    stage_description,
                    variables,
                    tracing_enabled,
                    None,
                )
            else:
                stage["deploymentId"] = deployment["id"]
                stage["lastUpdatedDate"] = int(self.ctx.clock.now())
                if variables:
                    stage["variables"] = {**stage.get("variables", {}), **variables}
            self.store.put_stage(rest_api_id, stage)
        return deployment

    @operation("GetDeployments")
    def get_deployments(self, ctx: RequestContext, *, rest_api_id: str, **_: Any) -> dict[str, Any]:
        self._api(rest_api_id)
        return {"items": [_public(d) for d in self.store.list_deployments(rest_api_id)]}

    @operation("GetDeployment")
    def get_deployment(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        deployment_id: str,
        embed: list[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        deployment = self.store.get_deployment(rest_api_id, deployment_id)
        if deployment is None:
            raise NotFoundException("Invalid Deployment identifier specified")
        shaped = _public(deployment)
        if embed and "apisummary" in [e.lower() for e in embed]:
            shaped["apiSummary"] = {
                r["path"]: {
                    verb: {
                        "authorizationType": m.get("authorizationType", "NONE"),
                        "apiKeyRequired": bool(m.get("apiKeyRequired")),
                    }
                    for verb, m in (r.get("resourceMethods") or {}).items()
                }
                for r in deployment["snapshot"]["resources"]
                if r.get("resourceMethods")
            }
        return shaped

    @operation("UpdateDeployment")
    def update_deployment(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        deployment_id: str,
        patch_operations: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        deployment = self.store.get_deployment(rest_api_id, deployment_id)
        if deployment is None:
            raise NotFoundException("Invalid Deployment identifier specified")
        for patch in patch_operations or []:
            if patch.get("op") == "replace" and patch.get("path") == "/description":
                deployment["description"] = patch.get("value")
            else:
                raise BadRequestException(
                    f"Invalid patch path '{patch.get('path')}' specified for op '{patch.get('op')}'"
                )
        self.store.put_deployment(rest_api_id, deployment)
        return _public(deployment)

    @operation("DeleteDeployment")
    def delete_deployment(
        self, ctx: RequestContext, *, rest_api_id: str, deployment_id: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        if self.store.get_deployment(rest_api_id, deployment_id) is None:
            raise NotFoundException("Invalid Deployment identifier specified")
        if any(s.get("deploymentId") == deployment_id for s in self.store.list_stages(rest_api_id)):
            raise BadRequestException(
                "Active stages pointing to this deployment must be moved or deleted"
            )
        self.store.delete_deployment(rest_api_id, deployment_id)
        return {}

    def _new_stage(
        self,
        stage_name: str,
        deployment_id: str,
        description: str | None,
        variables: dict[str, str] | None,
        tracing_enabled: bool | None,
        tags: dict[str, str] | None,
    ) -> dict[str, Any]:
        now = int(self.ctx.clock.now())
        stage: dict[str, Any] = {
            "deploymentId": deployment_id,
            "stageName": stage_name,
            "cacheClusterEnabled": False,
            "cacheClusterStatus": "NOT_AVAILABLE",
            "methodSettings": {},
            "tracingEnabled": bool(tracing_enabled),
            "createdDate": now,
            "lastUpdatedDate": now,
        }
        if description is not None:
            stage["description"] = description
        if variables:
            stage["variables"] = dict(variables)
        if tags:
            stage["tags"] = dict(tags)
        return stage

    @operation("CreateStage")
    def create_stage(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        stage_name: str,
        deployment_id: str,
        description: str | None = None,
        variables: dict[str, str] | None = None,
        tracing_enabled: bool | None = None,
        tags: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        _check_stage_name(stage_name)
        if self.store.get_deployment(rest_api_id, deployment_id) is None:
            raise NotFoundException("Invalid Deployment identifier specified")
        if self.store.get_stage(rest_api_id, stage_name) is not None:
            raise ConflictException("Stage already exists")
        stage = self._new_stage(
            stage_name, deployment_id, description, variables, tracing_enabled, tags
        )
        self.store.put_stage(rest_api_id, stage)
        return stage

    @operation("GetStages")
    def get_stages(
        self, ctx: RequestContext, *, rest_api_id: str, deployment_id: str | None = None, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        stages = self.store.list_stages(rest_api_id)
        if deployment_id:
            stages = [s for s in stages if s.get("deploymentId") == deployment_id]
        return {"item": stages}

    def _stage(self, api_id: str, stage_name: str) -> dict[str, Any]:
        stage = self.store.get_stage(api_id, stage_name)
        if stage is None:
            raise NotFoundException("Invalid Stage identifier specified")
        return stage

    @operation("GetStage")
    def get_stage(
        self, ctx: RequestContext, *, rest_api_id: str, stage_name: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        return self._stage(rest_api_id, stage_name)

    @operation("UpdateStage")
    def update_stage(
        self,
        ctx: RequestContext,
        *,
        rest_api_id: str,
        stage_name: str,
        patch_operations: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        stage = self._stage(rest_api_id, stage_name)
        for patch in patch_operations or []:
            _apply_patch(stage, patch)
            if (
                patch.get("path") == "/deploymentId"
                and self.store.get_deployment(rest_api_id, stage["deploymentId"]) is None
            ):
                raise BadRequestException("Invalid deployment id specified")
        stage["lastUpdatedDate"] = int(self.ctx.clock.now())
        self.store.put_stage(rest_api_id, stage)
        return stage

    @operation("DeleteStage")
    def delete_stage(
        self, ctx: RequestContext, *, rest_api_id: str, stage_name: str, **_: Any
    ) -> dict[str, Any]:
        self._api(rest_api_id)
        self._stage(rest_api_id, stage_name)
        self.store.delete_stage(rest_api_id, stage_name)
        return {}


def _check_stage_name(stage_name: str) -> None:
    if not STAGE_NAME.match(stage_name):
        raise BadRequestException(
            "Stage name only allows a-zA-Z0-9_ and must be at most 128 characters long."
        )


def _public(deployment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in deployment.items() if k != "snapshot"}


def _apply_patch(stage: dict[str, Any], patch: dict[str, Any]) -> None:
    op, path, value = patch.get("op"), str(patch.get("path", "")), patch.get("value")
    if path.startswith("/variables/"):
        name = path[len("/variables/") :]
        variables = stage.setdefault("variables", {})
        if op in ("replace", "add"):
            variables[name] = "" if value is None else str(value)
        elif op == "remove":
            variables.pop(name, None)
        else:
            raise BadRequestException(
                "Invalid patch operation specified. Must be one of: [add, remove, replace] "
                f"for path {path}"
            )
        if not variables:
            stage.pop("variables")
        return
    simple = {"/deploymentId": "deploymentId", "/description": "description"}
    if path in simple and op == "replace":
        stage[simple[path]] = value
        return
    if path == "/tracingEnabled" and op == "replace":
        stage["tracingEnabled"] = str(value).lower() == "true"
        return
    if path == "/cacheClusterEnabled" and op == "replace":
        stage["cacheClusterEnabled"] = str(value).lower() == "true"
        return
    raise BadRequestException(
        f"Invalid patch path '{path}' specified for op '{op}'. Must be one of: "
        "[/deploymentId, /description, /variables/*, /tracingEnabled, /cacheClusterEnabled]"
    )
