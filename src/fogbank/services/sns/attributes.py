"""Topic and subscription attributes: which can be set, their checks and AWS's defaults."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.sns import retry
from fogbank.services.sns.errors import InternalErrorException, invalid
from fogbank.services.sns.filter_policy import SCOPES, FilterPolicyError, compile_policy

TOPIC_SETTABLE = frozenset({
    "Policy", "DisplayName", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion",
    "TracingConfig", "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope",
    "DataProtectionPolicy",
    *(f"{protocol}{suffix}" for protocol in ("HTTP", "Firehose", "Lambda", "SQS",
                                             "Application")
      for suffix in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate",
                     "FailureFeedbackRoleArn")),
})
TOPIC_CREATE_ONLY = frozenset({"FifoTopic"})
SUBSCRIPTION_SETTABLE = frozenset({"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                                   "RawMessageDelivery", "RedrivePolicy",
                                   "SubscriptionRoleArn", "ReplayPolicy"})
RAW_PROTOCOLS = frozenset({"sqs", "http", "https", "firehose"})


def default_policy(topic_arn: str, account_id: str) -> str:
    return json.dumps({
        "Version": "2008-10-17", "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                       "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
                       "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
        }],
    }, separators=(",", ":"))


def check_topic_attribute(name: str, value: str, *, fifo: bool, creating: bool) -> str:
    """The value to store, or an InvalidParameter as AWS raises it."""
    if name not in TOPIC_SETTABLE and not (creating and name in TOPIC_CREATE_ONLY):
        raise invalid("AttributeName")
    if name in ("FifoTopic", "ContentBasedDeduplication"):
        if str(value).lower() not in ("true", "false"):
            raise invalid(f"Attributes Reason: {name}: Invalid value [{value}] for {name}."
                          " Expected: true or false")
        if name == "ContentBasedDeduplication" and not fifo and str(value).lower() == "true":
            raise invalid("Attributes Reason: Content based deduplication can only be set"
                          " for FIFO topics")
        return str(value).lower()
    if name in ("Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy") and value:
        _json_object(name, value)
    if name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid("Attributes Reason: SignatureVersion: Invalid value"
                      f" [{value}]. Expected: 1 or 2")
    if name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise invalid(f"Attributes Reason: TracingConfig: Invalid value [{value}]")
    return str(value)


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        document = json.loads(value)
    except ValueError:
        raise invalid(f"Attributes Reason: {name}: failed to parse JSON") from None
    if not isinstance(document, dict):
        raise invalid(f"Attributes Reason: {name}: must be a JSON object")
    return document


def topic_view(*, arn: str, account_id: str, stored: dict[str, str], confirmed: int,
               pending: int, deleted: int) -> dict[str, str]:
    """GetTopicAttributes: stored values over AWS's defaults."""
    view = {
        "Policy": default_policy(arn, account_id),
        "Owner": account_id,
        "SubscriptionsPending": str(pending),
        "TopicArn": arn,
        "EffectiveDeliveryPolicy": json.dumps(retry.default_effective_delivery_policy(),
                                              separators=(",", ":")),
        "SubscriptionsConfirmed": str(confirmed),
        "DisplayName": "",
        "SubscriptionsDeleted": str(deleted),
    }
    view.update(stored)
    if stored.get("DeliveryPolicy"):
        view["EffectiveDeliveryPolicy"] = stored["DeliveryPolicy"]
    if stored.get("FifoTopic") == "true":
        view.setdefault("ContentBasedDeduplication", "false")
    else:
        view.pop("FifoTopic", None)
    return view


def check_subscription_attribute(name: str, value: str, *, protocol: str,
                                 current: dict[str, str]) -> str:
    if name not in SUBSCRIPTION_SETTABLE:
        raise invalid("AttributeName")
    if name == "RawMessageDelivery":
        lowered = str(value).lower()
        if lowered not in ("true", "false"):
            raise invalid(f"Attributes Reason: RawMessageDelivery: Invalid value [{value}]."
                          " Must be true or false.")
        if lowered == "true" and protocol not in RAW_PROTOCOLS:
            raise invalid(f"Attributes Reason: Delivery protocol [{protocol}] does not"
                          " support raw message delivery.")
        return lowered
    if name == "FilterPolicyScope":
        if value not in SCOPES:
            raise invalid("FilterPolicyScope: Invalid filter policy scope, please use either"
                          " MessageBody or MessageAttributes")
        if current.get("FilterPolicy"):
            _compile(current["FilterPolicy"], value)
        return value
    if name == "FilterPolicy":
        if value:
            _compile(value, current.get("FilterPolicyScope"))
        return value
    if name == "RedrivePolicy" and value:
        document = _json_object(name, value)
        target = document.get("deadLetterTargetArn")
        if not isinstance(target, str) or not target.startswith("arn:") \
                or target.split(":")[2:3] != ["sqs"]:
            raise invalid("RedrivePolicy: deadLetterTargetArn must be an ARN of an Amazon"
                          " SQS queue")
    if name == "DeliveryPolicy" and value:
        _json_object(name, value)
    return value


def _compile(policy: str, scope: str | None) -> None:
    try:
        compile_policy(policy, scope)
    except FilterPolicyError as error:
        if error.internal:
            raise InternalErrorException("Unknown") from None
        raise invalid(str(error).removeprefix("Invalid parameter: ")) from None


def subscription_view(*, arn: str, topic_arn: str, owner: str, protocol: str, endpoint: str,
                      pending: bool, stored: dict[str, str],
                      topic_delivery_policy: str | None) -> dict[str, str]:
    view = {
        "ConfirmationWasAuthenticated": "true" if not pending else "false",
        "PendingConfirmation": "true" if pending else "false",
        "Owner": owner,
        "RawMessageDelivery": "false",
        "TopicArn": topic_arn,
        "Endpoint": endpoint,
        "Protocol": protocol,
        "SubscriptionArn": arn,
    }
    if protocol in ("http", "https"):
        view["EffectiveDeliveryPolicy"] = json.dumps({
            "healthyRetryPolicy": retry.effective_http_policy(
                topic_delivery_policy, stored.get("DeliveryPolicy"))},
            separators=(",", ":"))
    view.update({key: value for key, value in stored.items() if value != ""})
    if view.get("FilterPolicy"):
        view.setdefault("FilterPolicyScope", "MessageAttributes")
    else:
        view.pop("FilterPolicyScope", None)
        view.pop("FilterPolicy", None)
    return view
