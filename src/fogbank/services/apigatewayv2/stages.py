"""Stages and deployments of HTTP APIs."""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.apigatewayv2.errors import BadRequestException, ConflictException
from fogbank.services.apigatewayv2.store import HttpApiStore
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation

# What a deployment freezes: the routes a non-AutoDeploy stage serves until redeployed.
SNAPSHOT_KINDS = ("route", "integration", "authorizer")
STAGE_NAME = re.compile(r"^(\$default|[A-Za-z0-9_-]{1,128})$")


def present(**members: Any) -> dict[str, Any]:
    """The members that have a value (AWS omits absent members from outputs)."""
    return {k: v for k, v in members.items() if v is not None}


class StageOperations(Provider):
    """Stage and deployment operations of the HTTP API provider."""

    ctx: ServiceContext
    store: HttpApiStore

    def _now(self) -> int:
        return int(self.ctx.clock.now())

    def _api(self, api_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def _child(self, kind: str, api_id: str, key: str, label: str) -> dict[str, Any]:
        raise NotImplementedError

    def _put_stage(self, api_id: str, stage_name: str, members: dict[str, Any]) -> dict[str, Any]:
        if not STAGE_NAME.match(stage_name):
            raise BadRequestException("Stage name only allows a-zA-Z0-9_- or $default")
        if self.store.get("stage", api_id, stage_name) is not None:
            raise ConflictException(f"Stage {stage_name} already exists")
        now = self._now()
        stage = {
            "StageName": stage_name,
            "CreatedDate": now,
            "LastUpdatedDate": now,
            "DefaultRouteSettings": {"DetailedMetricsEnabled": False},
            "RouteSettings": {},
            "StageVariables": {},
            "Tags": {},
            "AutoDeploy": False,
            **present(**members),
        }
        self.store.put("stage", api_id, stage_name, stage)
        return stage

    @operation("CreateStage")
    def create_stage(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        stage_name: str,
        auto_deploy: bool | None = None,
        deployment_id: str | None = None,
        description: str | None = None,
        stage_variables: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
        default_route_settings: dict[str, Any] | None = None,
        route_settings: dict[str, Any] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(api_id)
        if deployment_id:
            self._child("deployment", api_id, deployment_id, "Deployment")
        return self._put_stage(
            api_id,
            stage_name,
            present(
                AutoDeploy=auto_deploy,
                DeploymentId=deployment_id,
                Description=description,
                StageVariables=stage_variables,
                Tags=tags,
                DefaultRouteSettings=default_route_settings,
                RouteSettings=route_settings,
            ),
        )

    @operation("GetStages")
    def get_stages(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        return {"Items": self.store.list("stage", api_id)}

    @operation("GetStage")
    def get_stage(
        self, ctx: RequestContext, *, api_id: str, stage_name: str, **_: Any
    ) -> dict[str, Any]:
        return self._child("stage", api_id, stage_name, "Stage")

    @operation("UpdateStage")
    def update_stage(
        self, ctx: RequestContext, *, api_id: str, stage_name: str, **members: Any
    ) -> dict[str, Any]:
        stage = self._child("stage", api_id, stage_name, "Stage")
        names = {
            "auto_deploy": "AutoDeploy",
            "deployment_id": "DeploymentId",
            "description": "Description",
            "stage_variables": "StageVariables",
            "default_route_settings": "DefaultRouteSettings",
            "route_settings": "RouteSettings",
            "access_log_settings": "AccessLogSettings",
        }
        stage.update({names[k]: v for k, v in members.items() if k in names and v is not None})
        stage["LastUpdatedDate"] = self._now()
        self.store.put("stage", api_id, stage_name, stage)
        return stage

    @operation("DeleteStage")
    def delete_stage(
        self, ctx: RequestContext, *, api_id: str, stage_name: str, **_: Any
    ) -> dict[str, Any]:
        self._child("stage", api_id, stage_name, "Stage")
        self.store.delete("stage", api_id, stage_name)
        return {}

    @operation("CreateDeployment")
    def create_deployment(
        self,
        ctx: RequestContext,
        *,
        api_id: str,
        description: str | None = None,
        stage_name: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        self._api(api_id)
        stage = self._child("stage", api_id, stage_name, "Stage") if stage_name else None
        deployment_id = self.ctx.ids.short(6)
        deployment = {
            "DeploymentId": deployment_id,
            "DeploymentStatus": "DEPLOYED",
            "AutoDeployed": False,
            "CreatedDate": self._now(),
            **present(Description=description),
        }
        if not self.store.list("route", api_id):
            raise BadRequestException("At least one route is required before deploying the Api.")
        snapshot = {kind: self.store.list(kind, api_id) for kind in SNAPSHOT_KINDS}
        self.store.put("deployment", api_id, deployment_id, dict(deployment, snapshot=snapshot))
        if stage is not None:
            stage.update(DeploymentId=deployment_id, LastUpdatedDate=self._now())
            self.store.put("stage", api_id, stage["StageName"], stage)
        return deployment

    @operation("GetDeployments")
    def get_deployments(self, ctx: RequestContext, *, api_id: str, **_: Any) -> dict[str, Any]:
        self._api(api_id)
        return {"Items": [_public(d) for d in self.store.list("deployment", api_id)]}

    @operation("GetDeployment")
    def get_deployment(
        self, ctx: RequestContext, *, api_id: str, deployment_id: str, **_: Any
    ) -> dict[str, Any]:
        return _public(self._child("deployment", api_id, deployment_id, "Deployment"))


def _public(deployment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in deployment.items() if k != "snapshot"}
