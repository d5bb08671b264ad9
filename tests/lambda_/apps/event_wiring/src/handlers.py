"""Handlers of the event-wiring app: Powertools' BatchProcessor with partial failures."""

import json
import os
import time

import boto3
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

table = boto3.resource("dynamodb").Table(os.environ["PROCESSED_TABLE"])
sqs_processor = BatchProcessor(event_type=EventType.SQS)
stream_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _remember(item_id, source, event_json):
    table.put_item(Item={"id": item_id, "source": source, "event": event_json})


def _order(record):
    body = record.body
    if body.startswith("bad"):
        raise ValueError(f"cannot process {body}")
    if body.startswith("crash"):
        os._exit(3)
    if body.startswith("slow"):
        time.sleep(5)
    _remember(f"sqs:{body}", "sqs", json.dumps(record.raw_event))


def orders(event, context):
    _remember(f"batch:{context.aws_request_id}", "sqs-batch", json.dumps(event))
    return process_partial_response(event=event, record_handler=_order,
                                    processor=sqs_processor, context=context)


def _change(record):
    image = record.dynamodb.new_image or {}
    if image.get("status") == "bad":
        raise ValueError("bad change")
    _remember(f"ddb:{image['id']}", "ddb", json.dumps(record.raw_event, default=str))


def changes(event, context):
    _remember(f"ddb-batch:{context.aws_request_id}", "ddb-batch", json.dumps(event))
    return process_partial_response(event=event, record_handler=_change,
                                    processor=stream_processor, context=context)


def worker(event, context):
    if event.get("fail"):
        raise RuntimeError("async work failed")
    _remember(f"async:{event['id']}", "async", json.dumps(event))
    return {"done": event["id"]}
