"""AWS::Scheduler::Schedule and AWS::Scheduler::ScheduleGroup → scheduler operations.

``Ref`` of both is the name; ``Fn::GetAtt Arn`` the ARN. A schedule without ``Name`` gets a
generated one; changing ``Name`` or ``GroupName`` replaces it, anything else is an
``UpdateSchedule`` (which, as in AWS, restates the whole schedule). SAM's ``ScheduleV2``
function event arrives here as an ``AWS::Scheduler::Schedule``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    is_not_found,
    physical_name,
)
from fogbank.services.cloudformation.resources.events import _typed, call

SCHEDULE_MEMBERS = ("ScheduleExpression", "ScheduleExpressionTimezone", "Description",
                    "State", "FlexibleTimeWindow", "Target", "KmsKeyArn", "GroupName")


def _date(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _schedule_params(name: str, props: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"Name": name}
    for member in SCHEDULE_MEMBERS:
        if props.get(member) is not None:
            params[member] = _typed(props[member])
    window = dict(params.get("FlexibleTimeWindow") or {"Mode": "OFF"})
    if isinstance(window.get("MaximumWindowInMinutes"), str):
        window["MaximumWindowInMinutes"] = int(window["MaximumWindowInMinutes"])
    params["FlexibleTimeWindow"] = window
    for member in ("StartDate", "EndDate"):
        if props.get(member) is not None:
            params[member] = _date(props[member])
    return params


class ScheduleHandler(ResourceHandler):
    resource_type = "AWS::Scheduler::Schedule"
    replace_on = frozenset({"Name", "GroupName"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.properties.get("Name") or physical_name(request, services, 64))
        result = await call(request, services, "scheduler", "CreateSchedule",
                                            _schedule_params(name, request.properties))
        return ResourceResult(name, {"Arn": result["ScheduleArn"]})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.physical_id)
        result = await call(request, services, "scheduler", "UpdateSchedule",
                                            _schedule_params(name, request.properties))
        return ResourceResult(name, {"Arn": result["ScheduleArn"]})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        params = {"Name": request.physical_id}
        if (request.properties or {}).get("GroupName"):
            params["GroupName"] = request.properties["GroupName"]
        try:
            await call(request, services, "scheduler", "DeleteSchedule", params)
        except ServiceError as error:
            if not is_not_found(error):
                raise


class ScheduleGroupHandler(ResourceHandler):
    resource_type = "AWS::Scheduler::ScheduleGroup"
    replace_on = frozenset({"Name"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = str(request.properties.get("Name") or physical_name(request, services, 64))
        params: dict[str, Any] = {"Name": name}
        if request.properties.get("Tags"):
            params["Tags"] = request.properties["Tags"]
        result = await call(request, services, "scheduler", "CreateScheduleGroup", params)
        group = await call(request, services, "scheduler", "GetScheduleGroup", {"Name": name})
        return ResourceResult(name, {
            "Arn": result["ScheduleGroupArn"], "State": group.get("State", "ACTIVE"),
            "CreationDate": str(group.get("CreationDate", "")),
            "LastModificationDate": str(group.get("LastModificationDate", ""))})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return ResourceResult(str(request.physical_id), dict(request.old_attributes))

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await call(request, services, "scheduler", "DeleteScheduleGroup",
                                       {"Name": request.physical_id})
        except ServiceError as error:
            if not is_not_found(error):
                raise


SCHEDULER_HANDLERS: list[ResourceHandler] = [ScheduleHandler(), ScheduleGroupHandler()]
