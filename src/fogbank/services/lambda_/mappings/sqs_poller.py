"""An SQS queue's poller: several workers long-poll ``ReceiveMessage``, invoke the function
with a batch and delete what it handled.

On a function error nothing is deleted: the messages become visible again after the
queue's visibility timeout and the queue's redrive policy moves them to its dead-letter
queue after ``maxReceiveCount`` receives. With ReportBatchItemFailures only the reported
messages stay. Filtered-out messages are deleted, as on AWS. A FIFO queue keeps each message
group in order by itself (it hands out no message of a group with one in flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.lambda_.destinations import queue_url
from fogbank.services.lambda_.mappings.filters import RecordFilter
from fogbank.services.lambda_.mappings.model import MappingRecord
from fogbank.services.lambda_.mappings.pollers import PollerDeps
from fogbank.services.lambda_.mappings.records import (
    dumps_event,
    item_failures,
    split_by_size,
    sqs_record,
)

log = logging.getLogger("fogbank.lambda.mappings")

INITIAL_POLLERS = 5  # AWS starts five pollers per queue and scales up from there
MAX_POLLERS = 10
LONG_POLL_S = 20
PROBLEM_PAUSE_S = 1.0
THROTTLE_RETRIES = 8
EARLY_EMPTY_S = 1.0
EARLY_EMPTY_PAUSE_S = 0.1
STOP_RETRY_S = 0.2


class SqsPoller:
    def __init__(self, record: MappingRecord, deps: PollerDeps) -> None:
        self.mapping = record
        self.deps = deps
        self.filter = RecordFilter(record.filter_criteria)
        limit = record.maximum_concurrency
        self.concurrency = asyncio.Semaphore(limit) if limit else None
        self.initial_workers = min(limit or INITIAL_POLLERS, INITIAL_POLLERS)
        self.max_workers = min(limit or MAX_POLLERS, MAX_POLLERS)
        self.queue_url = ""
        self._workers: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._busy = 0
        self._failure: asyncio.Future[BaseException] = (
            asyncio.get_running_loop().create_future())

    async def run(self) -> None:
        while not self.queue_url:
            try:
                self.queue_url = await queue_url(self.deps.client, self.mapping.event_source_arn)
            except ServiceError as exc:
                self._report(f"PROBLEM: {exc.message}")
                await asyncio.sleep(PROBLEM_PAUSE_S)
        for _ in range(self.initial_workers):
            self._add_worker()
        try:
            # A worker's unexpected failure ends the poller (its owner restarts it).
            failure = await self._failure
            raise failure
        finally:
            await self._stop_workers()

    async def _stop_workers(self) -> None:
        # A cancellation can be swallowed inside a long poll, so workers also check
        # ``_stopping`` and are cancelled again until they are gone.
        self._stopping = True
        pending = set(self._workers)
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=STOP_RETRY_S)

    def _add_worker(self) -> None:
        task = asyncio.create_task(self._worker())
        self._workers.add(task)
        task.add_done_callback(self._worker_done)

    def _worker_done(self, task: asyncio.Task[None]) -> None:
        self._workers.discard(task)
        if not task.cancelled() and task.exception() is not None \
                and not self._failure.done():
            self._failure.set_result(task.exception())  # type: ignore[arg-type]

    def _scale_up(self, received: int) -> None:
        """A full receive while every worker is busy means a backlog: add a worker, up to
        the mapping's limit (Lambda scales its pollers up with the queue the same way)."""
        if received >= min(10, self.mapping.batch_size) and \
                self._busy >= len(self._workers) and len(self._workers) < self.max_workers:
            self._add_worker()

    def _report(self, result: str) -> None:
        self.deps.report(self.mapping.uuid, result)

    async def _worker(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            started = loop.time()
            try:
                messages = await self._receive()
            except ServiceError as exc:
                self._report(f"PROBLEM: {exc.message}")
                await asyncio.sleep(PROBLEM_PAUSE_S)
                continue
            if messages:
                self._busy += 1
                try:
                    self._scale_up(len(messages))
                    await self._handle(messages)
                finally:
                    self._busy -= 1
            elif len(self._workers) > self.initial_workers:
                return  # an empty long poll: the backlog is gone, scale back down
            elif loop.time() - started < EARLY_EMPTY_S:
                # A long poll that comes back empty at once (the queue is shutting down):
                # pause rather than spin.
                await asyncio.sleep(EARLY_EMPTY_PAUSE_S)

    async def _receive_once(self, count: int, wait_s: int) -> list[dict[str, Any]]:
        result = await self.deps.client.call("sqs", "ReceiveMessage", {
            "QueueUrl": self.queue_url, "MaxNumberOfMessages": count,
            "WaitTimeSeconds": wait_s, "AttributeNames": ["All"],
            "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All"]})
        return list(result.get("Messages") or [])

    async def _receive(self) -> list[dict[str, Any]]:
        """Up to BatchSize messages, gathering for up to MaximumBatchingWindowInSeconds."""
        batch_size = self.mapping.batch_size
        window_s = self.mapping.maximum_batching_window_s
        messages = await self._receive_once(min(10, batch_size), LONG_POLL_S)
        if not messages or window_s <= 0:
            return messages
        loop = asyncio.get_running_loop()
        deadline = loop.time() + window_s
        while len(messages) < batch_size:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            more = await self._receive_once(min(10, batch_size - len(messages)),
                                            min(LONG_POLL_S, math.floor(remaining)))
            if not more and remaining < 1:
                await asyncio.sleep(min(remaining, 0.05))
            messages.extend(more)
        return messages

    async def _handle(self, messages: list[dict[str, Any]]) -> None:
        region = self.deps.region
        records = [sqs_record(m, self.mapping.event_source_arn, region) for m in messages]
        chosen = [r for r in records if self.filter.passes_sqs(r)]
        if len(chosen) < len(records):
            kept = {id(r) for r in chosen}
            await self._delete([r for r in records if id(r) not in kept])
        for batch in (split_by_size(chosen) if len(chosen) > 10 or self._large(chosen)
                      else [chosen] if chosen else []):
            if self.concurrency is None:
                done = await self._invoke(batch)
            else:
                async with self.concurrency:
                    done = await self._invoke(batch)
            await self._delete(done)

    @staticmethod
    def _large(records: list[dict[str, Any]]) -> bool:
        return sum(len(r["body"]) for r in records) > 256 * 1024

    async def _invoke(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Invoke with the batch; the records to delete afterwards."""
        payload = dumps_event({"Records": records})
        delay_s = 0.05
        for _ in range(THROTTLE_RETRIES):
            try:
                result = await self.deps.invoke(self.mapping.function_arn, payload)
                break
            except ServiceError as exc:
                self._report(f"PROBLEM: {exc.message}")
                if exc.error_code != "TooManyRequestsException":
                    await asyncio.sleep(PROBLEM_PAUSE_S)
                    return []
                await asyncio.sleep(delay_s)
                delay_s = min(delay_s * 2, 1.0)
        else:
            return []  # still throttled: the messages come back after the visibility timeout
        if result.outcome.function_error is not None:
            self._report("PROBLEM: Function call failed")
            return []
        self._report("OK")
        if not self.mapping.reports_item_failures:
            return records
        failed = item_failures(result.outcome.payload, [r["messageId"] for r in records])
        if failed is None:
            return []
        failed_ids = set(failed)
        return [r for r in records if r["messageId"] not in failed_ids]

    async def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), 10):
            entries = [{"Id": str(index), "ReceiptHandle": record["receiptHandle"]}
                       for index, record in enumerate(records[start:start + 10])]
            with contextlib.suppress(ServiceError):
                await self.deps.client.call("sqs", "DeleteMessageBatch", {
                    "QueueUrl": self.queue_url, "Entries": entries})
