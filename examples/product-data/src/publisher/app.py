"""Model table's stream → the changes topic (the cascade's second step).

Each record of the internal model's stream becomes one SNS message: the product's new state,
what changed and the idempotency key (``sku#version``) in the body, and the message
attributes receivers' filter policies select on (``product_data.model.message_attributes``).
Messages go out ten at a time with PublishBatch; a record whose entry SNS did not accept is
reported in ``batchItemFailures``, so the mapping retries from it (records before it are not
published twice; those after it may be — receivers deduplicate by the key).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.typing import LambdaContext
from product_data.model import change_message, message_attributes, plain

logger = Logger()
sns = boto3.client("sns")
TOPIC_ARN = os.environ["CHANGES_TOPIC_ARN"]
PUBLISH_BATCH = 10


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    entries: list[tuple[str, dict[str, Any]]] = []  # (sequence number, PublishBatch entry)
    for record in DynamoDBStreamEvent(event).records:
        change_type = record.event_name.name if record.event_name else "MODIFY"
        old = record.dynamodb.old_image if record.dynamodb else None
        new = record.dynamodb.new_image if record.dynamodb else None
        message = change_message(change_type, old or None,
                                 new if change_type != "REMOVE" else None)
        entries.append((record.dynamodb.sequence_number, {  # type: ignore[union-attr]
            "Id": str(len(entries) % PUBLISH_BATCH),
            "Message": json.dumps(plain(message), sort_keys=True),
            "MessageAttributes": message_attributes(message)}))
    failed: list[str] = []
    for start in range(0, len(entries), PUBLISH_BATCH):
        chunk = entries[start:start + PUBLISH_BATCH]
        try:
            result = sns.publish_batch(TopicArn=TOPIC_ARN,
                                       PublishBatchRequestEntries=[e for _, e in chunk])
        except Exception:  # noqa: BLE001 - the whole chunk is retried by the mapping
            logger.exception("PublishBatch failed")
            failed.extend(sequence for sequence, _ in chunk)
            continue
        for failure in result.get("Failed", []):
            failed.append(chunk[int(failure["Id"])][0])
            logger.warning("change not accepted", extra={"failure": failure})
    logger.debug("published", extra={"changes": len(entries), "failed": len(failed)})
    return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}
