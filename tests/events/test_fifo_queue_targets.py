"""Rule targets that are SQS FIFO queues, delivered into a real SQS provider.

AWS requires a FIFO target queue to have content-based deduplication: EventBridge sends
the message group of ``SqsParameters`` and no deduplication id, so SQS refuses events bound
for a FIFO queue without it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from fogbank.core.clock import ManualClock
from fogbank.core.config import CloudConfig
from fogbank.core.ids import Ids
from fogbank.services.base import ServiceContext
from fogbank.services.dispatch import Dispatcher
from fogbank.services.events.provider import EventsProvider
from fogbank.services.sqs.provider import SqsProvider

REGION = "eu-west-1"


async def _deliver_to_two_fifo_queues(state_dir: Path) -> dict[str, list[dict[str, Any]]]:
    clock = ManualClock()
    config = CloudConfig(state_dir=state_dir, region=REGION)
    dispatcher = Dispatcher([], region=REGION, account_id=config.account_id, ids=Ids(seed=5))
    for provider_class in (SqsProvider, EventsProvider):
        dispatcher.add(provider_class(ServiceContext(  # type: ignore[call-arg]
            config, clock, dispatcher.ids, dispatcher,
            config.service_dir(provider_class.service))))
    for provider in dispatcher.providers.values():
        await provider.start()
    call = dispatcher.call
    try:
        urls, arns = {}, {}
        for name, content_based in (("plain.fifo", "false"), ("dedup.fifo", "true")):
            urls[name] = (await call("sqs", "CreateQueue", {"QueueName": name, "Attributes": {
                "FifoQueue": "true", "ContentBasedDeduplication": content_based}}))["QueueUrl"]
            arns[name] = (await call("sqs", "GetQueueAttributes", {
                "QueueUrl": urls[name], "AttributeNames": ["QueueArn"]}))["Attributes"]["QueueArn"]
        await call("events", "PutRule", {"Name": "orders",
                                         "EventPattern": json.dumps({"source": ["shop"]})})
        await call("events", "PutTargets", {"Rule": "orders", "Targets": [
            {"Id": name, "Arn": arn, "SqsParameters": {"MessageGroupId": "orders"}}
            for name, arn in arns.items()]})
        await call("events", "PutEvents", {"Entries": [
            {"Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"id": 1}'}]})
        received: dict[str, list[dict[str, Any]]] = {}
        for _ in range(200):  # let the outbox deliver (no AWS-visible time passes)
            await asyncio.sleep(0)
        for name, url in urls.items():
            answer = await call("sqs", "ReceiveMessage", {
                "QueueUrl": url, "MessageSystemAttributeNames": ["All"]})
            received[name] = answer.get("Messages", [])
        return received
    finally:
        for provider in reversed(list(dispatcher.providers.values())):
            await provider.stop()


def test_only_the_content_deduplicated_fifo_queue_receives_the_event(tmp_path: Path) -> None:
    received = asyncio.run(_deliver_to_two_fifo_queues(tmp_path))
    assert received["plain.fifo"] == []
    [message] = received["dedup.fifo"]
    assert message["Attributes"]["MessageGroupId"] == "orders"
    assert json.loads(message["Body"])["detail-type"] == "OrderPlaced"
