"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks,
CancelMessageMoveTask.

A task moves the messages that were in the dead-letter queue when it started, oldest first,
back to the queue each came from (or to ``DestinationArn``). It runs in the background and
is saved after every batch, so a restart resumes RUNNING tasks where they stopped. With
``MaxNumberOfMessagesPerSecond`` it moves that many per second of the injected clock.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import logging
from typing import Any

from fogbank.services.base import RequestContext, ServiceContext, operation
from fogbank.services.sqs.core import SqsCore, required
from fogbank.services.sqs.errors import InvalidParameterValue, ResourceNotFoundException
from fogbank.services.sqs.records import QueueRecord, StoredMessage

log = logging.getLogger("fogbank.sqs.move_tasks")

UNLIMITED_BATCH = 500
PUBLIC_FIELDS = ("TaskHandle", "Status", "SourceArn", "DestinationArn",
                 "MaxNumberOfMessagesPerSecond", "ApproximateNumberOfMessagesMoved",
                 "ApproximateNumberOfMessagesToMove", "FailureReason", "StartedTimestamp")


class MoveTaskOperations(SqsCore):

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)
        self._move_runners: dict[str, asyncio.Task[None]] = {}

    def _runners(self) -> dict[str, asyncio.Task[None]]:
        return self._move_runners

    @operation("StartMessageMoveTask")
    async def start_message_move_task(self, ctx: RequestContext, *, source_arn: str | None = None,
                                      destination_arn: str | None = None,
                                      max_number_of_messages_per_second: int | None = None,
                                      **_: Any) -> dict[str, Any]:
        source_arn = required("SourceArn", source_arn)
        source = self.queue_from_arn(source_arn)
        if source is None:
            raise ResourceNotFoundException("The resource that you specified for the "
                                            "SourceArn parameter doesn't exist.")
        if not self._is_dead_letter_queue(source):
            raise InvalidParameterValue("Source queue must be configured as a Dead Letter "
                                        "Queue.")
        if destination_arn is not None and self.queue_from_arn(destination_arn) is None:
            raise ResourceNotFoundException("The resource that you specified for the "
                                            "DestinationArn parameter doesn't exist.")
        rate = max_number_of_messages_per_second
        if rate is not None and not 1 <= rate <= 500:
            raise InvalidParameterValue(
                f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                "You must enter a number that's between 1 and 500.")
        if any(task["Status"] == "RUNNING" for task in self.store.tasks(source_arn)):
            raise InvalidParameterValue("There is already a task running. Only one active "
                                        "task is allowed for a source queue arn at a given "
                                        "time.")
        now = self.ctx.clock.now()
        task_id = self.ctx.ids.uuid()
        handle = base64.b64encode(json.dumps(
            {"taskId": task_id, "sourceArn": source_arn}).encode()).decode()
        task: dict[str, Any] = {
            "TaskHandle": handle, "Status": "RUNNING", "SourceArn": source_arn,
            "ApproximateNumberOfMessagesMoved": 0,
            "ApproximateNumberOfMessagesToMove": self.store.message_count(source),
            "StartedTimestamp": int(now * 1000),
            "task_id": task_id, "after_seq": 0, "up_to_seq": self.store.last_seq(source),
        }
        if destination_arn is not None:
            task["DestinationArn"] = destination_arn
        if rate is not None:
            task["MaxNumberOfMessagesPerSecond"] = rate
        self.store.save_task(task_id, source_arn, task, now)
        self._launch(task)
        return {"TaskHandle": handle}

    def _is_dead_letter_queue(self, record: QueueRecord) -> bool:
        for queue in self.store.queues():
            policy = queue.redrive_policy
            if policy is not None and policy.dead_letter_target_arn == record.arn:
                return True
        return False

    @operation("ListMessageMoveTasks")
    def list_message_move_tasks(self, ctx: RequestContext, *, source_arn: str | None = None,
                                max_results: int | None = None, **_: Any) -> dict[str, Any]:
        source_arn = required("SourceArn", source_arn)
        if self.queue_from_arn(source_arn) is None:
            raise ResourceNotFoundException("The resource that you specified for the "
                                            "SourceArn parameter doesn't exist.")
        limit = 1 if max_results is None else max_results
        if not 1 <= limit <= 10:
            raise InvalidParameterValue(
                f"Value {limit} for parameter MaxResults is invalid. Reason: You must enter "
                "a number that's between 1 and 10.")
        results = []
        for task in self.store.tasks(source_arn)[:limit]:
            entry = {name: task[name] for name in PUBLIC_FIELDS if name in task}
            if task["Status"] != "RUNNING":
                entry.pop("TaskHandle", None)
            results.append(entry)
        return {"Results": results}

    @operation("CancelMessageMoveTask")
    async def cancel_message_move_task(self, ctx: RequestContext, *, task_handle: str | None = None,
                                       **_: Any) -> dict[str, Any]:
        try:
            decoded = json.loads(base64.b64decode(required("TaskHandle", task_handle),
                                                  validate=True))
            task_id, source_arn = str(decoded["taskId"]), str(decoded["sourceArn"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ResourceNotFoundException("Task does not exist.") from None
        task = next((t for t in self.store.tasks(source_arn) if t["task_id"] == task_id), None)
        if task is None:
            raise ResourceNotFoundException("Task does not exist.")
        if task["Status"] != "RUNNING":
            raise InvalidParameterValue("Only active tasks can be cancelled.")
        runner = self._runners().pop(task_id, None)
        if runner is not None:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        task = next(t for t in self.store.tasks(source_arn) if t["task_id"] == task_id)
        task["Status"] = "CANCELLED"
        self.store.save_task(task_id, source_arn, task, task["StartedTimestamp"] / 1000)
        return {"ApproximateNumberOfMessagesMoved": task["ApproximateNumberOfMessagesMoved"]}

    def _launch(self, task: dict[str, Any]) -> None:
        runner = asyncio.get_running_loop().create_task(self._run(task))
        self._runners()[str(task["task_id"])] = runner

    async def _run(self, task: dict[str, Any]) -> None:
        task_id, source_arn = str(task["task_id"]), str(task["SourceArn"])
        started = task["StartedTimestamp"] / 1000
        rate = task.get("MaxNumberOfMessagesPerSecond")
        try:
            while True:
                source = self.queue_from_arn(source_arn)
                if source is None:
                    self._finish(task, "FAILED", "AWS.SimpleQueueService.NonExistentQueue")
                    return
                missing: list[str] = []
                moved, last, targets = self.store.move_messages(
                    source, int(task["after_seq"]), int(task["up_to_seq"]),
                    int(rate or UNLIMITED_BATCH), self.ctx.clock.now(),
                    functools.partial(self._destination, task, missing=missing))
                task["ApproximateNumberOfMessagesMoved"] += moved
                task["after_seq"] = last
                for queue_id in targets:
                    self.waiters.notify(queue_id)
                if missing:
                    self._finish(task, "FAILED", "AWS.SimpleQueueService.NonExistentQueue")
                    return
                if last >= int(task["up_to_seq"]):
                    self._finish(task, "COMPLETED")
                    return
                self.store.save_task(task_id, source_arn, task, started)
                if rate:
                    await self.ctx.clock.sleep(1)
                else:
                    await asyncio.sleep(0)
        finally:
            self._runners().pop(task_id, None)

    def _destination(self, task: dict[str, Any], message: StoredMessage, *,
                     missing: list[str]) -> QueueRecord | None:
        arn = task.get("DestinationArn") or message.extra.get("dead_letter_source")
        if not arn:
            return None
        target = self.queue_from_arn(str(arn))
        if target is None:
            missing.append(str(arn))
        return target

    def _finish(self, task: dict[str, Any], status: str, reason: str | None = None) -> None:
        task["Status"] = status
        if reason:
            task["FailureReason"] = reason
        self.store.save_task(str(task["task_id"]), str(task["SourceArn"]), task,
                             task["StartedTimestamp"] / 1000)

    def resume_move_tasks(self) -> None:
        for task in self.store.tasks():
            if task["Status"] == "RUNNING":
                self._launch(task)

    async def stop_move_tasks(self) -> None:
        runners = list(self._runners().values())
        for runner in runners:
            runner.cancel()
        await asyncio.gather(*runners, return_exceptions=True)
