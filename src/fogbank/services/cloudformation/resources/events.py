"""AWS::Events::EventBus, AWS::Events::EventBusPolicy and AWS::Events::Rule → events
operations.

A rule's ``Ref`` is its name on the default bus and ``<bus name>|<rule name>`` on a custom
bus (CloudFormation's physical id); ``Fn::GetAtt Arn`` is the rule ARN. ``EventPattern``
may be an object or a JSON string. Updates re-put the rule and reconcile targets (removed
ids are removed, the rest put again); a new name or bus replaces the rule. SAM's
``Schedule``, ``EventBridgeRule`` and ``CloudWatchEvent`` function events arrive here as
rules plus an ``AWS::Lambda::Permission``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
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

INT_MEMBERS = frozenset({"MaximumRetryAttempts", "MaximumEventAgeInSeconds", "TaskCount"})


def call(request: ResourceRequest, services: HandlerServices, service: str, operation: str,
         params: dict[str, Any]) -> Awaitable[dict[str, Any]]:
    """The operation in the stack's region (a stack made in eu-central-1 makes its
    resources there)."""
    return services.client.call(service, operation, params, region=request.region)


def _typed(value: Any, name: str = "") -> Any:
    """CloudFormation passes numbers as strings; the API wants integers."""
    if isinstance(value, dict):
        return {key: _typed(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if name in INT_MEMBERS and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _bus_name(value: Any) -> str:
    text = str(value or "default")
    return text.split(":event-bus/", 1)[1] if ":event-bus/" in text else text


def _split_rule_id(physical_id: str) -> tuple[str, str]:
    bus, _, name = physical_id.rpartition("|")
    return bus or "default", name


class EventBusHandler(ResourceHandler):
    resource_type = "AWS::Events::EventBus"
    replace_on = frozenset({"Name", "EventSourceName"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        params: dict[str, Any] = {"Name": props["Name"]}
        for member in ("EventSourceName", "Description", "KmsKeyIdentifier", "DeadLetterConfig",
                       "Tags"):
            if props.get(member) is not None:
                params[member] = props[member]
        result = await call(request, services, "events", "CreateEventBus", params)
        return ResourceResult(props["Name"], {"Arn": result["EventBusArn"],
                                              "Name": props["Name"], "Policy": ""})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        params: dict[str, Any] = {"Name": request.physical_id}
        for member in ("Description", "KmsKeyIdentifier", "DeadLetterConfig"):
            if props.get(member) is not None:
                params[member] = props[member]
        result = await call(request, services, "events", "UpdateEventBus", params)
        return ResourceResult(str(request.physical_id), {
            "Arn": result["Arn"], "Name": request.physical_id, "Policy": ""})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await call(request, services, "events", "DeleteEventBus",
                                       {"Name": request.physical_id})
        except ServiceError as error:
            if not is_not_found(error):
                raise


class RuleHandler(ResourceHandler):
    resource_type = "AWS::Events::Rule"
    replace_on = frozenset({"Name", "EventBusName"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        name = request.properties.get("Name") or physical_name(request, services, 64)
        return await self._apply(request, services, str(name), old_targets=[])

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        _, name = _split_rule_id(str(request.physical_id))
        old = (request.old_properties or {}).get("Targets") or []
        return await self._apply(request, services, name, old_targets=old)

    async def _apply(self, request: ResourceRequest, services: HandlerServices, name: str,
                     old_targets: list[dict[str, Any]]) -> ResourceResult:
        props = request.properties
        bus = _bus_name(props.get("EventBusName"))
        params: dict[str, Any] = {"Name": name, "EventBusName": bus}
        pattern = props.get("EventPattern")
        if pattern is not None:
            params["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
        for member in ("ScheduleExpression", "State", "Description", "RoleArn"):
            if props.get(member) is not None:
                params[member] = props[member]
        result = await call(request, services, "events", "PutRule", params)
        targets = [_typed(target) for target in props.get("Targets") or []]
        wanted = {str(target["Id"]) for target in targets}
        stale = [str(t["Id"]) for t in old_targets if str(t.get("Id")) not in wanted]
        if stale:
            await call(request, services, "events", "RemoveTargets",
                                       {"Rule": name, "EventBusName": bus, "Ids": stale})
        for start in range(0, len(targets), 10):
            await call(request, services, "events", "PutTargets", {
                "Rule": name, "EventBusName": bus, "Targets": targets[start:start + 10]})
        physical_id = name if bus == "default" else f"{bus}|{name}"
        return ResourceResult(physical_id, {"Arn": result["RuleArn"]})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        bus, name = _split_rule_id(str(request.physical_id))
        try:
            listed = await call(request, services, "events", "ListTargetsByRule",
                                                {"Rule": name, "EventBusName": bus})
            ids = [target["Id"] for target in listed.get("Targets", [])]
            if ids:
                await call(request, services, "events", "RemoveTargets",
                                           {"Rule": name, "EventBusName": bus, "Ids": ids})
            await call(request, services, "events", "DeleteRule",
                                       {"Name": name, "EventBusName": bus})
        except ServiceError as error:
            if not is_not_found(error):
                raise


class EventBusPolicyHandler(ResourceHandler):
    """``Ref`` is the statement id; a full ``Statement`` object or Action/Principal/Condition
    becomes one statement of the bus policy."""

    resource_type = "AWS::Events::EventBusPolicy"
    replace_on = frozenset({"EventBusName", "StatementId"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        bus = _bus_name(props.get("EventBusName"))
        sid = str(props["StatementId"])
        params: dict[str, Any] = {"EventBusName": bus}
        statement = props.get("Statement")
        if isinstance(statement, dict):
            described = await call(request, services, "events", "DescribeEventBus", {"Name": bus})
            document = json.loads(described.get("Policy") or "{}") or {
                "Version": "2012-10-17", "Statement": []}
            document["Statement"] = [s for s in document.get("Statement", [])
                                     if s.get("Sid") != sid] + [dict(statement, Sid=sid)]
            params["Policy"] = json.dumps(document)
        else:
            params.update({"Action": props.get("Action"), "Principal": props.get("Principal"),
                           "StatementId": sid})
            if props.get("Condition"):
                params["Condition"] = props["Condition"]
        await call(request, services, "events", "PutPermission", params)
        return ResourceResult(sid)

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        return await self.create(request, services)

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await call(request, services, "events", "RemovePermission", {
                "EventBusName": _bus_name(request.properties.get("EventBusName")),
                "StatementId": request.physical_id})
        except ServiceError as error:
            if not is_not_found(error):
                raise


EVENTS_HANDLERS: list[ResourceHandler] = [EventBusHandler(), RuleHandler(),
                                          EventBusPolicyHandler()]
