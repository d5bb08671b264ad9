"""Change sets (what ``aws cloudformation deploy`` uses): create → describe → execute."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from fogbank.services.base import RequestContext, ServiceContext, operation
from fogbank.services.cloudformation.engine import (
    EngineEnv,
    StackRecord,
    UpdateInput,
    create_stack,
    update_stack,
)
from fogbank.services.cloudformation.engine.errors import IntrinsicError
from fogbank.services.cloudformation.engine.planner import plan_changes
from fogbank.services.cloudformation.engine.runtime import StackRun
from fogbank.services.cloudformation.errors import (
    ChangeSetNotFoundException,
    InvalidChangeSetStatusException,
    ValidationError,
)
from fogbank.services.cloudformation.shapes import timestamp
from fogbank.services.cloudformation.store import CloudFormationStore

NO_CHANGES = ("The submitted information didn't contain changes. Submit different information"
              " to create a change set.")


class ChangeSetOperations:
    """Mixin of the provider."""

    ctx: ServiceContext
    store: CloudFormationStore
    env: EngineEnv

    if TYPE_CHECKING:  # provided by the provider and StackInputs
        def _stack(self, name: str) -> StackRecord: ...
        def _launch(self, stack_id: str, coroutine: Any) -> None: ...
        def _require_updatable(self, stack: StackRecord) -> None: ...
        def _new_stack_id(self, stack_name: str) -> str: ...
        def _new_record(self, stack_id: str, stack_name: str, inputs: UpdateInput,
                        capabilities: list[str] | None, tags: list[dict[str, str]] | None,
                        notification_arns: list[str] | None) -> StackRecord: ...
        async def prepare(self, ctx: RequestContext, body: str, parameters: list[dict[str, Any]],
                          capabilities: list[str] | None,
                          previous: StackRecord | None) -> UpdateInput: ...
        async def _template_body(self, template_body: str | None,
                                 template_url: str | None) -> str: ...

    def _active_template(self, stack: StackRecord, inputs: UpdateInput) -> dict[str, Any]:
        """The new template with only the resources whose Condition holds."""
        run = StackRun(self.env, stack)
        try:
            intrinsics = run.intrinsics(inputs.template, inputs.parameter_values)
            active = run.active_resources(inputs.template, intrinsics)
        except IntrinsicError as exc:
            raise ValidationError(f"Template error: {exc}") from exc
        return {**inputs.template, "Resources": active}

    def _change_set(self, name: str, stack_name: str | None) -> dict[str, Any]:
        for change_set in self.store.change_sets():
            if name == change_set["ChangeSetId"] or (
                    name == change_set["ChangeSetName"]
                    and stack_name in (change_set["StackName"], change_set["StackId"])):
                return change_set
        raise ChangeSetNotFoundException(f"ChangeSet [{name}] does not exist")

    @operation("CreateChangeSet")
    async def create_change_set(self, ctx: RequestContext, *, stack_name: str,
                                change_set_name: str, template_body: str | None = None,
                                template_url: str | None = None,
                                use_previous_template: bool | None = None,
                                parameters: list[dict[str, Any]] | None = None,
                                capabilities: list[str] | None = None,
                                change_set_type: str | None = None,
                                description: str | None = None,
                                tags: list[dict[str, str]] | None = None,
                                notification_arns: list[str] | None = None,
                                **_: Any) -> dict[str, Any]:
        kind = change_set_type or "UPDATE"
        if kind not in ("CREATE", "UPDATE"):
            raise ValidationError(f"ChangeSetType {kind} is not supported by fogbank")
        existing = self.store.live_by_name(stack_name)
        if kind == "CREATE" and existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(f"Stack [{stack_name}] already exists and cannot be created"
                                  f" again with the changeSet [{change_set_name}].")
        if kind == "UPDATE" and existing is None:
            raise ValidationError(f"Stack [{stack_name}] does not exist")
        if kind == "UPDATE" and existing is not None and existing.status == "REVIEW_IN_PROGRESS":
            raise ValidationError(f"Stack [{stack_name}] does not exist")
        previous = existing if kind == "UPDATE" else None
        body = previous.template_body if (use_previous_template and previous) else (
            await self._template_body(template_body, template_url))
        inputs = await self.prepare(ctx, body, parameters or [], capabilities, previous=previous)
        if existing is None:
            stack = self._new_record(self._new_stack_id(stack_name), stack_name, inputs,
                                     capabilities, tags, notification_arns)
            stack.status = "REVIEW_IN_PROGRESS"
            self.store.save(stack)
        else:
            stack = existing
        change_set_id = (f"arn:aws:cloudformation:{self.ctx.region}:{self.ctx.account_id}:"
                         f"changeSet/{change_set_name}/{self.ctx.ids.uuid()}")
        replace_on = {rtype: handler.replace_on for rtype, handler in self.env.handlers.items()}
        current = {} if kind == "CREATE" else stack.resources
        changes = plan_changes(current, self._active_template(stack, inputs), replace_on)
        unchanged = kind == "UPDATE" and not changes and (
            inputs.parameter_values == stack.parameter_values)
        self.store.save_change_set({
            "ChangeSetId": change_set_id, "ChangeSetName": change_set_name,
            "StackId": stack.stack_id, "StackName": stack.stack_name,
            "Description": description, "ChangeSetType": kind,
            "CreationTime": self.ctx.clock.now(),
            "Status": "FAILED" if unchanged else "CREATE_COMPLETE",
            "StatusReason": NO_CHANGES if unchanged else None,
            "ExecutionStatus": "UNAVAILABLE" if unchanged else "AVAILABLE",
            "Changes": changes, "Capabilities": list(capabilities or []),
            "Tags": list(tags or []), "NotificationARNs": list(notification_arns or []),
            "Template": inputs.template, "TemplateBodyOriginal": inputs.template_body,
            "Parameters": inputs.parameters, "ParameterValues": inputs.parameter_values,
        })
        return {"Id": change_set_id, "StackId": stack.stack_id}

    @operation("DescribeChangeSet")
    def describe_change_set(self, ctx: RequestContext, *, change_set_name: str,
                            stack_name: str | None = None, **_: Any) -> dict[str, Any]:
        change_set = self._change_set(change_set_name, stack_name)
        shape = {key: change_set[key] for key in (
            "ChangeSetId", "ChangeSetName", "StackId", "StackName", "Status", "ExecutionStatus",
            "Changes", "Capabilities", "Tags", "NotificationARNs")}
        shape["CreationTime"] = timestamp(change_set["CreationTime"])
        shape["Parameters"] = [{"ParameterKey": key, "ParameterValue": value}
                               for key, value in change_set["Parameters"].items()]
        for key in ("Description", "StatusReason"):
            if change_set.get(key) is not None:
                shape[key] = change_set[key]
        shape["IncludeNestedStacks"] = False
        return shape

    @operation("ListChangeSets")
    def list_change_sets(self, ctx: RequestContext, *, stack_name: str,
                         **_: Any) -> dict[str, Any]:
        stack = self._stack(stack_name)
        return {"Summaries": [
            {key: change_set.get(key) for key in (
                "StackId", "StackName", "ChangeSetId", "ChangeSetName", "ExecutionStatus",
                "Status", "StatusReason", "Description") if change_set.get(key) is not None}
            | {"CreationTime": timestamp(change_set["CreationTime"])}
            for change_set in self.store.change_sets(stack.stack_id)
        ]}

    @operation("DeleteChangeSet")
    def delete_change_set(self, ctx: RequestContext, *, change_set_name: str,
                          stack_name: str | None = None, **_: Any) -> dict[str, Any]:
        change_set = self._change_set(change_set_name, stack_name)
        if change_set["ExecutionStatus"] == "EXECUTE_IN_PROGRESS":
            raise InvalidChangeSetStatusException(
                f"Cannot delete ChangeSet in status {change_set['ExecutionStatus']}")
        self.store.delete_change_set(change_set["ChangeSetId"])
        return {}

    @operation("ExecuteChangeSet")
    async def execute_change_set(self, ctx: RequestContext, *, change_set_name: str,
                                 stack_name: str | None = None,
                                 disable_rollback: bool | None = None,
                                 **_: Any) -> dict[str, Any]:
        change_set = self._change_set(change_set_name, stack_name)
        if change_set["ExecutionStatus"] != "AVAILABLE":
            raise InvalidChangeSetStatusException(
                f"ChangeSet [{change_set['ChangeSetId']}] cannot be executed in its current"
                f" execution status of [{change_set['ExecutionStatus']}]")
        stack = self._stack(change_set["StackId"])
        inputs = UpdateInput(change_set["Template"], change_set["TemplateBodyOriginal"],
                             change_set["Parameters"], change_set["ParameterValues"])
        if change_set["ChangeSetType"] == "CREATE":
            stack.template, stack.template_body = inputs.template, inputs.template_body
            stack.parameters, stack.parameter_values = inputs.parameters, inputs.parameter_values
            stack.disable_rollback = bool(disable_rollback)
            stack.creation_time = self.ctx.clock.now()
            coroutine = create_stack(self.env, stack)
        else:
            self._require_updatable(stack)
            coroutine = update_stack(self.env, stack, inputs)
        stack.change_set_id = change_set["ChangeSetId"]
        for other in self.store.change_sets(stack.stack_id):
            executing = other["ChangeSetId"] == change_set["ChangeSetId"]
            other["ExecutionStatus"] = "EXECUTE_IN_PROGRESS" if executing else "OBSOLETE"
            self.store.save_change_set(other)
        self._launch(stack.stack_id, self._run_change_set(change_set["ChangeSetId"], coroutine))
        # Let the run begin (status → *_IN_PROGRESS) before answering, as AWS does.
        await asyncio.sleep(0)
        return {}

    async def _run_change_set(self, change_set_id: str, coroutine: Any) -> None:
        try:
            await coroutine
        finally:
            for change_set in self.store.change_sets():
                if change_set["ChangeSetId"] == change_set_id:
                    change_set["ExecutionStatus"] = "EXECUTE_COMPLETE"
                    self.store.save_change_set(change_set)
