"""kill -9 of ``fogbank up`` mid-flow: nothing acknowledged is lost, delivery resumes.

The app (``apps/event_durability``) takes work three ways — SendMessage to a queue, Publish
to a topic (a queue and a function subscribe), asynchronous Invoke — and its functions count
every delivered id in a DynamoDB table (``ADD deliveries :one``); the table's stream is
mirrored by another function. A producer counts only the calls fogbank acknowledged. fogbank and its
Lambda worker processes are killed with SIGKILL while messages are in flight, fogbank is
started again on the same state, and every acknowledged id must be delivered at least once
(duplicates are allowed and reported). A poison message ends in the queue's DLQ after
``maxReceiveCount`` receives without blocking the others; a failing asynchronous event ends
in the function's dead-letter queue.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from fogbank.core.clock import ManualClock
from tests.conftest import APPS
from tests.e2e.test_durability import free_port, start_up

PER_KIND = 40  # work items per kind (queue, topic, async) before the kill
AFTER_RESTART = 5  # per kind, sent once fogbank is back
KILL_AFTER_ACKNOWLEDGED = 60  # kill once this many calls were answered...
KILL_AFTER_DELIVERED = 10  # ...and this many ids are in the table: deliveries are flowing
KILL_WITH_BACKLOG = 10  # ...and this many more were acknowledged than delivered (if it comes)
WAIT_S = 45.0  # generous bound for a loaded machine; never a timing assertion
MAX_RECEIVE_COUNT = 3  # the template's RedrivePolicy


def producer_client(service: str, edge_port: int) -> Any:
    """A client whose calls are not retried: an answer is an acknowledgement, an error is
    not, and a retry against the killed process would only blur the count."""
    return _new_client(service, edge_port, attempts=1)


@functools.lru_cache(maxsize=64)
def client(service: str, edge_port: int) -> Any:
    """A (cached) client for the test's own reads; its retries ride over stale connections
    to a killed process."""
    return _new_client(service, edge_port, attempts=3)


def _new_client(service: str, edge_port: int, *, attempts: int) -> Any:
    config = Config(retries={"total_max_attempts": attempts}, connect_timeout=5,
                    read_timeout=30)
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{edge_port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=config)


def wait_for(condition: Callable[[], Any], what: str, log: Path | None = None,
             timeout_s: float = WAIT_S) -> Any:
    """Poll ``condition`` until it returns something truthy; fail with the log otherwise."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-4000:] if log else ""
            raise AssertionError(f"timed out waiting for {what}\n--- fogbank up log tail:\n{tail}")
        time.sleep(0.1)


# ------------------------------------------------------------------ processes


def _parent_pids() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the Lambda zygote runs in its own session, and the
    execution environments are the zygote's children, so a process group would miss them)."""
    parents = _parent_pids()
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"  # a zombie has finished running


def kill_9(process: subprocess.Popen, log: Path) -> None:
    """SIGKILL ``fogbank up`` and the worker processes it started, by PID, and wait for all."""
    workers = descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(30)
    wait_for(lambda: all(_gone(pid) for pid in workers), "the killed workers to end", log, 30)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            kill_9(process, Path(os.devnull))


# ------------------------------------------------------------------ producing work


class Producer:
    """Sends work items and remembers which ones fogbank acknowledged."""

    def __init__(self, edge_port: int, outputs: dict[str, str]) -> None:
        self.outputs = outputs
        self.sqs = producer_client("sqs", edge_port)
        self.sns = producer_client("sns", edge_port)
        self.lam = producer_client("lambda", edge_port)
        self.acknowledged: list[str] = []
        self.unanswered: list[str] = []  # sent, but the answer never came (may be delivered)

    def send(self, kind: str, work_id: str, **extra: Any) -> bool:
        body = json.dumps({"id": work_id, **extra})
        try:
            if kind == "sqs":
                self.sqs.send_message(QueueUrl=self.outputs["QueueUrl"], MessageBody=body)
            elif kind == "sns":
                self.sns.publish(TopicArn=self.outputs["TopicArn"], Message=body)
            else:
                reply = self.lam.invoke(FunctionName=self.outputs["DirectName"],
                                        InvocationType="Event", Payload=body.encode())
                assert reply["StatusCode"] == 202
        except Exception:  # noqa: BLE001 - no answer is no acknowledgement
            self.unanswered.append(work_id)
            return False
        self.acknowledged.append(work_id)
        return True

    def run(self, first: int, count: int, stop_event: threading.Event | None = None) -> None:
        """Round-robin over the three kinds until ``count`` each or the first failure."""
        for number in range(first, first + count):
            for kind in ("sqs", "sns", "async"):
                if stop_event is not None and stop_event.is_set():
                    return
                if not self.send(kind, f"{kind}-{number}"):
                    return


