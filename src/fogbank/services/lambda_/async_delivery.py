"""Delivering one queued asynchronous (``Event``) invocation, as Lambda's internal queue does.

Each attempt runs the function; a function error is retried after about one and then two
minutes (``MaximumRetryAttempts``, 0–2), an event older than ``MaximumEventAgeInSeconds`` is
dropped, throttles are retried until then. The outcome goes to the OnSuccess / OnFailure
destination as an invocation record, and a failure also to the function's dead-letter queue.
Attempts and the first-enqueue time live in the queued event's durable document, so a
restart resumes where delivery stopped (at least once). Waits are on the injected clock.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from fogbank.core.clock import iso8601
from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.lambda_.async_config import EventPolicy
from fogbank.services.lambda_.destinations import send_dead_letter, send_record
from fogbank.services.lambda_.errors import TooManyRequestsException
from fogbank.services.lambda_.models import FunctionRecord
from fogbank.services.lambda_.runtime.spec import InvokeOutcome, InvokeRequest

if TYPE_CHECKING:
    from fogbank.services.lambda_.invoke import QueuedEvent
    from fogbank.services.lambda_.store import LambdaStore

log = logging.getLogger("fogbank.lambda")

THROTTLE_FIRST_DELAY_S = 1.0
THROTTLE_MAX_DELAY_S = 60.0


class AsyncDelivery:
    def __init__(self, *, store: LambdaStore,
                 invoke: Callable[[FunctionRecord, InvokeRequest], Awaitable[InvokeOutcome]],
                 clock: Any, client: InternalClient,
                 policy: Callable[[str, str], EventPolicy],
                 retry_delays_s: tuple[float, ...]) -> None:
        self.store = store
        self.invoke = invoke
        self.clock = clock
        self.client = client
        self.policy = policy
        self.retry_delays_s = retry_delays_s
        # Function name → (reserved concurrency, semaphore): queued events of a function with
        # reserved concurrency wait for a free slot instead of throttling themselves into
        # ever longer backoff (a burst then drains at the function's own pace).
        self._slots: dict[str, tuple[int, asyncio.Semaphore]] = {}

    def _slot(self, function_name: str) -> asyncio.Semaphore | None:
        latest = self.store.get_function(function_name)
        limit = latest.reserved_concurrency if latest is not None else None
        if not limit:  # no reservation (or 0: every event is throttled, as in AWS)
            return None
        known = self._slots.get(function_name)
        if known is None or known[0] != limit:
            known = (limit, asyncio.Semaphore(limit))
            self._slots[function_name] = known
        return known[1]

    async def _invoke(self, record: FunctionRecord, request: InvokeRequest) -> InvokeOutcome:
        slot = self._slot(record.name)
        if slot is None:
            return await self.invoke(record, request)
        async with slot:
            return await self.invoke(record, request)

    def _function(self, event: QueuedEvent) -> FunctionRecord | None:
        if event.version == "$LATEST":
            return self.store.get_function(event.function_name)
        return self.store.get_version(event.function_name, int(event.version))

    def _save(self, event: QueuedEvent) -> None:
        self.store.put_event(event.request_id, event.to_doc())

    async def deliver(self, event: QueuedEvent) -> None:
        if event.enqueued_s is None:
            event = replace(event, enqueued_s=self.clock.now())
            self._save(event)
        policy = self.policy(event.function_name, event.qualifier)
        if event.next_attempt_s is not None:  # resumed after a restart during a retry wait
            await self.clock.sleep_until(event.next_attempt_s)
        throttle_delay_s = THROTTLE_FIRST_DELAY_S
        outcome: InvokeOutcome | None = None
        record = self._function(event)
        while record is not None:
            if self.clock.now() - float(event.enqueued_s or 0) > policy.maximum_event_age_s:
                await self._fail(event, policy, record, outcome, "EventAgeExceeded")
                break
            request = InvokeRequest(event.request_id, event.payload, event.invoked_arn)
            try:
                outcome = await self._invoke(record, request)
            except TooManyRequestsException:
                await self.clock.sleep(throttle_delay_s)
                throttle_delay_s = min(throttle_delay_s * 2, THROTTLE_MAX_DELAY_S)
                record = self._function(event)
                continue
            except ServiceError as exc:
                log.warning("event %s for %s failed: %s", event.request_id,
                            event.function_name, exc)
                break
            event = replace(event, attempts=event.attempts + 1)
            if outcome.function_error is None:
                await self._succeed(event, policy, record, outcome)
                break
            if event.attempts > policy.maximum_retry_attempts:
                log.warning("event %s for %s failed after retries: %s", event.request_id,
                            event.function_name, outcome.payload[:500])
                await self._fail(event, policy, record, outcome, "RetriesExhausted")
                break
            delays = self.retry_delays_s or (0.0,)
            delay_s = delays[min(event.attempts - 1, len(delays) - 1)]
            event = replace(event, next_attempt_s=self.clock.now() + delay_s)
            self._save(event)
            await self.clock.sleep(delay_s)
            record = self._function(event)
        self.store.delete_event(event.request_id)

    # ------------------------------------------------------------------ outcomes

    def _record(self, event: QueuedEvent, function: FunctionRecord,
                outcome: InvokeOutcome | None, condition: str) -> dict[str, Any]:
        response: dict[str, Any] = {"statusCode": 200, "executedVersion": function.version}
        if outcome is not None and outcome.function_error:
            response["functionError"] = outcome.function_error
        doc: dict[str, Any] = {
            "version": "1.0",
            "timestamp": iso8601(self.clock.now()),
            "requestContext": {
                "requestId": event.request_id,
                "functionArn": event.invoked_arn if event.qualifier != "$LATEST"
                else f"{function.arn}:$LATEST",
                "condition": condition,
                "approximateInvokeCount": event.attempts,
            },
            "requestPayload": _decoded(event.payload),
            "responseContext": response,
        }
        if outcome is not None:
            doc["responsePayload"] = _decoded(outcome.payload)
        return doc

    async def _succeed(self, event: QueuedEvent, policy: EventPolicy,
                       function: FunctionRecord, outcome: InvokeOutcome) -> None:
        if policy.on_success:
            await self._send(policy.on_success, self._record(event, function, outcome,
                                                             "Success"), True, function)

    async def _fail(self, event: QueuedEvent, policy: EventPolicy, function: FunctionRecord,
                    outcome: InvokeOutcome | None, condition: str) -> None:
        if policy.on_failure:
            await self._send(policy.on_failure, self._record(event, function, outcome,
                                                             condition), False, function)
        if policy.dead_letter_arn:
            error = _decoded(outcome.payload) if outcome is not None else None
            message = (error.get("errorMessage") if isinstance(error, dict) else None) or (
                condition if outcome is None else str(error))
            try:
                await send_dead_letter(self.client, policy.dead_letter_arn, event.payload,
                                       request_id=event.request_id, error_code="200",
                                       error_message=str(message))
            except (ServiceError, ValueError) as exc:
                log.warning("event %s: dead-letter target %s failed: %s", event.request_id,
                            policy.dead_letter_arn, exc)

    async def _send(self, arn: str, record: dict[str, Any], success: bool,
                    function: FunctionRecord) -> None:
        try:
            await send_record(self.client, arn, record, success=success,
                              function_arn=function.arn)
        except (ServiceError, ValueError) as exc:
            log.warning("destination %s failed: %s", arn, exc)


def _decoded(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload.strip() else None
    except ValueError:
        return payload.decode("utf-8", "replace")
