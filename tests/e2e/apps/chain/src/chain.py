"""The chain's three handlers; each records the raw event it received in the Seen table."""

import json
import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")
dynamodb = boto3.client("dynamodb")
sns = boto3.client("sns")


def _seen(kind, event, context):
    dynamodb.put_item(TableName=os.environ["SEEN_TABLE"], Item={
        "id": {"S": f"{kind}:{context.aws_request_id}"}, "kind": {"S": kind},
        "event": {"S": json.dumps(event)}})


def ingest(event, context):
    _seen("s3", event, context)
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        for line in body.splitlines():
            order = json.loads(line)
            dynamodb.put_item(TableName=os.environ["ORDERS_TABLE"], Item={
                "id": {"S": order["id"]}, "amount": {"N": str(order["amount"])},
                "source": {"S": key}})


def announce(event, context):
    _seen("stream", event, context)
    for record in event["Records"]:
        if record["eventName"] != "INSERT":
            continue
        image = record["dynamodb"]["NewImage"]
        amount = int(image["amount"]["N"])
        sns.publish(TopicArn=os.environ["TOPIC_ARN"],
                    Message=json.dumps({"id": image["id"]["S"], "amount": amount,
                                        "source": image["source"]["S"]}),
                    MessageAttributes={"size": {"DataType": "String",
                                                "StringValue": "big" if amount > 100
                                                else "small"}})


def fulfil(event, context):
    _seen("sqs", event, context)
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        order = json.loads(envelope["Message"])
        dynamodb.put_item(TableName=os.environ["RESULTS_TABLE"], Item={
            "id": {"S": order["id"]}, "amount": {"N": str(order["amount"])},
            "source": {"S": order["source"]}})
