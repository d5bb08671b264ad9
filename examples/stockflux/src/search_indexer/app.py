"""Keeps the search index in step with the securities table: a DynamoDB stream consumer.

Each stream record (NEW_AND_OLD_IMAGES) is processed on its own by Powertools'
``AsyncBatchProcessor``: the index items of the old image that the new image does not have are
deleted and the new image's items are put (``stockflux_market.search_index.changes``; the
design of the index is explained there). A record that fails is reported in
``batchItemFailures``, so Lambda retries from it without redoing the whole batch; replaying
a record is harmless because the items are a pure function of the images.

Records of different securities are written concurrently (``WRITERS`` BatchWriteItem calls
in flight, boto3 in threads); records of the same security wait for each other in stream
order (a FIFO lock per ``securityId``), so a create-then-rename in one batch ends renamed.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    EventType,
    async_process_partial_response,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from stockflux_market.dynamo import batch_write, from_item, to_item
from stockflux_market.search_index import changes

logger = Logger()
processor = AsyncBatchProcessor(event_type=EventType.DynamoDBStreams)
dynamodb = boto3.client("dynamodb")
INDEX_TABLE = os.environ["SEARCH_INDEX_TABLE"]
WRITERS = 6


def write(requests: list[dict[str, Any]]) -> None:
    batch_write(dynamodb, INDEX_TABLE, requests)


def index_requests(stream_record: dict[str, Any]) -> list[dict[str, Any]]:
    """The BatchWriteItem requests that bring the index from the old image to the new."""
    todo = changes(from_item(stream_record.get("OldImage")),
                   from_item(stream_record.get("NewImage")))
    requests: list[dict[str, Any]] = [
        {"DeleteRequest": {"Key": {"prefix": {"S": prefix}, "rank": {"S": rank}}}}
        for prefix, rank in todo.deletes]
    requests.extend({"PutRequest": {"Item": to_item(item)}} for item in todo.puts)
    return requests


class OrderedWriter:
    """One invocation's writes: concurrent across securities, in order within one."""

    def __init__(self) -> None:
        self.locks: dict[str, asyncio.Lock] = {}
        self.slots = asyncio.Semaphore(WRITERS)

    async def handle(self, record: Any) -> None:
        stream_record = record.raw_event["dynamodb"]
        key = stream_record["Keys"]["securityId"]["S"]
        lock = self.locks.setdefault(key, asyncio.Lock())
        async with lock:  # taken in stream order: gather starts the handlers in order
            requests = index_requests(stream_record)
            if requests:
                async with self.slots:
                    await asyncio.to_thread(write, requests)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    writer = OrderedWriter()
    response = async_process_partial_response(
        event=event, record_handler=writer.handle, processor=processor, context=context)
    logger.info("indexed stream batch", extra={
        "records": len(event.get("Records", [])),
        "failures": len(response["batchItemFailures"])})
    return dict(response)
