"""Count every delivered id in the Deliveries table; fail on poison, as a consumer would."""

import json
import os
import time

import boto3

dynamodb = boto3.client("dynamodb")


def _count(table, work_id, source):
    dynamodb.update_item(
        TableName=table, Key={"id": {"S": work_id}},
        UpdateExpression="ADD deliveries :one SET #source = :source",
        ExpressionAttributeNames={"#source": "source"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":source": {"S": source}})


def _work(body):
    """The work item of an SQS body: sent directly, or inside an SNS notification."""
    document = json.loads(body)
    if document.get("Type") == "Notification" and "TopicArn" in document:
        return json.loads(document["Message"]), "sns"
    return document, "sqs"


def _busy():
    time.sleep(float(os.environ.get("WORK_SECONDS", "0")))


def worker(event, context):
    _busy()
    failures = []
    for record in event["Records"]:
        work, source = _work(record["body"])
        if work.get("poison"):
            # Count the attempt, then fail this one message only (the rest of the batch is
            # deleted by the poller).
            _count(os.environ["DELIVERIES_TABLE"], "attempt:" + work["id"], source)
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        _count(os.environ["DELIVERIES_TABLE"], work["id"], source)
    return {"batchItemFailures": failures}


def direct(event, context):
    if event.get("poison"):
        raise ValueError("poison event " + event["id"])
    _busy()
    _count(os.environ["DELIVERIES_TABLE"], event["id"], "async")
    return {"ok": event["id"]}


def notified(event, context):
    for record in event["Records"]:
        work = json.loads(record["Sns"]["Message"])
        _count(os.environ["DELIVERIES_TABLE"], "notified:" + work["id"], "sns-lambda")


def mirror(event, context):
    for record in event["Records"]:
        if record["eventName"] == "INSERT":
            _count(os.environ["MIRRORED_TABLE"], record["dynamodb"]["Keys"]["id"]["S"], "stream")
