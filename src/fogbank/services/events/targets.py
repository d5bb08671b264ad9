"""Sending one payload to one target ARN through the internal client, as AWS services do.

Lambda ``Invoke`` (asynchronous), SQS ``GetQueueUrl`` + ``SendMessage`` (FIFO queues take
``SqsParameters.MessageGroupId`` and no deduplication id: as on AWS, a FIFO target queue needs
content-based deduplication, or SQS refuses the message), SNS ``Publish``,
Step Functions ``StartExecution``, CloudWatch Logs ``PutLogEvents`` and another event bus
(``PutEvents`` with the entry the caller built). Used by EventBridge rules and by
EventBridge Scheduler; failures surface as ``ServiceError`` for the outbox to retry.
"""

from __future__ import annotations

from typing import Any

from fogbank.core.arns import parse_arn
from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient

SUPPORTED_SERVICES = ("lambda", "sqs", "sns", "states", "logs", "events")


class TargetError(ServiceError):
    """A target that cannot receive the payload (bad ARN, failed bus entry)."""

    code = "InvalidTarget"


def target_service(arn: str) -> str | None:
    parsed = parse_arn(arn)
    return parsed.service if parsed else None


def sqs_dead_letter_arn(target: dict[str, Any]) -> str | None:
    config = target.get("DeadLetterConfig") or {}
    arn = config.get("Arn")
    return str(arn) if arn else None


async def send(client: InternalClient, target: dict[str, Any], payload: str, *,
               event_id: str, bus_entry: dict[str, Any] | None = None,
               message_attributes: dict[str, Any] | None = None, now_ms: int = 0) -> None:
    arn = str(target["Arn"])
    parsed = parse_arn(arn)
    if parsed is None:
        raise TargetError(f"Target ARN {arn} is not valid.")
    region = parsed.region or None
    if parsed.service == "lambda":
        await client.call("lambda", "Invoke", {
            "FunctionName": arn, "InvocationType": "Event", "Payload": payload.encode()},
            region=region)
    elif parsed.service == "sqs":
        # No deduplication id: AWS requires a FIFO target queue to have content-based
        # deduplication, and SQS refuses the send (a failed delivery) when it has not.
        await send_sqs(client, arn, payload, group_id=(target.get("SqsParameters") or {})
                       .get("MessageGroupId"), message_attributes=message_attributes)
    elif parsed.service == "sns":
        await client.call("sns", "Publish", {"TopicArn": arn, "Message": payload},
                          region=region)
    elif parsed.service == "states":
        await client.call("stepfunctions", "StartExecution",
                          {"stateMachineArn": arn, "input": payload}, region=region)
    elif parsed.service == "logs":
        await _send_logs(client, parsed.resource, payload, event_id, region, now_ms)
    elif parsed.service == "events" and parsed.resource.startswith("event-bus/"):
        entry = dict(bus_entry or {})
        entry["EventBusName"] = arn
        result = await client.call("events", "PutEvents", {"Entries": [entry]}, region=region)
        failed = [e for e in result.get("Entries", []) if e.get("ErrorCode")]
        if failed:
            raise TargetError(f"{failed[0]['ErrorCode']}: {failed[0].get('ErrorMessage', '')}")
    else:
        raise TargetError(f"Targets of service {parsed.service} are not supported by fogbank.")


async def send_sqs(client: InternalClient, queue_arn: str, body: str, *,
                   group_id: str | None = None, dedup_id: str | None = None,
                   message_attributes: dict[str, Any] | None = None) -> None:
    parsed = parse_arn(queue_arn)
    if parsed is None:
        raise TargetError(f"Target ARN {queue_arn} is not valid.")
    found = await client.call("sqs", "GetQueueUrl", {
        "QueueName": parsed.resource, "QueueOwnerAWSAccountId": parsed.account_id},
        region=parsed.region or None)
    params: dict[str, Any] = {"QueueUrl": found["QueueUrl"], "MessageBody": body}
    if parsed.resource.endswith(".fifo"):
        params["MessageGroupId"] = group_id or "default"
        if dedup_id:
            params["MessageDeduplicationId"] = dedup_id
    if message_attributes:
        params["MessageAttributes"] = message_attributes
    await client.call("sqs", "SendMessage", params, region=parsed.region or None)


async def _send_logs(client: InternalClient, resource: str, payload: str, event_id: str,
                     region: str | None, now_ms: int) -> None:
    group = resource.removeprefix("log-group:").removesuffix(":*")
    try:
        await client.call("logs", "CreateLogStream",
                          {"logGroupName": group, "logStreamName": event_id}, region=region)
    except ServiceError as error:
        if error.error_code != "ResourceAlreadyExistsException":
            raise
    await client.call("logs", "PutLogEvents", {
        "logGroupName": group, "logStreamName": event_id,
        "logEvents": [{"timestamp": now_ms, "message": payload}]}, region=region)


def dead_letter_attributes(source_arn: str, target_arn: str, error: ServiceError,
                           condition: str) -> dict[str, Any]:
    """The message attributes AWS puts on dead-lettered events."""
    attributes = {
        "RULE_ARN": source_arn, "TARGET_ARN": target_arn,
        "ERROR_CODE": error.error_code, "ERROR_MESSAGE": error.message or error.error_code,
    }
    if condition:
        attributes["EXHAUSTED_RETRY_CONDITION"] = condition
    return {name: {"DataType": "String", "StringValue": value}
            for name, value in attributes.items() if value}
