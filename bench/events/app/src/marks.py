"""Bench handlers: note when each handler started (``marks`` table), or copy each SQS message
of a batch into the ``sink`` table with the time it was written (the pipeline)."""

import json
import os
import time
from urllib.parse import unquote_plus

import boto3

_dynamodb = boto3.client("dynamodb")
MARKS = os.environ["MARKS_TABLE"]
SINK = os.environ["SINK_TABLE"]


def _mark(ids, started):
    for start in range(0, len(ids), 25):
        _dynamodb.batch_write_item(RequestItems={MARKS: [
            {"PutRequest": {"Item": {"id": {"S": ident}, "started": {"N": repr(started)}}}}
            for ident in ids[start:start + 25]]})


def on_upload(event, context):
    started = time.time()
    _mark([unquote_plus(r["s3"]["object"]["key"]) for r in event["Records"]], started)


def on_message(event, context):
    started = time.time()
    _mark([json.loads(r["body"])["id"] for r in event["Records"]], started)


def on_record(event, context):
    started = time.time()
    _mark([r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]
           if r["eventName"] != "REMOVE"], started)


def pipeline(event, context):
    started = time.time()
    items = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        items.append({"PutRequest": {"Item": {
            "id": {"S": body["id"]}, "sent": {"N": repr(body["sent"])},
            "started": {"N": repr(started)}, "written": {"N": repr(time.time())}}}})
    pending = {SINK: items}
    while pending:
        pending = _dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems")
