"""A DynamoDB stream's poller: per shard, read a batch with ``GetRecords``, invoke the
function, checkpoint, repeat.

A failed batch is retried (from the first reported failure with ReportBatchItemFailures,
halved with BisectBatchOnFunctionError) until MaximumRetryAttempts or MaximumRecordAgeInSeconds
give up on it; then its description goes to the OnFailure destination and the shard moves
on. The checkpoint (the last sequence number done with) is durable after every batch, so a
restart resumes after it: at-least-once, as on AWS.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from dataclasses import dataclass
from typing import Any

from fogbank.core.clock import iso8601
from fogbank.core.errors import ServiceError
from fogbank.services.lambda_.destinations import send_record
from fogbank.services.lambda_.mappings.filters import RecordFilter
from fogbank.services.lambda_.mappings.model import MappingRecord
from fogbank.services.lambda_.mappings.pollers import PollerDeps, SourceInvoke
from fogbank.services.lambda_.mappings.records import (
    MAX_BATCH_PAYLOAD_BYTES,
    dumps_event,
    item_failures,
    split_by_size,
)
from fogbank.services.lambda_.mappings.windows import TumblingWindow

log = logging.getLogger("fogbank.lambda.mappings")

# An empty shard is polled again after these pauses, then every IDLE_POLL_MAX_S; after
# LONG_IDLE_S without records every LONG_IDLE_POLL_S (keeps an idle cloud's CPU low).
IDLE_POLL_S = (0.001, 0.002, 0.004, 0.006, 0.008)
IDLE_POLL_MAX_S = 0.01
LONG_IDLE_S = 2.0
LONG_IDLE_POLL_S = 0.02
RETRY_BASE_S = 0.1
RETRY_MAX_S = 10.0
PROBLEM_PAUSE_S = 1.0
THROTTLE_FIRST_PAUSE_S = 0.05


@dataclass
class BatchOutcome:
    ok: bool
    retry_from: int = 0  # with ReportBatchItemFailures: index of the first failed record
    last: SourceInvoke | None = None


class StreamPoller:
    def __init__(self, record: MappingRecord, deps: PollerDeps,
                 initial_iterators: dict[str, str] | None = None) -> None:
        self.mapping = record
        self.deps = deps
        self.filter = RecordFilter(record.filter_criteria)
        self.stream_arn = record.event_source_arn
        self._initial = dict(initial_iterators or {})
        self._not_before_s: float | None = None
        self.window = (TumblingWindow(record.tumbling_window_s, self.stream_arn)
                       if record.tumbling_window_s > 0 else None)

    async def run(self) -> None:
        running: dict[str, asyncio.Task[None]] = {}
        try:
            while True:
                try:
                    shards = await self._shards()
                except ServiceError as exc:
                    self.deps.report(self.mapping.uuid, f"PROBLEM: {exc.message}")
                    await asyncio.sleep(PROBLEM_PAUSE_S)
                    continue
                for shard_id in shards:
                    if shard_id not in running and not self.deps.store.shard_done(
                            self.mapping.uuid, shard_id):
                        running[shard_id] = asyncio.create_task(self._shard(shard_id))
                await asyncio.sleep(PROBLEM_PAUSE_S * 5)
        finally:
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)

    async def _shards(self) -> list[str]:
        result = await self.deps.client.call("dynamodbstreams", "DescribeStream",
                                             {"StreamArn": self.stream_arn})
        return [shard["ShardId"] for shard in result["StreamDescription"].get("Shards", [])]

    # ------------------------------------------------------------------ reading

    async def _iterator(self, shard_id: str, after: str | None) -> str:
        params: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
        if after is not None:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        else:
            initial = self._initial.pop(shard_id, None)
            if initial is not None:
                return initial
            params["ShardIteratorType"] = self.mapping.starting_position or "LATEST"
            if params["ShardIteratorType"] == "LATEST":
                # Not the first run and nothing checkpointed yet: LATEST means "since the
                # mapping was created", so read from the start and skip older records.
                params["ShardIteratorType"] = "TRIM_HORIZON"
                self._not_before_s = float(int(self.mapping.created_s))
        try:
            result = await self.deps.client.call("dynamodbstreams", "GetShardIterator", params)
        except ServiceError as exc:
            if exc.error_code != "TrimmedDataAccessException":
                raise
            params.pop("SequenceNumber", None)
            params["ShardIteratorType"] = "TRIM_HORIZON"
            result = await self.deps.client.call("dynamodbstreams", "GetShardIterator", params)
        return str(result["ShardIterator"])

    async def _shard(self, shard_id: str) -> None:
        """Read the shard to its end; a failing source call resumes from the checkpoint."""
        while True:
            try:
                await self._read_shard(shard_id)
                return
            except ServiceError as exc:
                self.deps.report(self.mapping.uuid, f"PROBLEM: {exc.message}")
                await asyncio.sleep(PROBLEM_PAUSE_S)

    async def _read_shard(self, shard_id: str) -> None:
        uuid = self.mapping.uuid
        position = self.deps.store.checkpoint(uuid, shard_id)
        iterator: str | None = await self._iterator(shard_id, position)
        idle = 0
        while iterator is not None:
            batch, iterator = await self._gather(shard_id, iterator, position)
            if batch:
                idle = 0
                position = batch[-1]["dynamodb"]["SequenceNumber"]
                if self.window is not None:
                    for start_s, group in self.window.groups(batch):
                        await self._roll_window(shard_id, start_s)
                        await self._handle(shard_id, group)
                elif self.mapping.parallelization_factor > 1:
                    await asyncio.gather(*(self._handle_lane(shard_id, lane)
                                           for lane in self._lanes(batch)))
                else:
                    await self._handle(shard_id, batch)
                self.deps.store.save_checkpoint(uuid, shard_id, position)
            elif iterator is not None:
                if self.window is not None:
                    await self._roll_window(shard_id, None)
                await asyncio.sleep(_idle_pause(idle))
                idle += 1
        self.deps.store.finish_shard(uuid, shard_id, position)

    async def _gather(self, shard_id: str, iterator: str,
                      position: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """Up to BatchSize records, waiting up to MaximumBatchingWindowInSeconds for more."""
        batch: list[dict[str, Any]] = []
        wanted = self.mapping.batch_size * self.mapping.parallelization_factor
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.mapping.maximum_batching_window_s
        current: str | None = iterator
        while current is not None:
            try:
                result = await self.deps.client.call("dynamodbstreams", "GetRecords", {
                    "ShardIterator": current,
                    "Limit": min(1000, wanted - len(batch))})
            except ServiceError as exc:
                if exc.error_code != "ExpiredIteratorException":
                    raise
                last = batch[-1]["dynamodb"]["SequenceNumber"] if batch else position
                current = await self._iterator(shard_id, last)
                continue
            records = result.get("Records") or []
            if self._not_before_s is not None and records:
                records = [r for r in records if float(
                    r["dynamodb"].get("ApproximateCreationDateTime") or 0) >= self._not_before_s]
            batch.extend(records)
            current = result.get("NextShardIterator")
            if len(batch) >= wanted or loop.time() >= deadline:
                break
            await asyncio.sleep(min(IDLE_POLL_MAX_S, max(0.0, deadline - loop.time())))
        return batch, current

    # ------------------------------------------------------------------ invoking

    def _lanes(self, batch: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """ParallelizationFactor: records of one item (same keys) stay in one lane, in
        order; lanes run concurrently and the shard checkpoints once all are done."""
        lanes: list[list[dict[str, Any]]] = [[] for _ in range(
            self.mapping.parallelization_factor)]
        for record in batch:
            keys = json.dumps(record["dynamodb"].get("Keys"), sort_keys=True, default=str)
            lanes[zlib.crc32(keys.encode()) % len(lanes)].append(record)
        return [lane for lane in lanes if lane]

    async def _handle_lane(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        size = self.mapping.batch_size
        for start in range(0, len(records), size):
            await self._handle(shard_id, records[start:start + size])

    async def _handle(self, shard_id: str, batch: list[dict[str, Any]]) -> None:
        records = [{**record, "eventSourceARN": self.stream_arn} for record in batch]
        records = [record for record in records if self.filter.passes(record)]
        # JSON of a record is a few times its item size: measure only batches that may not fit
        estimate = sum(4 * int(r["dynamodb"].get("SizeBytes") or 0) + 1024 for r in records)
        pending = split_by_size(records) if estimate > MAX_BATCH_PAYLOAD_BYTES else (
            [records] if records else [])
        while pending:
            part = pending.pop(0)
            retries = invokes = 0
            while True:
                outcome = await self._invoke(shard_id, part)
                invokes += 1
                if outcome.ok:
                    break
                if outcome.retry_from == 0 and self.mapping.bisect_batch_on_function_error \
                        and len(part) > 1:
                    half = len(part) // 2
                    pending[:0] = [part[:half], part[half:]]
                    break
                part = part[outcome.retry_from:]
                condition = self._give_up(part, retries)
                if condition is not None:
                    await self._on_failure(shard_id, part, condition, outcome.last, invokes)
                    break
                await self.deps.clock.sleep(min(RETRY_BASE_S * 2 ** retries, RETRY_MAX_S))
                retries += 1

    def _give_up(self, part: list[dict[str, Any]], retries: int) -> str | None:
        limit = self.mapping.maximum_retry_attempts
        if limit >= 0 and retries >= limit:
            return "RetryAttemptsExhausted"
        max_age = self.mapping.maximum_record_age_s
        created = float(part[0]["dynamodb"].get("ApproximateCreationDateTime") or 0)
        if max_age >= 0 and self.deps.clock.now() - created > max_age:
            return "RecordAgeExceeded"
        return None

    async def _roll_window(self, shard_id: str, next_start_s: float | None) -> None:
        """Close the open tumbling window with its final invoke when it is over."""
        assert self.window is not None
        if self.window.closes_before(next_start_s, self.deps.clock.now()):
            await self._invoke(shard_id, [], final=True)
            self.window.close()
        if next_start_s is not None:
            self.window.open(next_start_s)

    async def _invoke(self, shard_id: str, part: list[dict[str, Any]],
                      final: bool = False) -> BatchOutcome:
        event: dict[str, Any] = {"Records": part}
        if self.window is not None and self.window.start_s is not None:
            event.update(self.window.fields(shard_id, final))
        payload = dumps_event(event)
        throttle_pause_s = THROTTLE_FIRST_PAUSE_S
        while True:
            try:
                result = await self.deps.invoke(self.mapping.function_arn, payload)
                break
            except ServiceError as exc:
                self.deps.report(self.mapping.uuid, f"PROBLEM: {exc.message}")
                if exc.error_code == "TooManyRequestsException":
                    await asyncio.sleep(throttle_pause_s)
                    throttle_pause_s = min(throttle_pause_s * 2, PROBLEM_PAUSE_S)
                else:
                    await asyncio.sleep(PROBLEM_PAUSE_S)
        if result.outcome.function_error is not None:
            self.deps.report(self.mapping.uuid, "PROBLEM: Function call failed")
            return BatchOutcome(False, 0, result)
        self.deps.report(self.mapping.uuid, "OK")
        if self.window is not None:
            self.window.absorb(result.outcome.payload)
        if not self.mapping.reports_item_failures:
            return BatchOutcome(True, last=result)
        failed = item_failures(result.outcome.payload,
                               [r["dynamodb"]["SequenceNumber"] for r in part])
        if failed is None:  # an invalid response fails the whole batch
            return BatchOutcome(False, 0, result)
        if not failed:
            return BatchOutcome(True, last=result)
        positions = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(part)}
        return BatchOutcome(False, min(positions[item] for item in failed), result)

    async def _on_failure(self, shard_id: str, part: list[dict[str, Any]], condition: str,
                          last: SourceInvoke | None, invokes: int) -> None:
        destination = ((self.mapping.destination_config or {}).get("OnFailure") or {}).get(
            "Destination")
        log.warning("mapping %s discards %d stream records (%s)", self.mapping.uuid,
                    len(part), condition)
        if not destination:
            return
        now_s = self.deps.clock.now()
        first, final = part[0]["dynamodb"], part[-1]["dynamodb"]
        record = {
            "requestContext": {
                "requestId": last.request_id if last else self.deps.ids.uuid(),
                "functionArn": self.mapping.function_arn,
                "condition": condition,
                "approximateInvokeCount": invokes,
            },
            "responseContext": _response_context(last),
            "version": "1.0",
            "timestamp": iso8601(now_s),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": final["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _arrival(first),
                "approximateArrivalOfLastRecord": _arrival(final),
                "batchSize": len(part),
                "streamArn": self.stream_arn,
            },
        }
        stamp = iso8601(now_s)[:19]
        s3_key = (f"aws/lambda/{self.mapping.uuid}/{shard_id}/{stamp[:10].replace('-', '/')}/"
                  f"{stamp.replace(':', '.')}-{self.deps.ids.uuid()}")
        if destination.split(":")[2:3] == ["s3"]:
            record["payload"] = json.loads(dumps_event({"Records": part}))
        try:
            await send_record(self.deps.client, destination, record, success=False,
                              function_arn=self.mapping.function_arn, s3_key=s3_key)
        except (ServiceError, ValueError) as exc:
            log.warning("mapping %s could not reach its OnFailure destination %s: %s",
                        self.mapping.uuid, destination, exc)


def _idle_pause(empty_polls: int) -> float:
    if empty_polls < len(IDLE_POLL_S):
        return IDLE_POLL_S[empty_polls]
    if empty_polls * IDLE_POLL_MAX_S > LONG_IDLE_S:
        return LONG_IDLE_POLL_S
    return IDLE_POLL_MAX_S


def _arrival(body: dict[str, Any]) -> str:
    return iso8601(float(body.get("ApproximateCreationDateTime") or 0))[:19] + "Z"



def _response_context(last: SourceInvoke | None) -> dict[str, Any]:
    context: dict[str, Any] = {"statusCode": 200,
                               "executedVersion": last.executed_version if last else "$LATEST"}
    if last is not None and last.outcome.function_error:
        context["functionError"] = last.outcome.function_error
    return context
