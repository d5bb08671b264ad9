"""Forwards the EventBridge event it receives to a queue, so a test can read it back."""

import json
import os

import boto3

sqs = boto3.client("sqs")


def handle(event, context):
    sqs.send_message(QueueUrl=os.environ["FORWARD_QUEUE_URL"], MessageBody=json.dumps(event))
    return {"ok": True}
