"""The scheduled news ingest: reads the stories of the feed since the last run into the
news table.

Invoked by an EventBridge schedule (``rate(15 minutes)``): the window ends at the scheduled
event's ``time`` and starts at the checkpoint left by the previous run (the item
``symbol = "#checkpoint"``, ``storyKey = <feed name>``), at most ``MAX_CATCH_UP_S`` back; a
first run backfills ``BACKFILL_S``. Also the handler of the ``Custom::NewsBackfill``
resource, so a new stack has news at once (it always answers CloudFormation). Story items
expire (TTL ``expiresAt``) after ``RETENTION_S``; writing the same story twice rewrites the
same item, so overlapping or repeated runs are harmless.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from stockflux_market.custom_resource import answer_cloudformation
from stockflux_market.dynamo import batch_write
from stockflux_market.news_feed import NewsFeed, SyntheticNewsFeed

logger = Logger()
dynamodb = boto3.client("dynamodb")
NEWS_TABLE = os.environ["NEWS_TABLE"]
FEEDS = {"synthetic": SyntheticNewsFeed}
BACKFILL_S = 24 * 3600
MAX_CATCH_UP_S = 48 * 3600
RETENTION_S = 30 * 24 * 3600
CHECKPOINT = "#checkpoint"


def feed() -> NewsFeed:
    name = os.environ.get("NEWS_FEED", "synthetic")
    if name not in FEEDS:
        raise ValueError(f"unknown news feed {name!r}; known: {sorted(FEEDS)}")
    return FEEDS[name]()


def checkpoint(feed_name: str) -> int | None:
    item = dynamodb.get_item(TableName=NEWS_TABLE, ConsistentRead=True, Key={
        "symbol": {"S": CHECKPOINT}, "storyKey": {"S": feed_name}}).get("Item")
    return int(item["untilMs"]["N"]) if item else None


def save_checkpoint(feed_name: str, until_ms: int) -> None:
    try:
        dynamodb.put_item(
            TableName=NEWS_TABLE,
            Item={"symbol": {"S": CHECKPOINT}, "storyKey": {"S": feed_name},
                  "untilMs": {"N": str(until_ms)}},
            ConditionExpression="attribute_not_exists(untilMs) OR untilMs < :until",
            ExpressionAttributeValues={":until": {"N": str(until_ms)}})
    except ClientError as exc:  # a later run got there first
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def ingest(until_ms: int) -> dict[str, int]:
    """Read the feed's stories of (checkpoint, until_ms) into the table."""
    source = feed()
    since_ms = checkpoint(source.name)
    if since_ms is None:
        since_ms = until_ms - BACKFILL_S * 1000
    since_ms = max(since_ms, until_ms - MAX_CATCH_UP_S * 1000)
    items = []
    if since_ms < until_ms:
        for story in source.stories(since_ms, until_ms):
            for symbol in story.symbols:
                items.append({
                    "symbol": {"S": symbol},
                    "storyKey": {"S": f"{story.time_ms:013d}#{story.story_id}"},
                    "title": {"S": story.title}, "source": {"S": story.source},
                    "summary": {"S": story.summary}, "url": {"S": story.url},
                    "time": {"N": str(story.time_ms)},
                    "expiresAt": {"N": str(story.time_ms // 1000 + RETENTION_S)},
                })
        batch_write(dynamodb, NEWS_TABLE, [{"PutRequest": {"Item": item}} for item in items])
        save_checkpoint(source.name, until_ms)
    summary = {"sinceMs": since_ms, "untilMs": until_ms, "stories": len(items)}
    logger.info("news ingested", extra=summary)
    return summary


def event_time_ms(event: dict[str, Any]) -> int:
    """The scheduled event's ``time`` (ISO 8601), else now."""
    stamp = event.get("time")
    if isinstance(stamp, str):
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
    return int(time.time() * 1000)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "RequestType" not in event:
        return ingest(event_time_ms(event))
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            data = {"Stories": ingest(int(time.time() * 1000))["stories"]}
    except Exception as exc:  # any failure must still answer CloudFormation
        logger.exception("news backfill failed")
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"
    answer_cloudformation(event, status, reason or "see the function's log",
                          event.get("PhysicalResourceId") or "news-backfill", data)
    return {"status": status}
