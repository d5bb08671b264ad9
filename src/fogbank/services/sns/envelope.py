"""What a subscriber receives: the JSON notification envelope (SQS, HTTP/S, email-json),
the Lambda event, and raw deliveries with message attributes mapped to SQS attributes.

The envelope key order and ``"Key" : value`` layout follow what AWS sends to SQS queues.
"""

from __future__ import annotations

import base64
import json
from json.encoder import encode_basestring
from typing import Any

from fogbank.core.clock import iso8601


def envelope_attributes(attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {name: {"Type": attribute["DataType"],
                   "Value": attribute.get("StringValue", attribute.get("BinaryValue", ""))}
            for name, attribute in attributes.items()}


def notification(payload: dict[str, Any], *, message: str, unsubscribe_url: str,
                 signature: str | None, signing_cert_url: str,
                 signature_version: str) -> dict[str, Any]:
    """The Notification document (AWS's member order) for SQS / HTTP subscribers."""
    document: dict[str, Any] = {"Type": "Notification", "MessageId": payload["message_id"]}
    if payload.get("sequence_number"):
        document["SequenceNumber"] = payload["sequence_number"]
    document["TopicArn"] = payload["topic_arn"]
    if payload.get("subject") is not None:
        document["Subject"] = payload["subject"]
    document["Message"] = message
    document["Timestamp"] = iso8601(payload["timestamp_s"])
    if signature is not None:
        document["SignatureVersion"] = signature_version
        document["Signature"] = signature
        document["SigningCertURL"] = signing_cert_url
    document["UnsubscribeURL"] = unsubscribe_url
    if payload.get("attributes"):
        document["MessageAttributes"] = envelope_attributes(payload["attributes"])
    return document


def to_text(document: dict[str, Any]) -> str:
    """AWS's layout: two-space indent, ``"Key" : value``, one line per message attribute.
    (Built by hand: ``json.dumps(indent=...)`` falls back to the slow pure-Python encoder.)"""
    lines = []
    for key, value in document.items():
        if isinstance(value, dict) and value:
            inner = ",\n".join(f"    {_compact(name)} : {_compact(item)}"
                               for name, item in value.items())
            lines.append(f"  {_compact(key)} : {{\n{inner}\n  }}")
        else:
            lines.append(f"  {_compact(key)} : {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}"


def _compact(value: Any) -> str:
    if type(value) is str:  # what json.dumps(ensure_ascii=False) does for a str, minus its setup
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def lambda_event(payload: dict[str, Any], *, subscription_arn: str, message: str,
                 unsubscribe_url: str, signature: str, signing_cert_url: str,
                 signature_version: str) -> dict[str, Any]:
    sns = {
        "Type": "Notification",
        "MessageId": payload["message_id"],
        "TopicArn": payload["topic_arn"],
        "Subject": payload.get("subject"),
        "Message": message,
        "Timestamp": iso8601(payload["timestamp_s"]),
        "SignatureVersion": signature_version,
        "Signature": signature,
        "SigningCertUrl": signing_cert_url,
        "UnsubscribeUrl": unsubscribe_url,
        "MessageAttributes": envelope_attributes(payload.get("attributes") or {}),
    }
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": subscription_arn, "Sns": sns}]}


def sqs_attributes(attributes: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Message attributes as SQS ``MessageAttributes`` (raw message delivery)."""
    mapped: dict[str, dict[str, Any]] = {}
    for name, attribute in attributes.items():
        if "BinaryValue" in attribute:
            mapped[name] = {"DataType": attribute["DataType"],
                            "BinaryValue": base64.b64decode(attribute["BinaryValue"])}
        else:
            mapped[name] = {"DataType": attribute["DataType"],
                            "StringValue": attribute["StringValue"]}
    return mapped


def confirmation(*, kind: str, message_id: str, token: str, topic_arn: str,
                 subscribe_url: str, timestamp_s: float) -> dict[str, Any]:
    """SubscriptionConfirmation / UnsubscribeConfirmation (unsigned fields)."""
    verb = "subscribe to" if kind == "SubscriptionConfirmation" else "unsubscribe from"
    return {
        "Type": kind,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": (f"You have chosen to {verb} the topic {topic_arn}.\nTo confirm the"
                    " subscription, visit the SubscribeURL included in this message."),
        "SubscribeURL": subscribe_url,
        "Timestamp": iso8601(timestamp_s),
    }
