"""Delivering invocation records to destinations and dead-letter queues, by ARN, through
the internal client with the AWS operation each target takes (as Lambda does)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.base import InternalClient

DESTINATION_SERVICES = ("sqs", "sns", "lambda", "events")
DETAIL_TYPES = {True: "Lambda Function Invocation Result - Success",
                False: "Lambda Function Invocation Result - Failure"}


def arn_service(arn: str) -> str:
    parts = str(arn).split(":", 5)
    return parts[2] if len(parts) == 6 and parts[0] == "arn" else ""


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    return parts[3], parts[4], parts[5]


async def queue_url(client: InternalClient, queue_arn: str) -> str:
    region, account, name = _arn_parts(queue_arn)
    result = await client.call("sqs", "GetQueueUrl", {
        "QueueName": name, "QueueOwnerAWSAccountId": account}, region=region or None)
    return str(result["QueueUrl"])


async def send_record(client: InternalClient, destination_arn: str, record: dict[str, Any],
                      *, success: bool, function_arn: str, s3_key: str = "") -> None:
    """Send an invocation record (async or stream failure) to ``destination_arn``; an S3
    destination stores it as the object ``s3_key``."""
    body = json.dumps(record)
    service = arn_service(destination_arn)
    region = _arn_parts(destination_arn)[0] or None if service else None
    if service == "sqs":
        url = await queue_url(client, destination_arn)
        await client.call("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": body},
                          region=region)
    elif service == "sns":
        await client.call("sns", "Publish", {"TopicArn": destination_arn, "Message": body},
                          region=region)
    elif service == "lambda":
        await client.call("lambda", "Invoke", {
            "FunctionName": destination_arn, "InvocationType": "Event",
            "Payload": body.encode()}, region=region)
    elif service == "events":
        await client.call("events", "PutEvents", {"Entries": [{
            "Source": "lambda", "DetailType": DETAIL_TYPES[success], "Detail": body,
            "EventBusName": destination_arn, "Resources": [function_arn]}]}, region=region)
    elif service == "s3" and s3_key:
        bucket = _arn_parts(destination_arn)[2]
        await client.call("s3", "PutObject", {"Bucket": bucket, "Key": s3_key,
                                              "Body": body.encode()}, region=region)
    else:
        raise ValueError(f"unsupported destination {destination_arn}")


async def send_dead_letter(client: InternalClient, target_arn: str, payload: bytes, *,
                           request_id: str, error_code: str, error_message: str) -> None:
    """The function's DeadLetterConfig: the original event with Lambda's attributes."""
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": error_code},
        "ErrorMessage": {"DataType": "String", "StringValue": error_message[:1024] or "-"},
    }
    text = payload.decode("utf-8", "replace")
    region = _arn_parts(target_arn)[0] or None
    if arn_service(target_arn) == "sqs":
        url = await queue_url(client, target_arn)
        await client.call("sqs", "SendMessage", {
            "QueueUrl": url, "MessageBody": text, "MessageAttributes": attributes},
            region=region)
    elif arn_service(target_arn) == "sns":
        await client.call("sns", "Publish", {
            "TopicArn": target_arn, "Message": text, "MessageAttributes": attributes},
            region=region)
    else:
        raise ValueError(f"unsupported dead-letter target {target_arn}")
