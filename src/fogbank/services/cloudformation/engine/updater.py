"""Update a stack: add new resources, update changed ones (in place or by replacement),
delete removed ones, and roll back to the previous state if anything fails.

Each resource is resolved in the new dependency order, so a replaced resource's new
``Ref``/``GetAtt`` values flow into its dependents, which then update too. Resources whose
resolved properties did not change are left alone (no events), as in AWS.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.cloudformation.engine.errors import (
    IntrinsicError,
    NeedsReplacement,
    ResourceFailure,
)
from fogbank.services.cloudformation.engine.executor import create_resource, delete_states
from fogbank.services.cloudformation.engine.graph import creation_order
from fogbank.services.cloudformation.engine.intrinsics import Intrinsics
from fogbank.services.cloudformation.engine.model import ResourceState, StackRecord
from fogbank.services.cloudformation.engine.runtime import EngineEnv, StackRun


@dataclass
class UpdateJournal:
    """What an update did, so a rollback can undo it."""

    previous: dict[str, ResourceState]
    touched: list[str] = field(default_factory=list)  # logical ids, in the order touched
    replaced: dict[str, ResourceState] = field(default_factory=dict)  # old states to clean up


@dataclass
class UpdateInput:
    template: dict[str, Any]
    template_body: str
    parameters: dict[str, str]
    parameter_values: dict[str, Any]


async def _update_resource(run: StackRun, logical_id: str, definition: dict[str, Any],
                           intrinsics: Intrinsics, journal: UpdateJournal) -> None:
    old = run.stack.resources[logical_id]
    resource_type = str(definition.get("Type"))
    try:
        properties = intrinsics.resolve(definition.get("Properties") or {})
    except IntrinsicError as error:
        run.resource_event(old, "UPDATE_FAILED", str(error))
        raise ResourceFailure(str(error)) from error
    if resource_type == old.resource_type and properties == old.properties and (
            old.physical_id is not None):
        old.definition = copy.deepcopy(definition)
        return
    journal.touched.append(logical_id)
    if resource_type == old.resource_type and old.physical_id is not None:
        request = run.request(logical_id, resource_type, properties, old)
        run.resource_event(old, "UPDATE_IN_PROGRESS", None, properties)
        try:
            result = await run.call_update(request)
        except ResourceFailure as error:
            run.resource_event(old, "UPDATE_FAILED", str(error), properties)
            raise
        except NeedsReplacement:
            pass
        else:
            updated = copy.deepcopy(old)
            updated.properties = properties
            updated.definition = copy.deepcopy(definition)
            updated.physical_id = result.physical_id
            updated.attributes = dict(result.attributes)
            run.stack.resources[logical_id] = updated
            if result.replaced:
                # Replaced by the update itself: clean up (or, on rollback, restore) the old.
                journal.replaced[logical_id] = old
            run.resource_event(updated, "UPDATE_COMPLETE", None, properties)
            return
    journal.replaced[logical_id] = old
    try:
        await create_resource(run, logical_id, definition, intrinsics, action="UPDATE")
    except ResourceFailure:
        if run.stack.resources.get(logical_id) is old:
            run.resource_event(old, "UPDATE_FAILED")
        raise


async def _apply(run: StackRun, new: UpdateInput, journal: UpdateJournal) -> str | None:
    """Create/update every active resource of the new template; the failure reason or None."""
    try:
        intrinsics = run.intrinsics(new.template, new.parameter_values)
        active = run.active_resources(new.template, intrinsics)
        for logical_id in creation_order(active):
            state = run.stack.resources.get(logical_id)
            try:
                if state is None or state.physical_id is None:
                    journal.touched.append(logical_id)
                    await create_resource(run, logical_id, active[logical_id], intrinsics)
                else:
                    await _update_resource(run, logical_id, active[logical_id], intrinsics,
                                           journal)
            except ResourceFailure:
                return f"The following resource(s) failed to update: [{logical_id}]. "
        run.stack.outputs = run.outputs(new.template, intrinsics)
    except IntrinsicError as error:
        return str(error)
    return None


async def update_stack(env: EngineEnv, stack: StackRecord, new: UpdateInput) -> None:
    """Run UpdateStack to UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE."""
    run = StackRun(env, stack)
    journal = UpdateJournal(previous=copy.deepcopy(stack.resources))
    old_input = UpdateInput(stack.template, stack.template_body, stack.parameters,
                            stack.parameter_values)
    old_outputs = list(stack.outputs)
    stack.last_updated_time = env.clock.now()
    run.stack_event("UPDATE_IN_PROGRESS", "User Initiated")
    failure = await _apply(run, new, journal)
    if failure is not None:
        await _rollback(run, journal, old_input, old_outputs, failure)
        return
    stack.template, stack.template_body = new.template, new.template_body
    stack.parameters, stack.parameter_values = new.parameters, new.parameter_values
    run.stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    await _cleanup(run, new, journal)
    run.stack_event("UPDATE_COMPLETE")


async def _cleanup(run: StackRun, target: UpdateInput, journal: UpdateJournal) -> None:
    """The cleanup phase after ``target`` is in place: delete what it replaced, then the
    resources it no longer has (as active under its conditions)."""
    stack = run.stack
    intrinsics = run.intrinsics(target.template, target.parameter_values)
    active = run.active_resources(target.template, intrinsics)
    removed = {logical_id: state for logical_id, state in stack.resources.items()
               if logical_id not in active}
    await delete_states(run, dict(journal.replaced), policy_key="UpdateReplacePolicy")
    await delete_states(run, removed)
    for logical_id in removed:
        stack.resources.pop(logical_id, None)


async def _rollback(run: StackRun, journal: UpdateJournal, old: UpdateInput,
                    old_outputs: list[dict[str, Any]], reason: str) -> None:
    stack = run.stack
    run.stack_event("UPDATE_ROLLBACK_IN_PROGRESS", reason)
    failed: list[str] = []
    # What the update created (new resources, replacements): deleted in the cleanup phase,
    # after everything points back at the previous resources, as in AWS.
    created: dict[str, ResourceState] = {}
    for logical_id in reversed(journal.touched):
        current = stack.resources.get(logical_id)
        previous = journal.previous.get(logical_id)
        try:
            if previous is None or logical_id in journal.replaced:
                if current is not None and current is not previous:
                    created[logical_id] = current
                if previous is None:
                    stack.resources.pop(logical_id, None)
                else:
                    stack.resources[logical_id] = previous
                    run.resource_event(previous, "UPDATE_COMPLETE")
            elif current is not None and current.physical_id is not None:
                request = run.request(logical_id, previous.resource_type, previous.properties,
                                      current)
                run.resource_event(current, "UPDATE_IN_PROGRESS")
                result = await run.call_update(request)
                previous.attributes = dict(result.attributes)
                previous.physical_id = result.physical_id
                stack.resources[logical_id] = previous
                run.resource_event(previous, "UPDATE_COMPLETE")
        except (ResourceFailure, NeedsReplacement) as error:
            failed.append(logical_id)
            if current is not None:
                run.resource_event(current, "UPDATE_FAILED", str(error) or "Rollback failed")
    stack.template, stack.template_body = old.template, old.template_body
    stack.parameters, stack.parameter_values = old.parameters, old.parameter_values
    stack.outputs = old_outputs
    if failed:
        await delete_states(run, created)  # no cleanup phase will come for them
        run.stack_event("UPDATE_ROLLBACK_FAILED",
                        f"The following resource(s) failed to roll back: [{', '.join(failed)}]. ")
        return
    run.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    await delete_states(run, created)
    run.stack_event("UPDATE_ROLLBACK_COMPLETE")


async def continue_update_rollback(env: EngineEnv, stack: StackRecord) -> None:
    """ContinueUpdateRollback: bring an ``UPDATE_ROLLBACK_FAILED`` stack back to its last
    good template (still ``stack.template``: it changes only when an update succeeds)."""
    run = StackRun(env, stack)
    target = UpdateInput(stack.template, stack.template_body, stack.parameters,
                         stack.parameter_values)
    journal = UpdateJournal(previous=copy.deepcopy(stack.resources))
    run.stack_event("UPDATE_ROLLBACK_IN_PROGRESS", "User Initiated")
    failure = await _apply(run, target, journal)
    if failure is not None:
        run.stack_event("UPDATE_ROLLBACK_FAILED", failure)
        return
    run.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    await _cleanup(run, target, journal)
    run.stack_event("UPDATE_ROLLBACK_COMPLETE")
