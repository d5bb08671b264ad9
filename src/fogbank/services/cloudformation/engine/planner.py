"""A template change as plain data: the ``Changes`` of a change set.

Compares each resource's template entry (not resolved values, which need the resources
themselves) with the one currently deployed, as CloudFormation's change set preview does.
"""

from __future__ import annotations

from typing import Any

from fogbank.services.cloudformation.engine.model import ResourceState


def plan_changes(current: dict[str, ResourceState], template: dict[str, Any],
                 replace_on: dict[str, frozenset[str]]) -> list[dict[str, Any]]:
    """``Changes`` entries (``Type: Resource`` with ``ResourceChange``) in template order."""
    changes = []
    resources = template.get("Resources") or {}
    for logical_id, definition in resources.items():
        resource_type = str(definition.get("Type"))
        state = current.get(logical_id)
        if state is None or state.physical_id is None:
            changes.append(_change("Add", logical_id, resource_type))
            continue
        if state.definition == definition:
            continue
        old_props = state.definition.get("Properties") or {}
        new_props = definition.get("Properties") or {}
        changed = sorted(key for key in set(old_props) | set(new_props)
                         if old_props.get(key) != new_props.get(key))
        if resource_type != state.resource_type:
            replacement = "True"
        elif set(changed) & replace_on.get(resource_type, frozenset()):
            replacement = "True"
        else:
            replacement = "False" if changed else "Conditional"
        change = _change("Modify", logical_id, resource_type, state.physical_id)
        change["ResourceChange"]["Replacement"] = replacement
        change["ResourceChange"]["Scope"] = ["Properties"] if changed else []
        change["ResourceChange"]["Details"] = [
            {"Target": {"Attribute": "Properties", "Name": name,
                        "RequiresRecreation": "Always" if name in replace_on.get(
                            resource_type, frozenset()) else "Never"},
             "Evaluation": "Static", "ChangeSource": "DirectModification"}
            for name in changed
        ]
        changes.append(change)
    for logical_id, state in current.items():
        if logical_id not in resources and state.physical_id is not None:
            changes.append(_change("Remove", logical_id, state.resource_type, state.physical_id))
    return changes


def _change(action: str, logical_id: str, resource_type: str,
            physical_id: str | None = None) -> dict[str, Any]:
    resource_change: dict[str, Any] = {
        "Action": action, "LogicalResourceId": logical_id, "ResourceType": resource_type,
    }
    if physical_id is not None:
        resource_change["PhysicalResourceId"] = physical_id
    return {"Type": "Resource", "ResourceChange": resource_change}
