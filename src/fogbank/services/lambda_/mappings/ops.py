"""Create/Get/Update/Delete/ListEventSourceMappings, mixed into ``LambdaProvider``."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from fogbank.core.errors import NotImplementedOperation, ServiceError
from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.destinations import queue_url
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from fogbank.services.lambda_.mappings.model import (
    DYNAMODB,
    KINESIS,
    SQS,
    MappingRecord,
    source_kind,
)
from fogbank.services.lambda_.mappings.pollers import PollerDeps, PollerSet, SourceInvoke
from fogbank.services.lambda_.mappings.store import MappingStore
from fogbank.services.lambda_.mappings.validation import apply_update, check_create
from fogbank.services.lambda_.runtime.spec import InvokeRequest
from fogbank.services.lambda_.validation import check_range, parse_function_name

if TYPE_CHECKING:
    from fogbank.services.base import ServiceContext
    from fogbank.services.lambda_.invoke import Invoker
    from fogbank.services.lambda_.models import FunctionRecord
    from fogbank.services.lambda_.store import LambdaStore

NOT_FOUND = "The resource you requested does not exist."


class EventSourceMappingOperations:
    """Mixed into ``LambdaProvider``; ``_init_mappings`` is called from its constructor."""

    ctx: ServiceContext
    store: LambdaStore
    invoker: Invoker
    mappings: MappingStore
    mapping_pollers: PollerSet
    _mapping_results: dict[str, str]

    if TYPE_CHECKING:
        def _record(self, function_name: str, qualifier: str | None = None, *,
                    readonly: bool = False) -> FunctionRecord: ...

        def _routed(self, record: FunctionRecord, function_name: str,
                    qualifier: str | None) -> FunctionRecord: ...

        def function_arn(self, name: str) -> str: ...

    def _init_mappings(self) -> None:
        self.mappings = MappingStore(self.store.docs)
        self._mapping_results = {}
        self.mapping_pollers = PollerSet(PollerDeps(
            client=self.ctx.client, clock=self.ctx.clock, ids=self.ctx.ids,
            region=self.ctx.region, account_id=self.ctx.account_id, store=self.mappings,
            invoke=self._invoke_for_source, report=self._mapping_results.__setitem__))

    async def _invoke_for_source(self, function_arn: str, payload: bytes) -> SourceInvoke:
        record = self._routed(self._record(function_arn, readonly=True), function_arn, None)
        request_id = self.ctx.ids.uuid()
        outcome = await self.invoker.invoke(record, InvokeRequest(request_id, payload,
                                                                  function_arn))
        return SourceInvoke(request_id, record.version, outcome)

    def _mapped_function_arn(self, function_name: str) -> str:
        record = self._record(function_name, readonly=True)
        _, qualifier = parse_function_name(function_name)
        arn = self.function_arn(record.name)
        return f"{arn}:{qualifier}" if qualifier else arn

    def _mapping(self, uuid: str) -> MappingRecord:
        record = self.mappings.get(uuid) if isinstance(uuid, str) else None
        if record is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return record

    def _mapping_output(self, record: MappingRecord, state: str | None = None) -> dict[str, Any]:
        result = self._mapping_results.get(record.uuid)
        if result is not None:
            record.last_processing_result = result
        return record.output(self.ctx.region, self.ctx.account_id, state)

    async def _check_source(self, record: MappingRecord) -> None:
        """The source must exist, and a queue must hide a message for at least the
        function's timeout (AWS checks both on create)."""
        if record.kind == KINESIS:
            raise InvalidParameterValueException(
                "fogbank does not emulate Kinesis: event source mappings can poll SQS queues"
                " and DynamoDB streams")
        try:
            if record.kind == SQS:
                url = await queue_url(self.ctx.client, record.event_source_arn)
                attributes = await self.ctx.client.call("sqs", "GetQueueAttributes", {
                    "QueueUrl": url, "AttributeNames": ["VisibilityTimeout"]})
                visibility_s = int(attributes.get("Attributes", {}).get("VisibilityTimeout", 30))
                timeout_s = self._record(record.function_arn, readonly=True).timeout_s
                if visibility_s < timeout_s:
                    raise InvalidParameterValueException(
                        f"Queue visibility timeout: {visibility_s} seconds is less than"
                        f" Function timeout: {timeout_s} seconds")
            elif record.kind == DYNAMODB:
                await self.ctx.client.call("dynamodbstreams", "DescribeStream",
                                           {"StreamArn": record.event_source_arn})
        except (NotImplementedOperation, InvalidParameterValueException):
            raise
        except ServiceError as exc:
            if record.kind == SQS:
                raise InvalidParameterValueException(
                    "Error occurred while ReceiveMessage. SQS Error Code:"
                    " AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The"
                    " specified queue does not exist for this wsdl version.") from exc
            raise InvalidParameterValueException(
                f"Stream not found: {record.event_source_arn}") from exc

    @operation("CreateEventSourceMapping")
    async def create_event_source_mapping(self, ctx: RequestContext, *, function_name: str,
                                          event_source_arn: str | None = None,
                                          tags: dict[str, str] | None = None,
                                          **params: Any) -> dict[str, Any]:
        kind = source_kind(event_source_arn or "")
        if kind is None:
            raise InvalidParameterValueException(
                f"Unrecognized event source, must be kinesis, dynamodb stream or sqs."
                f" Unsupported source arn : {event_source_arn}")
        function_arn = self._mapped_function_arn(function_name)
        for other in self.mappings.all():
            if other.event_source_arn == event_source_arn and other.function_arn == function_arn:
                raise ResourceConflictException(
                    f"The event source arn (\" {event_source_arn} \") and function"
                    f" (\" {function_name} \") provided mapping already exists. Please update"
                    f" or delete the existing mapping with UUID {other.uuid}")
        record = MappingRecord(uuid=self.ctx.ids.uuid(), event_source_arn=str(event_source_arn),
                               function_arn=function_arn, kind=kind, tags=dict(tags or {}))
        check_create(record, params)
        try:
            await self._check_source(record)
        except NotImplementedOperation:
            pass  # the source's service is not part of this cloud: nothing to check
        record.state = "Enabled" if record.enabled else "Disabled"
        record.last_modified_s = record.created_s = self.ctx.clock.now()
        self.mappings.put(record)
        await self.mapping_pollers.prime(record)
        self.mapping_pollers.sync(record)
        return self._mapping_output(record, "Creating")

    @operation("GetEventSourceMapping")
    def get_event_source_mapping(self, ctx: RequestContext, *, uuid: str,
                                 **_: Any) -> dict[str, Any]:
        return self._mapping_output(self._mapping(uuid))

    @operation("UpdateEventSourceMapping")
    def update_event_source_mapping(self, ctx: RequestContext, *, uuid: str,
                                    function_name: str | None = None,
                                    enabled: Any = None, **params: Any) -> dict[str, Any]:
        record = self._mapping(uuid)
        if function_name is not None:
            record.function_arn = self._mapped_function_arn(function_name)
        apply_update(record, params)
        transition = "Updating"
        if enabled is not None:
            wanted = enabled if isinstance(enabled, bool) else str(enabled).lower() == "true"
            if wanted != record.enabled:
                transition = "Enabling" if wanted else "Disabling"
            record.enabled = wanted
        record.state = "Enabled" if record.enabled else "Disabled"
        record.last_modified_s = self.ctx.clock.now()
        self.mappings.put(record)
        self.mapping_pollers.sync(record)
        return self._mapping_output(record, transition)

    @operation("DeleteEventSourceMapping")
    def delete_event_source_mapping(self, ctx: RequestContext, *, uuid: str,
                                    **_: Any) -> dict[str, Any]:
        record = self._mapping(uuid)
        self.mapping_pollers.remove(record.uuid)
        self.mappings.delete(record.uuid)
        self._mapping_results.pop(record.uuid, None)
        return self._mapping_output(record, "Deleting")

    @operation("ListEventSourceMappings")
    def list_event_source_mappings(self, ctx: RequestContext, *,
                                   event_source_arn: str | None = None,
                                   function_name: str | None = None,
                                   marker: str | None = None, max_items: int | None = None,
                                   **_: Any) -> dict[str, Any]:
        check_range(max_items, "maxItems", 1, 10000)
        records = self.mappings.all()
        if event_source_arn:
            records = [r for r in records if r.event_source_arn == event_source_arn]
        if function_name:
            name, qualifier = parse_function_name(function_name)
            wanted = self.function_arn(name)
            records = [r for r in records if (r.function_arn == f"{wanted}:{qualifier}"
                                              if qualifier else
                                              r.function_arn.startswith(wanted)
                                              and r.function_arn[len(wanted):][:1] in ("", ":"))]
        start = _decode_marker(marker)
        page = records[start:start + (max_items or 100)]
        result: dict[str, Any] = {
            "EventSourceMappings": [self._mapping_output(r) for r in page]}
        if start + len(page) < len(records):
            result["NextMarker"] = base64.urlsafe_b64encode(
                f"esm:{start + len(page)}".encode()).decode()
        return result


def _decode_marker(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        prefix, _, index = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
        if prefix == "esm" and int(index) >= 0:
            return int(index)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidParameterValueException("Invalid marker")
