"""Queue attributes: names, defaults, validation and the redrive policies.

Attributes are kept as AWS shows them (strings); the numeric ones are checked against AWS's
ranges here, so the store only ever holds valid values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fogbank.services.sqs.errors import (
    InvalidAttributeName,
    InvalidAttributeValue,
    InvalidParameterValue,
)

MAX_MESSAGE_BYTES = 1_048_576
MAX_VISIBILITY_TIMEOUT_S = 43_200
MAX_DELAY_S = 900
MAX_WAIT_TIME_S = 20

# name → (minimum, maximum, default) for the integer attributes
INTEGER_ATTRIBUTES: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, MAX_DELAY_S, 0),
    "MaximumMessageSize": (1024, MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES),
    "MessageRetentionPeriod": (60, 1_209_600, 345_600),
    "ReceiveMessageWaitTimeSeconds": (0, MAX_WAIT_TIME_S, 0),
    "VisibilityTimeout": (0, MAX_VISIBILITY_TIMEOUT_S, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400, 300),
}
BOOLEAN_ATTRIBUTES = ("SqsManagedSseEnabled",)
FIFO_ATTRIBUTES = ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                   "FifoThroughputLimit")
JSON_ATTRIBUTES = ("Policy", "RedrivePolicy", "RedriveAllowPolicy")
SETTABLE_ATTRIBUTES = frozenset({*INTEGER_ATTRIBUTES, *BOOLEAN_ATTRIBUTES, *FIFO_ATTRIBUTES,
                                 *JSON_ATTRIBUTES, "KmsMasterKeyId"})
COMPUTED_ATTRIBUTES = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                       "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
                       "LastModifiedTimestamp", "QueueArn")
READABLE_ATTRIBUTES = frozenset({*SETTABLE_ATTRIBUTES, *COMPUTED_ATTRIBUTES})

QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
FIFO_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")


def validate_queue_name(name: str, fifo: bool) -> None:
    if fifo:
        if not FIFO_QUEUE_NAME.match(name):
            raise InvalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                "or underscores, must end with .fifo suffix and be 1 to 80 in length.")
    elif not QUEUE_NAME.match(name):
        raise InvalidParameterValue("Can only include alphanumeric characters, hyphens, or "
                                    "underscores. 1 to 80 in length")


def default_attributes(fifo: bool) -> dict[str, str]:
    attributes = {name: str(default) for name, (_, _, default) in INTEGER_ATTRIBUTES.items()
                  if name != "KmsDataKeyReusePeriodSeconds"}
    attributes["SqsManagedSseEnabled"] = "true"
    if fifo:
        attributes.update(FifoQueue="true", ContentBasedDeduplication="false",
                          DeduplicationScope="queue", FifoThroughputLimit="perQueue")
    return attributes


def is_true(value: str | None) -> bool:
    return str(value).lower() == "true"


def normalize(attributes: dict[str, Any], *, fifo: bool, creating: bool) -> dict[str, str]:
    """Check ``attributes`` (CreateQueue / SetQueueAttributes) and return them as AWS stores
    them. Raises ``InvalidAttributeName`` / ``InvalidAttributeValue`` like AWS."""
    result: dict[str, str] = {}
    for name, raw in attributes.items():
        value = str(raw) if not isinstance(raw, bool) else str(raw).lower()
        if name not in SETTABLE_ATTRIBUTES:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        if name in INTEGER_ATTRIBUTES:
            low, high, _ = INTEGER_ATTRIBUTES[name]
            if not re.fullmatch(r"-?\d+", value.strip()) or not low <= int(value) <= high:
                raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
            value = str(int(value))
        elif name in BOOLEAN_ATTRIBUTES or name in ("FifoQueue", "ContentBasedDeduplication"):
            if value.lower() not in ("true", "false"):
                raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
            value = value.lower()
            if name == "FifoQueue" and not creating:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
        elif name == "DeduplicationScope" and value not in ("messageGroup", "queue"):
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        elif name == "FifoThroughputLimit" and value not in ("perQueue", "perMessageGroupId"):
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        elif name in JSON_ATTRIBUTES and value:
            try:
                json.loads(value)
            except ValueError:
                raise InvalidAttributeValue(f"Invalid value for the parameter {name}."
                                            ) from None
        if name in FIFO_ATTRIBUTES and name != "FifoQueue" and not fifo:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        result[name] = value
    if (result.get("FifoThroughputLimit") == "perMessageGroupId"
            and result.get("DeduplicationScope") == "queue"):
        raise InvalidAttributeValue("Invalid value for the parameter FifoThroughputLimit. "
                                    "Reason: perMessageGroupId is only available when "
                                    "DeduplicationScope is messageGroup.")
    return result


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int


def parse_redrive_policy(text: str | None) -> RedrivePolicy | None:
    """The queue's RedrivePolicy, or ``None`` when unset or empty."""
    if not text:
        return None
    policy = json.loads(text)
    if not policy:
        return None
    invalid = f"Value {text} for parameter RedrivePolicy is invalid. Reason: "
    if not isinstance(policy, dict):
        raise InvalidParameterValue(invalid + "Redrive policy is not a dict or valid json.")
    if "deadLetterTargetArn" not in policy:
        raise InvalidParameterValue(invalid + "Redrive policy does not contain "
                                    "deadLetterTargetArn.")
    if "maxReceiveCount" not in policy:
        raise InvalidParameterValue(invalid + "Redrive policy does not contain "
                                    "maxReceiveCount.")
    try:
        count = int(str(policy["maxReceiveCount"]))
    except ValueError:
        count = 0
    if not 1 <= count <= 1000:
        raise InvalidParameterValue(invalid + "Invalid value for maxReceiveCount: "
                                    f"{policy['maxReceiveCount']}, valid values are from 1 "
                                    "to 1000 both inclusive.")
    return RedrivePolicy(str(policy["deadLetterTargetArn"]), count)


def redrive_allows(allow_policy_text: str | None, source_arn: str) -> bool:
    """Whether a dead-letter queue's RedriveAllowPolicy lets ``source_arn`` use it."""
    if not allow_policy_text:
        return True
    policy = json.loads(allow_policy_text)
    permission = policy.get("redrivePermission", "allowAll")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in (policy.get("sourceQueueArns") or [])
    return True


def check_redrive_allow_policy(text: str) -> None:
    invalid = f"Value {text} for parameter RedriveAllowPolicy is invalid. Reason: "
    if not text:
        return
    policy = json.loads(text)
    if not isinstance(policy, dict):
        raise InvalidParameterValue(invalid + "Redrive allow policy is not a valid json.")
    permission = policy.get("redrivePermission")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise InvalidParameterValue(invalid + "Invalid value for redrivePermission.")
    sources = policy.get("sourceQueueArns")
    if permission == "byQueue":
        if not isinstance(sources, list) or not sources:
            raise InvalidParameterValue(invalid + "Specify sourceQueueArns when you set "
                                        "redrivePermission to byQueue.")
        if len(sources) > 10:
            raise InvalidParameterValue(invalid + "Up to 10 sourceQueueArns are allowed.")
    elif sources:
        raise InvalidParameterValue(invalid + "Only specify sourceQueueArns when you set "
                                    "redrivePermission to byQueue.")