def stack_outputs(edge_port: int) -> dict[str, str]:
    stack = client("cloudformation", edge_port).describe_stacks()["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}


def delivery_counts(edge_port: int, table: str) -> dict[str, int]:
    dynamodb = client("dynamodb", edge_port)
    counts: dict[str, int] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            counts[item["id"]["S"]] = int(item["deliveries"]["N"])
    return counts


def dead_letters(edge_port: int, queue_url: str) -> list[dict[str, Any]]:
    """Every message in a dead-letter queue (read with a 0 s visibility: nothing is hidden)."""
    sqs = client("sqs", edge_port)
    reply = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                VisibilityTimeout=0, AttributeNames=["All"],
                                MessageAttributeNames=["All"])
    return list(reply.get("Messages") or [])


def queue_drained(edge_port: int, queue_url: str) -> bool:
    attributes = client("sqs", edge_port).get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return attributes["ApproximateNumberOfMessages"] == "0" and \
        attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


# ------------------------------------------------------------------ the test


@pytest.mark.timeout(300)  # bounded waits add up on a loaded machine; typically ~20 s
def test_kill_9_mid_flow_loses_nothing_acknowledged(app_copy, tmp_path):
    app_dir = app_copy(APPS / "event_durability")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    first = start_up(app_dir, edge_port, api_port, log)
    outputs = stack_outputs(edge_port)
    producer = Producer(edge_port, outputs)
    stop_producing = threading.Event()
    thread = threading.Thread(target=producer.run, args=(0, PER_KIND, stop_producing),
                              daemon=True)
    try:
        # The failures first, so they are in flight when the process dies.
        assert producer.send("sqs", "poison-1", poison=True)
        assert producer.send("async", "apoison-1", poison=True)
        thread.start()

        def mid_flow() -> tuple[int, int] | None:
            """(acknowledged, delivered) once deliveries flow with a backlog behind them."""
            acknowledged = len(producer.acknowledged)
            delivered = sum(1 for work_id in delivery_counts(edge_port,
                                                             outputs["DeliveriesTable"])
                            if work_id.split("-")[0] in ("sqs", "sns", "async"))
            if delivered < KILL_AFTER_DELIVERED:
                return None
            if thread.is_alive() and (acknowledged < KILL_AFTER_ACKNOWLEDGED
                                      or acknowledged - delivered < KILL_WITH_BACKLOG):
                return None
            return acknowledged, delivered

        acknowledged_at_kill, delivered_at_kill = wait_for(mid_flow, "the first deliveries",
                                                           log)
    finally:
        try:
            kill_9(first, log)
        finally:
            stop_producing.set()
            if thread.is_alive():
                thread.join(60)
    assert not thread.is_alive()

    second = start_up(app_dir, edge_port, api_port, log)
    try:
        # Delivery resumes, and new work flows beside the recovered work.
        after = Producer(edge_port, outputs)
        after.run(PER_KIND, AFTER_RESTART)
        assert len(after.acknowledged) == 3 * AFTER_RESTART, after.unanswered
        acknowledged = set(producer.acknowledged + after.acknowledged) - {"poison-1",
                                                                           "apoison-1"}
        # A published message reaches both subscribers: the queue and the Notified function.
        acknowledged |= {f"notified:{work_id}" for work_id in acknowledged
                         if work_id.startswith("sns-")}

        def all_delivered() -> dict[str, int] | None:
            counts = delivery_counts(edge_port, outputs["DeliveriesTable"])
            return counts if acknowledged <= counts.keys() else None

        try:
            counts = wait_for(all_delivered, "every acknowledged id to be delivered", log)
        except AssertionError:
            counts = delivery_counts(edge_port, outputs["DeliveriesTable"])
            lost = sorted(acknowledged - counts.keys())
            raise AssertionError(f"{len(lost)} acknowledged ids were never delivered: {lost}\n"
                                 f"{log.read_text(errors='replace')[-4000:]}") from None
        # Delivered vs acknowledged: every acknowledged id at least once; twice is allowed.
        assert all(counts[work_id] >= 1 for work_id in acknowledged)
        duplicates = sorted(work_id for work_id in acknowledged if counts[work_id] > 1)
        # A call whose answer never came may or may not have been delivered: never "lost".
        assert "poison-1" not in counts and "apoison-1" not in counts

        # The stream consumer resumes from its checkpoint: every row, old or new, is mirrored.
        mirrored = wait_for(
            lambda: (m := delivery_counts(edge_port, outputs["MirroredTable"]))
            and counts.keys() <= m.keys() and m, "the stream consumer to catch up", log)
        replayed = sorted(work_id for work_id, n in mirrored.items() if n > 1)
        print(f"\nacknowledged {len(acknowledged)} (at the kill: {acknowledged_at_kill}"
              f" acknowledged, {delivered_at_kill} delivered), unanswered"
              f" {len(producer.unanswered)}, lost 0; delivered more than once"
              f" {len(duplicates)} {duplicates}; stream records seen twice {len(replayed)}")

        # The poison message ends in the queue's DLQ after maxReceiveCount receives; it never
        # loops: the queue drains and its attempts stop at the limit.
        poisoned = wait_for(lambda: dead_letters(edge_port, outputs["DlqUrl"]),
                            "the poison message in the DLQ", log)
        assert [json.loads(m["Body"])["id"] for m in poisoned] == ["poison-1"]
        assert int(poisoned[0]["Attributes"]["ApproximateReceiveCount"]) >= MAX_RECEIVE_COUNT
        wait_for(lambda: queue_drained(edge_port, outputs["QueueUrl"]),
                 "the work queue to drain", log)
        attempts = delivery_counts(edge_port, outputs["DeliveriesTable"])["attempt:poison-1"]
        assert 1 <= attempts <= MAX_RECEIVE_COUNT

        # The failing asynchronous event (no retries configured) ends in the function's DLQ
        # with Lambda's error attributes (at least once, whatever the kill interrupted).
        failed = wait_for(lambda: dead_letters(edge_port, outputs["DirectDlqUrl"]),
                          "the failed async event in the function's DLQ", log)
        assert {m["Body"] for m in failed} == {json.dumps({"id": "apoison-1", "poison": True})}
        attributes = failed[0]["MessageAttributes"]
        assert "poison event apoison-1" in attributes["ErrorMessage"]["StringValue"]
        assert attributes["RequestID"]["StringValue"]
    finally:
        stop(second)


