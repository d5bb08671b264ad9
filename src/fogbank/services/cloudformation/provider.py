"""CloudFormation: stacks deployed by the local engine, with events, outputs and exports.

Stack operations run asynchronously as in AWS: ``CreateStack`` returns the ``StackId`` at
once and the engine runs as an asyncio task; poll ``DescribeStacks`` or await
``wait_for_stack(name_or_stack_id)`` (after a delete completes only the StackId finds the
stack, as in AWS). ``TemplateBody`` may be plain CloudFormation (the fogbank CLI sends
the template already processed by ``fogbank.templates``) or SAM, transformed here with local
code paths resolved against the current directory.

Deviations from AWS:
- ``TemplateURL`` is read through the local S3 service (``s3`` GetObject) only.
- Capabilities are enforced for wire requests; internal callers (the CLI) are trusted.
- Change sets are computed synchronously (``CREATE_COMPLETE`` at once) by comparing template
  entries; ``Replacement`` is judged from each handler's immutable properties.
- Resource types without a handler are not emulated: ``Ref``/``GetAtt`` give stable
  placeholders, each such type is listed once in ``unsupported_types(stack)`` and in the
  resource's ``CREATE_COMPLETE`` event reason.
- Custom resources wait at most ``custom_resource_timeout_s`` (60 s) for the ResponseURL PUT
  (AWS waits an hour).
- ``AWS::SSM::Parameter::Value<...>`` parameters are read from the local SSM service.
- Stack policies, rollback triggers, termination protection, drift, nested stacks, stack sets
  and macros other than the SAM transform are not supported.
- A stack interrupted by a stop of fogbank is marked failed (e.g. ``CREATE_FAILED``) on start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

from fogbank.services.base import HttpRoute, Provider, RequestContext, ServiceContext, operation
from fogbank.services.cloudformation.change_sets import ChangeSetOperations
from fogbank.services.cloudformation.custom_responses import ROUTE_PREFIX, CustomResponses
from fogbank.services.cloudformation.engine import (
    EngineEnv,
    StackRecord,
    UpdateInput,
    create_stack,
    delete_stack,
    update_stack,
)
from fogbank.services.cloudformation.engine.updater import continue_update_rollback
from fogbank.services.cloudformation.errors import AlreadyExistsException, ValidationError
from fogbank.services.cloudformation.resources import HANDLERS, HandlerMap, HandlerServices
from fogbank.services.cloudformation.shapes import (
    event_shape,
    resource_shape,
    stack_shape,
    stack_summary,
)
from fogbank.services.cloudformation.stack_inputs import StackInputs
from fogbank.services.cloudformation.store import CloudFormationStore
from fogbank.services.cloudformation.templates import (
    declared_transforms,
    parse_body,
    required_capabilities,
    summary_parameters,
)

log = logging.getLogger("fogbank.cloudformation")

STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
UPDATABLE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
                       "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"})
PAGE_SIZE = 100


class CloudFormationProvider(ChangeSetOperations, StackInputs, Provider):
    service = "cloudformation"

    def __init__(self, ctx: ServiceContext, *, custom_resource_timeout_s: float = 60.0,
                 template_base_dir: Path | None = None) -> None:
        self.ctx = ctx
        self.store = CloudFormationStore(Path(ctx.state_dir))
        self.custom_responses = CustomResponses(lambda: str(self.ctx.config.edge_url))
        self.template_base_dir = template_base_dir
        self.env = EngineEnv(
            handlers=HandlerMap(list(HANDLERS.values())), sink=self.store, clock=ctx.clock,
            ids=ctx.ids, region=ctx.region, account_id=ctx.account_id,
            services=HandlerServices(client=ctx.client, ids=ctx.ids,
                                     custom_responses=self.custom_responses,
                                     custom_resource_timeout_s=custom_resource_timeout_s),
        )
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.store.recover_interrupted("fogbank stopped while this operation was in progress")

    def http_routes(self) -> list[HttpRoute]:
        return [HttpRoute(ROUTE_PREFIX, self.custom_responses.handle)]

    async def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for task in list(self._tasks.values()):
            try:
                await task
            except (asyncio.CancelledError, Exception):
                log.debug("stack task ended while stopping", exc_info=True)

    # -- public helpers (CLI) ----------------------------------------------------------------
    async def wait_for_stack(self, stack_name: str) -> dict[str, Any]:
        """Wait until the stack's current operation ends; its DescribeStacks ``Stack`` shape."""
        stack = self._stack(stack_name)
        task = self._tasks.get(stack.stack_id)
        if task is not None:
            await asyncio.shield(task)
        return stack_shape(self._stack(stack.stack_id))

    def unsupported_types(self, stack_name: str) -> list[str]:
        """Resource types of the stack fogbank does not emulate (placeholders were used)."""
        return list(self._stack(stack_name).unsupported_types)

    def _launch(self, stack_id: str, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, name=f"stack {stack_id}")
        self._tasks[stack_id] = task
        task.add_done_callback(lambda done: self._forget(stack_id, done))

    def _forget(self, stack_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(stack_id) is task:  # not a newer run of the same stack
            del self._tasks[stack_id]

    def _stack(self, name: str) -> StackRecord:
        stack = self.store.live_by_name(name)
        if stack is None:
            raise ValidationError(f"Stack with id {name} does not exist")
        return stack

    # -- stacks ------------------------------------------------------------------------------
    @operation("CreateStack")
    async def create_stack(self, ctx: RequestContext, *, stack_name: str,
                           template_body: str | None = None, template_url: str | None = None,
                           parameters: list[dict[str, Any]] | None = None,
                           disable_rollback: bool | None = None, on_failure: str | None = None,
                           capabilities: list[str] | None = None,
                           tags: list[dict[str, str]] | None = None,
                           notification_arns: list[str] | None = None,
                           **_: Any) -> dict[str, Any]:
        if not STACK_NAME.fullmatch(stack_name or ""):
            raise ValidationError(
                f"1 validation error detected: Value '{stack_name}' at 'stackName' failed to"
                " satisfy constraint: Member must satisfy regular expression pattern:"
                " [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*")
        if self.store.live_by_name(stack_name) is not None:
            raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
        body = await self._template_body(template_body, template_url)
        inputs = await self.prepare(ctx, body, parameters or [], capabilities, previous=None)
        stack_id = self._new_stack_id(stack_name)
        stack = self._new_record(stack_id, stack_name, inputs, capabilities, tags,
                                 notification_arns)
        stack.disable_rollback = bool(disable_rollback) or on_failure == "DO_NOTHING"
        self.store.save(stack)
        self._launch(stack_id, self._run_create(stack, delete_on_failure=on_failure == "DELETE"))
        # Let the run begin (status → *_IN_PROGRESS) before answering, as AWS does.
        await asyncio.sleep(0)
        return {"StackId": stack_id}

    def _new_stack_id(self, stack_name: str) -> str:
        return (f"arn:aws:cloudformation:{self.ctx.region}:{self.ctx.account_id}:stack/"
                f"{stack_name}/{self.ctx.ids.uuid()}")

    def _new_record(self, stack_id: str, stack_name: str, inputs: UpdateInput,
                    capabilities: list[str] | None, tags: list[dict[str, str]] | None,
                    notification_arns: list[str] | None) -> StackRecord:
        return StackRecord(
            stack_id=stack_id, stack_name=stack_name, status="CREATE_IN_PROGRESS",
            creation_time=self.ctx.clock.now(), template=inputs.template,
            template_body=inputs.template_body, parameters=inputs.parameters,
            parameter_values=inputs.parameter_values,
            description=_description(inputs.template), capabilities=list(capabilities or []),
            tags=list(tags or []), notification_arns=list(notification_arns or []),
        )

    async def _run_create(self, stack: StackRecord, *, delete_on_failure: bool = False) -> None:
        await create_stack(self.env, stack)
        if delete_on_failure and stack.status == "ROLLBACK_COMPLETE":
            await delete_stack(self.env, stack)

    @operation("UpdateStack")
    async def update_stack(self, ctx: RequestContext, *, stack_name: str,
                           template_body: str | None = None, template_url: str | None = None,
                           use_previous_template: bool | None = None,
                           parameters: list[dict[str, Any]] | None = None,
                           capabilities: list[str] | None = None,
                           tags: list[dict[str, str]] | None = None,
                           **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        self._require_updatable(stack)
        body = stack.template_body if use_previous_template else await self._template_body(
            template_body, template_url)
        inputs = await self.prepare(ctx, body, parameters or [], capabilities, previous=stack)
        if inputs.template == stack.template and inputs.parameter_values == stack.parameter_values:
            raise ValidationError("No updates are to be performed.")
        if capabilities is not None:
            stack.capabilities = list(capabilities)
        if tags is not None:
            stack.tags = list(tags)
        stack.description = _description(inputs.template)
        self._launch(stack.stack_id, update_stack(self.env, stack, inputs))
        # Let the run begin (status → *_IN_PROGRESS) before answering, as AWS does.
        await asyncio.sleep(0)
        return {"StackId": stack.stack_id}

    def _busy(self, stack: StackRecord) -> bool:
        """A stack operation is still running. A run whose stack already reached a final
        status is only finishing its bookkeeping and does not block the next operation."""
        task = self._tasks.get(stack.stack_id)
        return task is not None and not task.done() and stack.status.endswith("_IN_PROGRESS")

    def _require_updatable(self, stack: StackRecord) -> None:
        if stack.status not in UPDATABLE or self._busy(stack):
            raise ValidationError(f"Stack:{stack.stack_id} is in {stack.status} state and can"
                                  " not be updated.")

    @operation("ContinueUpdateRollback")
    async def continue_update_rollback(self, ctx: RequestContext, *, stack_name: str,
                                       **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        if stack.status != "UPDATE_ROLLBACK_FAILED" or self._busy(stack):
            raise ValidationError(f"Stack {stack.stack_id} is in {stack.status} state and can"
                                  " not continue an update rollback.")
        self._launch(stack.stack_id, continue_update_rollback(self.env, stack))
        # Let the run begin (status → *_IN_PROGRESS) before answering, as AWS does.
        await asyncio.sleep(0)
        return {}

    @operation("DeleteStack")
    async def delete_stack(self, ctx: RequestContext, *, stack_name: str,
                           **_: Any) -> dict[str, Any]:
        stack = self.store.live_by_name(stack_name)
        if stack is None or stack.status == "DELETE_COMPLETE":
            return {}
        if self._busy(stack):
            if stack.status == "DELETE_IN_PROGRESS":
                return {}
            raise ValidationError(f"Stack [{stack.stack_name}] cannot be deleted while in status"
                                  f" {stack.status}")
        for output in stack.outputs:
            importers = self.store.importers(output.get("ExportName", "")) if (
                "ExportName" in output) else []
            importers = [name for name in importers if name != stack.stack_name]
            if importers:
                raise ValidationError(f"Export {output['ExportName']} cannot be deleted as it is"
                                      f" in use by {', '.join(importers)}")
        self._launch(stack.stack_id, delete_stack(self.env, stack))
        # Let the run begin (status → *_IN_PROGRESS) before answering, as AWS does.
        await asyncio.sleep(0)
        return {}

    @operation("DescribeStacks")
    def describe_stacks(self, ctx: RequestContext, *, stack_name: str | None = None,
                        **_: Any) -> dict[str, Any]:
        if stack_name:
            return {"Stacks": [stack_shape(self._stack(stack_name))]}
        stacks = [stack for stack in self.store.stacks() if stack.status != "DELETE_COMPLETE"]
        return {"Stacks": [stack_shape(stack) for stack in reversed(stacks)]}

    @operation("ListStacks")
    def list_stacks(self, ctx: RequestContext, *, stack_status_filter: list[str] | None = None,
                    **_: Any) -> dict[str, Any]:
        stacks = [stack for stack in reversed(self.store.stacks())
                  if not stack_status_filter or stack.status in stack_status_filter]
        return {"StackSummaries": [stack_summary(stack) for stack in stacks]}

    @operation("DescribeStackResources")
    def describe_stack_resources(self, ctx: RequestContext, *, stack_name: str | None = None,
                                 logical_resource_id: str | None = None,
                                 physical_resource_id: str | None = None,
                                 **_: Any) -> dict[str, Any]:
        if stack_name:
            stack = self._stack(stack_name)
        elif physical_resource_id:
            found = next((s for s in self.store.stacks() if s.status != "DELETE_COMPLETE" and any(
                r.physical_id == physical_resource_id for r in s.resources.values())), None)
            if found is None:
                raise ValidationError(f"Stack for {physical_resource_id} does not exist")
            stack = found
        else:
            raise ValidationError("Either StackName or PhysicalResourceId must be specified.")
        states = [state for state in stack.resources.values()
                  if logical_resource_id in (None, state.logical_id)]
        return {"StackResources": [resource_shape(stack, state) for state in states]}

    @operation("DescribeStackResource")
    def describe_stack_resource(self, ctx: RequestContext, *, stack_name: str,
                                logical_resource_id: str, **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        state = stack.resources.get(logical_resource_id)
        if state is None:
            raise ValidationError(f"Resource {logical_resource_id} does not exist for stack"
                                  f" {stack_name}")
        return {"StackResourceDetail": resource_shape(stack, state, detail=True)}

    @operation("ListStackResources")
    def list_stack_resources(self, ctx: RequestContext, *, stack_name: str,
                             **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        return {"StackResourceSummaries": [resource_shape(stack, state, summary=True)
                                           for state in stack.resources.values()]}

    @operation("DescribeStackEvents")
    def describe_stack_events(self, ctx: RequestContext, *, stack_name: str,
                              next_token: str | None = None, **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        events = self.store.events(stack.stack_id)
        start = int(next_token) if next_token and next_token.isdigit() else 0
        page = events[start:start + PAGE_SIZE]
        result: dict[str, Any] = {"StackEvents": [event_shape(event) for event in page]}
        if start + PAGE_SIZE < len(events):
            result["NextToken"] = str(start + PAGE_SIZE)
        return result

    @operation("GetTemplate")
    def get_template(self, ctx: RequestContext, *, stack_name: str | None = None,
                     change_set_name: str | None = None, template_stage: str | None = None,
                     **_: Any) -> dict[str, Any]:
        if change_set_name:
            change_set = self._change_set(change_set_name, stack_name)
            original, processed = change_set["TemplateBodyOriginal"], change_set["Template"]
        else:
            stack = self._stack(stack_name or "")
            original, processed = stack.template_body, stack.template
        body = json.dumps(processed, indent=2) if template_stage == "Processed" else original
        return {"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}

    @operation("GetTemplateSummary")
    async def get_template_summary(self, ctx: RequestContext, *, template_body: str | None = None,
                                   template_url: str | None = None,
                                   stack_name: str | None = None, **_: Any) -> dict[str, Any]:
        if stack_name:
            template = parse_body(self._stack(stack_name).template_body)
        else:
            template = parse_body(await self._template_body(template_body, template_url))
        resource_types = sorted({str(res.get("Type")) for res in (
            template.get("Resources") or {}).values() if isinstance(res, dict)})
        return _template_summary(
            template, with_types=True, ResourceTypes=resource_types,
            Version=str(template.get("AWSTemplateFormatVersion", "2010-09-09")))

    @operation("ValidateTemplate")
    async def validate_template(self, ctx: RequestContext, *, template_body: str | None = None,
                                template_url: str | None = None, **_: Any) -> dict[str, Any]:
        template = parse_body(await self._template_body(template_body, template_url))
        if not isinstance(template.get("Resources"), dict) or not template["Resources"]:
            raise ValidationError("Template format error: At least one Resources member must be"
                                  " defined.")
        return _template_summary(template, with_types=False)

    @operation("ListExports")
    def list_exports(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"Exports": [{"ExportingStackId": stack_id, "Name": name, "Value": value}
                            for name, value, stack_id in self.store.exports()]}


def _template_summary(template: dict[str, Any], *, with_types: bool,
                      **extra: Any) -> dict[str, Any]:
    """What GetTemplateSummary and ValidateTemplate both say of a template: its parameters,
    the capabilities it needs (and why), its transforms and description; ``extra`` members
    go after ``Capabilities``."""
    capabilities, reason = required_capabilities(template)
    result: dict[str, Any] = {
        "Parameters": summary_parameters(template, with_types=with_types),
        "Capabilities": capabilities, **extra,
        "DeclaredTransforms": declared_transforms(template),
    }
    if reason:
        result["CapabilitiesReason"] = reason
    if "Description" in template:
        result["Description"] = str(template["Description"])
    return result


def _description(template: dict[str, Any]) -> str | None:
    description = template.get("Description")
    return str(description) if description is not None else None
