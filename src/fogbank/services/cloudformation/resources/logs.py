"""AWS::Logs::LogGroup → logs CreateLogGroup / PutRetentionPolicy / DeleteLogGroup."""

from __future__ import annotations

from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    physical_name,
    tags_dict,
)


class LogGroupHandler(ResourceHandler):
    resource_type = "AWS::Logs::LogGroup"
    replace_on = frozenset({"LogGroupName", "LogGroupClass"})

    def _arn(self, request: ResourceRequest, name: str) -> str:
        return (f"arn:{request.partition}:logs:{request.region}:{request.account_id}:"
                f"log-group:{name}:*")

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("LogGroupName") or physical_name(request, services, 512)
        params = {"logGroupName": name}
        if props.get("KmsKeyId"):
            params["kmsKeyId"] = props["KmsKeyId"]
        tags = tags_dict(props.get("Tags"))
        if tags:
            params["tags"] = tags
        if props.get("LogGroupClass"):
            params["logGroupClass"] = props["LogGroupClass"]
        await services.client.call("logs", "CreateLogGroup", params)
        await self._retention(props.get("RetentionInDays"), None, name, services)
        return ResourceResult(name, {"Arn": self._arn(request, name)})

    async def _retention(self, days: object, old_days: object, name: str,
                         services: HandlerServices) -> None:
        if days is not None:
            await services.client.call("logs", "PutRetentionPolicy",
                                       {"logGroupName": name, "retentionInDays": int(str(days))})
        elif old_days is not None:
            await services.client.call("logs", "DeleteRetentionPolicy", {"logGroupName": name})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.physical_id)
        old = request.old_properties or {}
        if request.properties.get("RetentionInDays") != old.get("RetentionInDays"):
            await self._retention(request.properties.get("RetentionInDays"),
                                  old.get("RetentionInDays"), name, services)
        return ResourceResult(name, {"Arn": self._arn(request, name)})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("logs", "DeleteLogGroup",
                                   {"logGroupName": request.physical_id})


LOGS_HANDLERS: list[ResourceHandler] = [LogGroupHandler()]
