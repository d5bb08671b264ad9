"""The outbox drainer: delivers each acknowledged message to each matching subscription.

Publish writes one outbox row per (message, subscription) in SQLite and hands the rows to
``Deliverer.submit``. A background task (started by the provider's ``start``) groups due rows
by subscription and runs one delivery task per subscription, so a slow HTTP endpoint holds up
only its own subscription. A row is deleted only after its delivery succeeded or was given up
(dead-lettered), so a restart re-reads the outbox and delivers at least once. Rows of a FIFO
topic's subscription go strictly in order: a failed one blocks those behind it.

Queue and function subscriptions of standard topics skip the outbox when they can: Publish
makes their first attempt inline (``attempt_inline``) and writes rows only for the ones that
failed, before it answers; a crash before the answer leaves the publisher to retry (at least
once, as AWS).

Failures: a client-side error (queue or function gone, endpoint rejects the request) is not
retried; server-side errors are retried per ``retry``; then the message goes to the
subscription's ``RedrivePolicy`` dead-letter queue, if any, else it is dropped and logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.core.errors import ServiceError, status_of
from fogbank.services.base import InternalClient
from fogbank.services.sns import envelope, http_delivery, retry
from fogbank.services.sns.messages import for_protocol
from fogbank.services.sns.signing import Signer
from fogbank.services.sns.store import Delivery, SnsStore, Subscription
from fogbank.services.sns.urls import Urls

log = logging.getLogger("fogbank.sns")

DELIVERED_PROTOCOLS = frozenset({"sqs", "lambda", "http", "https"})
INLINE_PROTOCOLS = frozenset({"sqs", "lambda"})  # first attempt made before Publish returns
RETRYABLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException",
                             "RequestThrottled", "ServiceUnavailable", "InternalFailure",
                             "InternalError", "ServiceException", "EC2ThrottledException",
                             "KMSThrottlingException", "ResourceConflictException"})


class DeliveryFailed(Exception):
    """One attempt failed; ``client_side`` failures are not retried."""

    def __init__(self, code: str, message: str, *, client_side: bool) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_side = client_side


class Deliverer:
    def __init__(self, store: SnsStore, signer: Signer, client: InternalClient, clock: Any,
                 ids: Any, urls: Urls) -> None:
        self.store = store
        self.signer = signer
        self.client = client
        self.clock = clock
        self.ids = ids
        self.urls = urls
        self._pending: dict[str, list[Delivery]] = {}
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._queue_urls: dict[str, str] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._pending = {}
        for delivery in self.store.pending_deliveries():
            self._pending.setdefault(delivery.subscription_arn, []).append(delivery)
        self._runner = asyncio.create_task(self._run(), name="sns-deliverer")

    async def stop(self) -> None:
        tasks = [task for task in (self._runner, *self._in_flight.values()) if task]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._runner = None
        self._in_flight.clear()

    def submit(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            self._pending.setdefault(delivery.subscription_arn, []).append(delivery)
        self._idle.clear()
        self._wake.set()

    async def deliver_now(self, deliveries: list[Delivery]) -> None:
        """Submit, and make the first attempt to queues and functions before returning, so
        a client that publishes and then reads its queue finds the message (AWS delivers
        within milliseconds too). HTTP/S attempts stay in the background; failures go on
        to the retry schedule as usual. Without a running deliverer the rows just wait."""
        self.submit(deliveries)
        if self._runner is None or self._runner.done():
            return
        self._dispatch_due()
        waiting = {self._in_flight[arn] for arn in {d.subscription_arn for d in deliveries}
                   if arn in self._in_flight and self._protocol_of(arn) in INLINE_PROTOCOLS}
        if waiting:
            await asyncio.wait(waiting)

    @property
    def running(self) -> bool:
        return self._runner is not None and not self._runner.done()

    async def attempt_inline(self, items: list[tuple[Subscription, dict[str, Any]]]
                             ) -> list[tuple[str, dict[str, Any], int, float]]:
        """First attempts, made now, for queue and function subscriptions of a standard
        topic, before anything is written: a delivery that succeeds needs no outbox row (the
        queue or the function's event queue holds it durably). Returns what is still owed,
        as ``(subscription_arn, payload, attempts made, due_s of the next)``; the caller
        writes those before acknowledging the Publish, then ``submit``s them."""
        owed: list[tuple[str, dict[str, Any], int, float]] = []
        for subscription, payload in items:
            try:
                await self._attempt(subscription, payload)
            except DeliveryFailed as failure:
                due_s = await self._after_failure(subscription, payload, 1, failure)
                if due_s is not None:
                    owed.append((subscription.arn, payload, 1, due_s))
        return owed

    def _protocol_of(self, subscription_arn: str) -> str:
        subscription = self.store.subscriptions.get(subscription_arn)
        return subscription.protocol if subscription else ""

    async def wait_idle(self, timeout_s: float = 10.0) -> None:
        """Wait until nothing is due or in flight (for tests and orderly shutdown)."""
        self._idle.clear()
        self._wake.set()
        await asyncio.wait_for(self._idle.wait(), timeout_s)

    # -- the loop ----------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            next_due = self._dispatch_due()
            if not self._in_flight and (next_due is None or next_due > self.clock.now()):
                self._idle.set()
            await self._wait(next_due)

    def _dispatch_due(self) -> float | None:
        now = self.clock.now()
        next_due: float | None = None
        for sub_arn, queue in list(self._pending.items()):
            if not queue:
                del self._pending[sub_arn]
                continue
            if sub_arn in self._in_flight:
                continue
            subscription = self.store.subscriptions.get(sub_arn)
            if subscription is None:
                self.store.finish([d.row_id for d in queue])
                del self._pending[sub_arn]
                continue
            ordered = self._is_fifo(subscription)
            batch: list[Delivery] = []
            for delivery in queue:
                if delivery.due_s <= now:
                    batch.append(delivery)
                else:
                    next_due = delivery.due_s if next_due is None else min(next_due,
                                                                           delivery.due_s)
                    if ordered:
                        break
            if batch:
                self._idle.clear()
                self._in_flight[sub_arn] = asyncio.create_task(
                    self._deliver_batch(subscription, batch, ordered))
        return next_due

    async def _wait(self, next_due: float | None) -> None:
        waiters: list[asyncio.Task[Any]] = [asyncio.create_task(self._wake.wait())]
        if next_due is not None:
            waiters.append(asyncio.create_task(self.clock.sleep_until(next_due)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def _is_fifo(self, subscription: Subscription) -> bool:
        topic = self.store.topics.get(subscription.topic_arn)
        return bool(topic and topic.fifo)

    async def _deliver_batch(self, subscription: Subscription, batch: list[Delivery],
                             ordered: bool) -> None:
        finished: list[int] = []
        try:
            for delivery in batch:
                if not await self._deliver_one(subscription, delivery):
                    if ordered:
                        break
                    continue
                finished.append(delivery.row_id)
        finally:
            self.store.finish(finished)
            done = set(finished)
            queue = self._pending.get(subscription.arn, [])
            queue[:] = [d for d in queue if d.row_id not in done]
            self._in_flight.pop(subscription.arn, None)
            self._wake.set()

    async def _deliver_one(self, subscription: Subscription, delivery: Delivery) -> bool:
        """True when the row is finished (delivered or given up)."""
        try:
            await self._attempt(subscription, delivery.payload)
            return True
        except DeliveryFailed as failure:
            delivery.attempts += 1
            due_s = await self._after_failure(subscription, delivery.payload,
                                              delivery.attempts, failure)
            if due_s is None:
                return True
            delivery.due_s = due_s
            self.store.reschedule(delivery)
            return False

    async def _after_failure(self, subscription: Subscription, payload: dict[str, Any],
                             attempts: int, failure: DeliveryFailed) -> float | None:
        """When to try again after ``attempts`` failed ones; None once given up (then the
        message has gone to the subscription's dead-letter queue, if any)."""
        delay = None if failure.client_side else retry.next_delay_s(
            subscription.protocol, attempts, self._http_policy(subscription))
        if delay is None:
            log.warning("SNS gave up delivering %s to %s: %s", payload.get("message_id"),
                        subscription.arn, failure.message)
            if payload.get("kind") == "Notification":
                await self._dead_letter(subscription, payload, failure)
            return None
        return float(self.clock.now() + delay)

    def _http_policy(self, subscription: Subscription) -> dict[str, Any] | None:
        if subscription.protocol not in ("http", "https"):
            return None
        topic = self.store.topics.get(subscription.topic_arn)
        return retry.effective_http_policy(topic.attributes.get("DeliveryPolicy") if topic
                                           else None,
                                           subscription.attributes.get("DeliveryPolicy"))

    # -- one attempt per protocol --------------------------------------------------------------

    async def _attempt(self, subscription: Subscription, payload: dict[str, Any]) -> None:
        await self._signer_ready()
        if payload.get("kind") == "SubscriptionConfirmation":
            await self._post_confirmation(subscription, payload)
            return
        protocol = subscription.protocol
        message = for_protocol(payload["messages"], protocol)
        if protocol == "sqs":
            body, attributes = self._sqs_body(subscription, payload, message)
            await self._send_to_queue(subscription.endpoint, body, attributes, payload)
        elif protocol == "lambda":
            await self._invoke(subscription, payload, message)
        elif protocol in ("http", "https"):
            await self._post_notification(subscription, payload, message)

    def _signature_version(self, topic_arn: str) -> str:
        topic = self.store.topics.get(topic_arn)
        return topic.attributes.get("SignatureVersion", "1") if topic else "1"

    async def _signer_ready(self) -> None:
        if not self.signer.ready:
            await asyncio.get_running_loop().run_in_executor(None, self.signer.ensure_key)

    def _notification(self, subscription: Subscription, payload: dict[str, Any],
                      message: str) -> dict[str, Any]:
        version = self._signature_version(subscription.topic_arn)
        document = envelope.notification(
            payload, message=message, unsubscribe_url=self.urls.unsubscribe(subscription.arn),
            signature="", signing_cert_url=self.urls.certificate(self.signer.cert_name),
            signature_version=version)
        document["Signature"] = self.signer.sign(document, version)
        return document

    def _sqs_body(self, subscription: Subscription, payload: dict[str, Any], message: str
                  ) -> tuple[str, dict[str, Any]]:
        if subscription.raw:
            return message, envelope.sqs_attributes(payload.get("attributes") or {})
        return envelope.to_text(self._notification(subscription, payload, message)), {}

    async def _send_to_queue(self, queue_arn: str, body: str, attributes: dict[str, Any],
                             payload: dict[str, Any]) -> None:
        parsed = parse_arn(queue_arn)
        if parsed is None:
            raise DeliveryFailed("InvalidParameter", f"bad queue ARN {queue_arn}",
                                 client_side=True)
        params: dict[str, Any] = {"MessageBody": body}
        if attributes:
            params["MessageAttributes"] = attributes
        if parsed.resource.endswith(".fifo") and payload.get("group_id"):
            params["MessageGroupId"] = payload["group_id"]
            params["MessageDeduplicationId"] = payload.get("dedup_id") or payload["message_id"]
        try:
            url = self._queue_urls.get(queue_arn)
            if url is None:
                found = await self.client.call(
                    "sqs", "GetQueueUrl", {"QueueName": parsed.resource,
                                           "QueueOwnerAWSAccountId": parsed.account_id},
                    region=parsed.region)
                url = str(found["QueueUrl"])
                self._queue_urls[queue_arn] = url
            await self.client.call("sqs", "SendMessage", {"QueueUrl": url, **params},
                                   region=parsed.region)
        except ServiceError as error:
            self._queue_urls.pop(queue_arn, None)
            raise _failure(error) from None

    async def _invoke(self, subscription: Subscription, payload: dict[str, Any],
                      message: str) -> None:
        document = self._notification(subscription, payload, message)
        event = envelope.lambda_event(
            payload, subscription_arn=subscription.arn, message=message,
            unsubscribe_url=document["UnsubscribeURL"], signature=document["Signature"],
            signing_cert_url=document["SigningCertURL"],
            signature_version=document["SignatureVersion"])
        parsed = parse_arn(subscription.endpoint)
        try:
            await self.client.call("lambda", "Invoke", {
                "FunctionName": subscription.endpoint, "InvocationType": "Event",
                "Payload": json.dumps(event).encode()},
                region=parsed.region if parsed else None)
        except ServiceError as error:
            raise _failure(error) from None

    async def _post_notification(self, subscription: Subscription, payload: dict[str, Any],
                                 message: str) -> None:
        headers = {"x-amz-sns-message-type": "Notification",
                   "x-amz-sns-message-id": payload["message_id"],
                   "x-amz-sns-topic-arn": subscription.topic_arn,
                   "x-amz-sns-subscription-arn": subscription.arn}
        if subscription.raw:
            headers["x-amz-sns-rawdelivery"] = "true"
            body = message
        else:
            body = envelope.to_text(self._notification(subscription, payload, message))
        await self._post(subscription.endpoint, body, headers)

    async def _post_confirmation(self, subscription: Subscription,
                                 payload: dict[str, Any]) -> None:
        document = envelope.confirmation(
            kind="SubscriptionConfirmation", message_id=payload["message_id"],
            token=payload["token"], topic_arn=subscription.topic_arn,
            subscribe_url=self.urls.confirm(subscription.topic_arn, payload["token"]),
            timestamp_s=payload["timestamp_s"])
        version = self._signature_version(subscription.topic_arn)
        document["SignatureVersion"] = version
        document["Signature"] = self.signer.sign(document, version)
        document["SigningCertURL"] = self.urls.certificate(self.signer.cert_name)
        headers = {"x-amz-sns-message-type": "SubscriptionConfirmation",
                   "x-amz-sns-message-id": payload["message_id"],
                   "x-amz-sns-topic-arn": subscription.topic_arn}
        await self._post(subscription.endpoint, envelope.to_text(document), headers)

    async def _post(self, url: str, body: str, headers: dict[str, str]) -> None:
        headers = {"Content-Type": "text/plain; charset=UTF-8",
                   "User-Agent": "Amazon Simple Notification Service Agent", **headers}
        try:
            status = await http_delivery.post(url, body.encode(), headers)
        except (OSError, TimeoutError) as error:
            raise DeliveryFailed("ConnectionError", str(error) or type(error).__name__,
                                 client_side=False) from None
        if not 200 <= status < 300:
            raise DeliveryFailed(str(status), f"endpoint answered HTTP {status}",
                                 client_side=False)

    # -- dead letters -------------------------------------------------------------------------

    async def _dead_letter(self, subscription: Subscription, payload: dict[str, Any],
                           failure: DeliveryFailed) -> None:
        try:
            policy = json.loads(subscription.attributes.get("RedrivePolicy") or "{}")
        except ValueError:
            return
        target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
        if not target:
            return
        message = for_protocol(payload["messages"], subscription.protocol)
        if subscription.raw:
            body, attributes = message, envelope.sqs_attributes(payload.get("attributes") or {})
        else:
            body = envelope.to_text(self._notification(subscription, payload, message))
            attributes = {}
        attributes.update({
            "ErrorCode": {"DataType": "String", "StringValue": failure.code},
            "ErrorMessage": {"DataType": "String", "StringValue": failure.message[:1000]},
            "RequestID": {"DataType": "String", "StringValue": self.ids.uuid()},
        })
        try:
            await self._send_to_queue(str(target), body, attributes, payload)
        except DeliveryFailed as error:
            log.warning("SNS dead-letter queue %s of %s failed: %s", target,
                        subscription.arn, error.message)


def _failure(error: ServiceError) -> DeliveryFailed:
    code = error.error_code
    retryable = code in RETRYABLE_CODES or status_of(error) >= 500 or status_of(error) == 429
    return DeliveryFailed(code, error.message or code, client_side=not retryable)