def test_poison_message_ends_in_its_dlq_without_blocking_the_queue(app_copy, fogbank_run):
    """Visibility timeouts run on a ManualClock: the test moves time instead of waiting."""
    clock = ManualClock()
    app = fogbank_run(app_copy(APPS / "event_durability"), clock=clock)
    assert app.stack.status == "CREATE_COMPLETE", app.failure_reasons()
    outputs, edge_port = app.stack.outputs, urlsplit(app.edge_url).port
    sqs = app.client("sqs")
    entries = [{"Id": "poison", "MessageBody": json.dumps({"id": "poison-1", "poison": True})}]
    entries += [{"Id": f"good{n}", "MessageBody": json.dumps({"id": f"good-{n}"})}
                for n in range(9)]
    sent = sqs.send_message_batch(QueueUrl=outputs["QueueUrl"], Entries=entries)
    assert len(sent["Successful"]) == 10, sent.get("Failed")
    good = {f"good-{n}" for n in range(9)}

    def counts() -> dict[str, int]:
        return delivery_counts(edge_port, outputs["DeliveriesTable"])

    def only_poison_in_flight() -> bool:
        queue = sqs.get_queue_attributes(QueueUrl=outputs["QueueUrl"],
                                         AttributeNames=["All"])["Attributes"]
        return queue["ApproximateNumberOfMessages"] == "0" and \
            queue["ApproximateNumberOfMessagesNotVisible"] == "1"

    # The rest of the queue is processed (and deleted) while the poison message is in flight.
    seen = wait_for(lambda: good <= counts().keys() and only_poison_in_flight() and counts(),
                    "the good messages to be processed")
    assert all(seen[work_id] == 1 for work_id in good), seen
    # Each visibility timeout that passes gives the poison message one more receive, until
    # the fourth receive finds it over maxReceiveCount and moves it to the DLQ instead.
    for attempt in range(2, MAX_RECEIVE_COUNT + 1):
        clock.advance(6)
        wait_for(lambda receives=attempt: counts().get("attempt:poison-1") == receives
                 and only_poison_in_flight(), f"receive {attempt} of the poison")
    clock.advance(6)
    moved = wait_for(lambda: dead_letters(edge_port, outputs["DlqUrl"]),
                     "the poison message in the DLQ")
    assert [json.loads(m["Body"])["id"] for m in moved] == ["poison-1"]
    # The moved message keeps its receive count (this receive from the DLQ adds one).
    assert int(moved[0]["Attributes"]["ApproximateReceiveCount"]) >= MAX_RECEIVE_COUNT
    wait_for(lambda: queue_drained(edge_port, outputs["QueueUrl"]), "the work queue to drain")
    # It never loops: time passes (and a long poll gives the poller its turn), nothing more.
    clock.advance(60)
    sqs.receive_message(QueueUrl=outputs["QueueUrl"], WaitTimeSeconds=1)
    assert counts() == {**dict.fromkeys(good, 1), "attempt:poison-1": MAX_RECEIVE_COUNT}


