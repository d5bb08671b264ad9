"""Records → AWS output shapes (member names as in botocore's CloudFormation model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fogbank.services.cloudformation.engine.model import ResourceState, StackEvent, StackRecord


def timestamp(epoch_s: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch_s, tz=UTC) if epoch_s is not None else None


def _drop_none(shape: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in shape.items() if value is not None}


def stack_parameters(stack: StackRecord) -> list[dict[str, Any]]:
    declared = stack.template.get("Parameters") or {}
    shaped = []
    for name, value in stack.parameter_values.items():
        spec = declared.get(name) or {}
        no_echo = str(spec.get("NoEcho", "false")).lower() == "true"
        text = ",".join(value) if isinstance(value, list) else str(value)
        shaped.append({"ParameterKey": name, "ParameterValue": "****" if no_echo else text})
    return shaped


def stack_shape(stack: StackRecord) -> dict[str, Any]:
    return _drop_none({
        "StackId": stack.stack_id,
        "StackName": stack.stack_name,
        "ChangeSetId": stack.change_set_id,
        "Description": stack.description,
        "Parameters": stack_parameters(stack),
        "CreationTime": timestamp(stack.creation_time),
        "LastUpdatedTime": timestamp(stack.last_updated_time),
        "DeletionTime": timestamp(stack.deletion_time),
        "StackStatus": stack.status,
        "StackStatusReason": stack.status_reason,
        "DisableRollback": stack.disable_rollback,
        "NotificationARNs": list(stack.notification_arns),
        "Capabilities": list(stack.capabilities),
        "Outputs": list(stack.outputs) or None,
        "Tags": list(stack.tags),
        "EnableTerminationProtection": False,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    })


def stack_summary(stack: StackRecord) -> dict[str, Any]:
    return _drop_none({
        "StackId": stack.stack_id,
        "StackName": stack.stack_name,
        "TemplateDescription": stack.description,
        "CreationTime": timestamp(stack.creation_time),
        "LastUpdatedTime": timestamp(stack.last_updated_time),
        "DeletionTime": timestamp(stack.deletion_time),
        "StackStatus": stack.status,
        "StackStatusReason": stack.status_reason,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    })


def resource_shape(stack: StackRecord, state: ResourceState, *, detail: bool = False,
                   summary: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "LogicalResourceId": state.logical_id,
        "PhysicalResourceId": state.physical_id,
        "ResourceType": state.resource_type,
        "ResourceStatus": state.status,
        "ResourceStatusReason": state.status_reason,
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }
    if not summary:
        shape["StackName"] = stack.stack_name
        shape["StackId"] = stack.stack_id
    if detail or summary:
        shape["LastUpdatedTimestamp"] = timestamp(state.timestamp)
    else:
        shape["Timestamp"] = timestamp(state.timestamp)
    if detail and "Metadata" in state.definition:
        shape["Metadata"] = json.dumps(state.definition["Metadata"])
    return _drop_none(shape)


def event_shape(event: StackEvent) -> dict[str, Any]:
    return _drop_none({
        "StackId": event.stack_id,
        "EventId": event.event_id,
        "StackName": event.stack_name,
        "LogicalResourceId": event.logical_id,
        "PhysicalResourceId": event.physical_id,
        "ResourceType": event.resource_type,
        "Timestamp": timestamp(event.timestamp),
        "ResourceStatus": event.status,
        "ResourceStatusReason": event.status_reason,
        "ResourceProperties": event.properties,
    })
