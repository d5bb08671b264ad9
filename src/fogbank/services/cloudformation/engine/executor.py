"""Create and delete stacks: resources in dependency order, events, rollback on failure.

Create: every active resource in ``creation_order``; the first failure stops the run and,
unless rollback is disabled, deletes what was created (``ROLLBACK_COMPLETE``).
Delete: reverse dependency order, honouring ``DeletionPolicy: Retain``.
Updates live in ``updater``.
"""

from __future__ import annotations

import copy
from typing import Any

from fogbank.services.cloudformation.engine.errors import IntrinsicError, ResourceFailure
from fogbank.services.cloudformation.engine.graph import creation_order, deletion_order
from fogbank.services.cloudformation.engine.intrinsics import Intrinsics
from fogbank.services.cloudformation.engine.model import ResourceState, StackRecord
from fogbank.services.cloudformation.engine.runtime import EngineEnv, StackRun

NOT_EMULATED = ("Resource type {} is not emulated by fogbank; Ref and Fn::GetAtt give"
                " placeholder values")


async def create_resource(run: StackRun, logical_id: str, definition: dict[str, Any],
                          intrinsics: Intrinsics, *, action: str = "CREATE") -> ResourceState:
    """Create one resource, recording events; raises ``ResourceFailure`` after CREATE_FAILED.

    ``action`` is ``UPDATE`` when a replacement is created during a stack update."""
    resource_type = str(definition.get("Type"))
    previous = run.stack.resources.get(logical_id)
    state = ResourceState(logical_id, resource_type, f"{action}_IN_PROGRESS",
                          definition=copy.deepcopy(definition))
    if action == "CREATE" or previous is None:
        run.stack.resources[logical_id] = state
    try:
        properties = intrinsics.resolve(definition.get("Properties") or {})
        if not isinstance(properties, dict):
            raise IntrinsicError("Properties must be a mapping")
    except IntrinsicError as error:
        run.stack.resources[logical_id] = state
        run.resource_event(state, f"{action}_FAILED", str(error))
        raise ResourceFailure(str(error)) from error
    state.properties = properties
    reason = ("Requested update requires the creation of a new physical resource; hence"
              " creating one." if action == "UPDATE" else None)
    run.resource_event(state, f"{action}_IN_PROGRESS", reason, properties)
    request = run.request(logical_id, resource_type, properties)
    try:
        result, is_placeholder = await run.call_create(request)
    except (ResourceFailure, IntrinsicError) as error:
        run.stack.resources[logical_id] = state
        run.resource_event(state, f"{action}_FAILED", str(error), properties)
        raise ResourceFailure(str(error)) from error
    state.physical_id = result.physical_id
    state.attributes = dict(result.attributes)
    state.placeholder = is_placeholder
    run.stack.resources[logical_id] = state
    note = NOT_EMULATED.format(resource_type) if is_placeholder else None
    run.resource_event(state, f"{action}_COMPLETE", note, properties)
    return state


async def delete_resource(run: StackRun, state: ResourceState, *, retain: bool = False) -> None:
    """Delete one resource with its events; raises ``ResourceFailure`` after DELETE_FAILED."""
    if retain:
        run.resource_event(state, "DELETE_SKIPPED")
        return
    run.resource_event(state, "DELETE_IN_PROGRESS")
    try:
        await run.call_delete(state)
    except ResourceFailure as error:
        run.resource_event(state, "DELETE_FAILED", str(error))
        raise
    run.resource_event(state, "DELETE_COMPLETE")


async def delete_states(run: StackRun, states: dict[str, ResourceState], *,
                        policy_key: str = "DeletionPolicy") -> list[str]:
    """Delete ``states`` dependents first; returns the logical ids that failed."""
    definitions = {logical_id: state.definition for logical_id, state in states.items()}
    failed = []
    for logical_id in deletion_order(definitions):
        state = states[logical_id]
        if state.status in ("DELETE_COMPLETE", "DELETE_SKIPPED"):
            continue
        if state.physical_id is None:
            continue
        policy = state.definition.get(policy_key)
        retain = policy == "Retain" or (
            policy == "RetainExceptOnCreate" and not run.stack.status.startswith("ROLLBACK"))
        try:
            await delete_resource(run, state, retain=retain)
        except ResourceFailure:
            failed.append(logical_id)
    return failed


async def create_stack(env: EngineEnv, stack: StackRecord) -> None:
    """Run CreateStack to CREATE_COMPLETE, ROLLBACK_COMPLETE or CREATE_FAILED."""
    run = StackRun(env, stack)
    run.stack_event("CREATE_IN_PROGRESS", "User Initiated")
    failure: str | None = None
    try:
        intrinsics = run.intrinsics(stack.template, stack.parameter_values)
        active = run.active_resources(stack.template, intrinsics)
        for logical_id in creation_order(active):
            try:
                await create_resource(run, logical_id, active[logical_id], intrinsics)
            except ResourceFailure:
                failure = f"The following resource(s) failed to create: [{logical_id}]. "
                break
        if failure is None:
            stack.outputs = run.outputs(stack.template, intrinsics)
    except IntrinsicError as error:
        failure = str(error)
    if failure is None:
        run.stack_event("CREATE_COMPLETE")
        return
    if stack.disable_rollback:
        run.stack_event("CREATE_FAILED", failure)
        return
    run.stack_event("ROLLBACK_IN_PROGRESS", failure + "Rollback requested by user.")
    stack.outputs = []
    failed = await delete_states(run, dict(stack.resources))
    if failed:
        run.stack_event("ROLLBACK_FAILED",
                        f"The following resource(s) failed to delete: [{', '.join(failed)}]. ")
    else:
        run.stack_event("ROLLBACK_COMPLETE")


async def delete_stack(env: EngineEnv, stack: StackRecord) -> None:
    """Run DeleteStack to DELETE_COMPLETE or DELETE_FAILED."""
    run = StackRun(env, stack)
    run.stack_event("DELETE_IN_PROGRESS", "User Initiated")
    failed = await delete_states(run, dict(stack.resources))
    if failed:
        run.stack_event("DELETE_FAILED",
                        f"The following resource(s) failed to delete: [{', '.join(failed)}]. ")
        return
    stack.outputs = []
    stack.deletion_time = env.clock.now()
    run.stack_event("DELETE_COMPLETE")