def test_lambda_workers_end_by_themselves_when_fogbank_is_killed(app_copy, tmp_path):
    """A kill -9 of fogbank alone (the OOM killer's way) leaves no Lambda process behind."""
    app_dir = app_copy(APPS / "event_durability")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    process = start_up(app_dir, edge_port, api_port, log)
    workers: list[int] = []
    try:
        outputs = stack_outputs(edge_port)
        reply = client("lambda", edge_port).invoke(FunctionName=outputs["DirectName"],
                                                   Payload=b'{"id": "warm-1"}')
        assert reply["StatusCode"] == 200 and "FunctionError" not in reply
        workers = descendants(process.pid)
        assert workers, "the invoke ran in a worker process"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    try:
        wait_for(lambda: all(_gone(pid) for pid in workers),
                 "the Lambda worker processes to exit after their parent died", log, 30)
    finally:
        for pid in workers:  # never leave a stray process behind, even when the test fails
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_mapping_state_and_delayed_messages_survive_kill_9(app_copy, tmp_path):
    """A disabled mapping stays disabled (with its new batch size) across a kill -9, its
    queue keeps what arrived meanwhile, delayed ones included, and enabling it delivers them.
    Starting again redeploys nothing twice: one mapping, one subscription."""
    app_dir = app_copy(APPS / "event_durability")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    first = start_up(app_dir, edge_port, api_port, log)
    try:
        outputs = stack_outputs(edge_port)
        lam, sqs = client("lambda", edge_port), client("sqs", edge_port)
        queue_arn = sqs.get_queue_attributes(QueueUrl=outputs["QueueUrl"],
                                             AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        (mapping,) = lam.list_event_source_mappings(EventSourceArn=queue_arn)[
            "EventSourceMappings"]
        lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False, BatchSize=5)
        wait_for(lambda: lam.get_event_source_mapping(UUID=mapping["UUID"])["State"]
                 == "Disabled", "the mapping to be disabled", log)
        sqs.send_message(QueueUrl=outputs["QueueUrl"],
                         MessageBody=json.dumps({"id": "while-disabled"}))
        sqs.send_message(QueueUrl=outputs["QueueUrl"], DelaySeconds=2,
                         MessageBody=json.dumps({"id": "delayed"}))
    finally:
        kill_9(first, log)

    second = start_up(app_dir, edge_port, api_port, log)
    try:
        lam, sqs = client("lambda", edge_port), client("sqs", edge_port)
        restored = lam.get_event_source_mapping(UUID=mapping["UUID"])
        assert (restored["State"], restored["BatchSize"]) == ("Disabled", 5)
        assert [m["UUID"] for m in lam.list_event_source_mappings(
            EventSourceArn=queue_arn)["EventSourceMappings"]] == [mapping["UUID"]]
        subscriptions = client("sns", edge_port).list_subscriptions_by_topic(
            TopicArn=outputs["TopicArn"])["Subscriptions"]
        assert sorted(s["Protocol"] for s in subscriptions) == ["lambda", "sqs"]
        # Nobody receives them: both become (and stay) visible in the queue.
        wait_for(lambda: sqs.get_queue_attributes(
            QueueUrl=outputs["QueueUrl"], AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"]["ApproximateNumberOfMessages"] == "2", "the delayed message", log)
        assert delivery_counts(edge_port, outputs["DeliveriesTable"]) == {}
        lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
        counts = wait_for(lambda: (c := delivery_counts(edge_port, outputs["DeliveriesTable"]))
                          .keys() >= {"while-disabled", "delayed"} and c,
                          "the queued messages to be delivered", log)
        assert counts == {"while-disabled": 1, "delayed": 1}
    finally:
        stop(second)
