"""What the engine needs while working on one stack: the scope intrinsics resolve in,
the resource handler calls with their events, and the stack's outputs."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Protocol

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.engine.dynamic_refs import resolve_dynamic_references
from fogbank.services.cloudformation.engine.errors import (
    IntrinsicError,
    NeedsReplacement,
    ResourceFailure,
)
from fogbank.services.cloudformation.engine.intrinsics import Intrinsics, Scope
from fogbank.services.cloudformation.engine.model import ResourceState, StackEvent, StackRecord
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    is_not_found,
)
from fogbank.services.cloudformation.resources.placeholder import (
    PlaceholderHandler,
    placeholder_attribute,
)

if TYPE_CHECKING:
    from fogbank.services.cloudformation.resources.registry import HandlerMap

log = logging.getLogger("fogbank.cloudformation")

STACK_TYPE = "AWS::CloudFormation::Stack"


class StackSink(Protocol):
    """Where the engine records progress (the provider's store)."""

    def save(self, stack: StackRecord) -> None: ...

    def event(self, event: StackEvent) -> None: ...

    def export_value(self, name: str) -> tuple[str, str] | None:
        """``(value, exporting stack id)`` of an export of a live stack, or ``None``."""
        ...


class EngineEnv:
    """Shared by every stack operation: handlers, services, clock, ids, where we are."""

    def __init__(self, *, handlers: HandlerMap, services: HandlerServices,
                 sink: StackSink, clock: Any, ids: Any, region: str, account_id: str) -> None:
        self.handlers = handlers
        self.services = services
        self.sink = sink
        self.clock = clock
        self.ids = ids
        self.region = region
        self.account_id = account_id
        self.placeholder = PlaceholderHandler()


def pseudo_parameters(stack: StackRecord, region: str, account_id: str) -> dict[str, Any]:
    partition = "aws-cn" if region.startswith("cn-") else (
        "aws-us-gov" if region.startswith("us-gov") else "aws")
    return {
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        "AWS::StackName": stack.stack_name,
        "AWS::StackId": stack.stack_id,
        "AWS::Partition": partition,
        "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
        "AWS::NotificationARNs": list(stack.notification_arns),
    }


def failure_reason(error: BaseException) -> str:
    if isinstance(error, ServiceError):
        return (f"Resource handler returned message: \"{error.message}\""
                f" (HandlerErrorCode: {error.error_code})")
    return str(error) or type(error).__name__


class StackRun:
    """One operation (create, update, delete, rollback) on one stack."""

    def __init__(self, env: EngineEnv, stack: StackRecord) -> None:
        self.env = env
        self.stack = stack

    # -- scope -----------------------------------------------------------------------------
    def intrinsics(self, template: dict[str, Any], parameter_values: dict[str, Any]) -> Intrinsics:
        resources = template.get("Resources") or {}
        return Intrinsics(Scope(
            parameters=parameter_values,
            pseudo=pseudo_parameters(self.stack, self.env.region, self.env.account_id),
            mappings=template.get("Mappings") or {},
            conditions=template.get("Conditions") or {},
            ref_resource=self._ref,
            get_att=self._get_att,
            import_value=self._import_value,
            resource_ids=frozenset(resources),
        ))

    def _live(self, logical_id: str) -> ResourceState:
        state = self.stack.resources.get(logical_id)
        if state is None or state.physical_id is None:
            raise IntrinsicError(f"Resource {logical_id} is not available (its Condition is"
                                 " false or it was not created)")
        return state

    def _ref(self, logical_id: str) -> Any:
        return self._live(logical_id).physical_id

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        state = self._live(logical_id)
        if state.placeholder:
            request = self.request(logical_id, state.resource_type, {})
            return placeholder_attribute(request, state.physical_id or "", attribute)
        if attribute in state.attributes:
            return state.attributes[attribute]
        raise IntrinsicError(f"Template error: resource {logical_id} does not support attribute"
                             f" type {attribute} in Fn::GetAtt")

    def _import_value(self, name: str) -> Any:
        found = self.env.sink.export_value(name)
        if found is None or found[1] == self.stack.stack_id:
            raise IntrinsicError(f"No export named {name} found.")
        if name not in self.stack.imports:
            self.stack.imports.append(name)
        return found[0]

    @staticmethod
    def active_resources(template: dict[str, Any], intrinsics: Intrinsics) -> dict[str, Any]:
        """Resources whose ``Condition`` (if any) is true."""
        active = {}
        for logical_id, definition in (template.get("Resources") or {}).items():
            condition = definition.get("Condition")
            if condition is None or intrinsics.condition(str(condition)):
                active[logical_id] = definition
        return active

    # -- events ----------------------------------------------------------------------------
    def stack_event(self, status: str, reason: str | None = None) -> None:
        self.stack.status = status
        self.stack.status_reason = reason
        self.env.sink.save(self.stack)
        self._event(self.stack.stack_name, STACK_TYPE, status, self.stack.stack_id, reason)

    def resource_event(self, state: ResourceState, status: str, reason: str | None = None,
                       properties: dict[str, Any] | None = None) -> None:
        state.status = status
        state.status_reason = reason
        state.timestamp = self.env.clock.now()
        self.env.sink.save(self.stack)
        self._event(state.logical_id, state.resource_type, status, state.physical_id, reason,
                    properties)

    def _event(self, logical_id: str, resource_type: str, status: str, physical_id: str | None,
               reason: str | None, properties: dict[str, Any] | None = None) -> None:
        self.env.sink.event(StackEvent(
            stack_id=self.stack.stack_id, stack_name=self.stack.stack_name,
            event_id=self.env.ids.uuid(), logical_id=logical_id, resource_type=resource_type,
            status=status, timestamp=self.env.clock.now(), physical_id=physical_id,
            status_reason=reason,
            properties=json.dumps(properties, default=str) if properties is not None else None,
        ))

    # -- handler calls ---------------------------------------------------------------------
    def request(self, logical_id: str, resource_type: str, properties: dict[str, Any],
                state: ResourceState | None = None) -> ResourceRequest:
        return ResourceRequest(
            logical_id=logical_id, resource_type=resource_type, properties=properties,
            stack_name=self.stack.stack_name, stack_id=self.stack.stack_id,
            region=self.env.region, account_id=self.env.account_id,
            physical_id=state.physical_id if state else None,
            old_properties=state.properties if state else None,
            old_attributes=dict(state.attributes) if state else {},
        )

    def handler_for(self, resource_type: str) -> ResourceHandler | None:
        return self.env.handlers.handler_for(resource_type)

    def note_unsupported(self, resource_type: str) -> None:
        if resource_type not in self.stack.unsupported_types:
            self.stack.unsupported_types.append(resource_type)

    async def call_create(self, request: ResourceRequest) -> tuple[ResourceResult, bool]:
        """Create through the handler; ``(result, is_placeholder)``. Raises ResourceFailure."""
        handler = self.handler_for(request.resource_type)
        if handler is None:
            self.note_unsupported(request.resource_type)
            return await self.env.placeholder.create(request, self.env.services), True
        request.properties = await resolve_dynamic_references(request.properties,
                                                              self.env.services.client)
        try:
            return await handler.create(request, self.env.services), False
        except ServiceError as error:
            if error.error_code == "NotImplemented":
                self.note_unsupported(request.resource_type)
                return await self.env.placeholder.create(request, self.env.services), True
            raise ResourceFailure(failure_reason(error)) from error
        except (ResourceFailure, IntrinsicError):
            raise
        except Exception as error:
            log.exception("creating %s (%s) failed", request.logical_id, request.resource_type)
            raise ResourceFailure(f"Internal failure: {error}") from error

    async def call_update(self, request: ResourceRequest) -> ResourceResult:
        """Update in place; raises ``NeedsReplacement`` or ``ResourceFailure``."""
        handler = self.handler_for(request.resource_type)
        if handler is None:
            return await self.env.placeholder.update(request, self.env.services)
        changed = {key for key in set(request.properties) | set(request.old_properties or {})
                   if request.properties.get(key) != (request.old_properties or {}).get(key)}
        if changed & handler.replace_on:
            raise NeedsReplacement()
        request.properties = await resolve_dynamic_references(request.properties,
                                                              self.env.services.client)
        try:
            return await handler.update(request, self.env.services)
        except (NeedsReplacement, ResourceFailure):
            raise
        except ServiceError as error:
            if error.error_code == "NotImplemented":
                # The service cannot update in place (yet): replace, as AWS does for
                # properties that need it.
                raise NeedsReplacement() from error
            raise ResourceFailure(failure_reason(error)) from error
        except Exception as error:
            log.exception("updating %s (%s) failed", request.logical_id, request.resource_type)
            raise ResourceFailure(f"Internal failure: {error}") from error

    async def call_delete(self, state: ResourceState) -> None:
        """Delete a resource's physical instance; already-gone counts as deleted."""
        if state.physical_id is None or state.placeholder:
            return
        handler = self.handler_for(state.resource_type)
        if handler is None:
            return
        request = self.request(state.logical_id, state.resource_type, state.properties, state)
        request.old_properties = None
        try:
            await handler.delete(request, self.env.services)
        except ServiceError as error:
            if is_not_found(error) or error.error_code == "NotImplemented":
                return
            raise ResourceFailure(failure_reason(error)) from error
        except ResourceFailure:
            raise
        except Exception as error:
            log.exception("deleting %s (%s) failed", state.logical_id, state.resource_type)
            raise ResourceFailure(f"Internal failure: {error}") from error

    # -- outputs ---------------------------------------------------------------------------
    def outputs(self, template: dict[str, Any], intrinsics: Intrinsics) -> list[dict[str, Any]]:
        """Resolved outputs; raises ``IntrinsicError`` (bad reference, taken export name)."""
        found = []
        for key, spec in (template.get("Outputs") or {}).items():
            if not isinstance(spec, dict):
                raise IntrinsicError(f"Output {key} must be a mapping")
            if "Condition" in spec and not intrinsics.condition(str(spec["Condition"])):
                continue
            value = _output_text(intrinsics.resolve(spec.get("Value")))
            output: dict[str, Any] = {"OutputKey": key, "OutputValue": value}
            if "Description" in spec:
                output["Description"] = _output_text(intrinsics.resolve(spec["Description"]))
            export = spec.get("Export")
            if isinstance(export, dict) and "Name" in export:
                name = _output_text(intrinsics.resolve(export["Name"]))
                owner = self.env.sink.export_value(name)
                if owner is not None and owner[1] != self.stack.stack_id:
                    raise IntrinsicError(f"Export with name {name} is already exported by stack"
                                         f" {owner[1].split('/')[1]}")
                output["ExportName"] = name
            found.append(output)
        return found


def _output_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_output_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)
