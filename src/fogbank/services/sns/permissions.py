"""AddPermission / RemovePermission: statements in the topic's access policy (stored, not
enforced)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.sns.attributes import default_policy
from fogbank.services.sns.common import SnsBase
from fogbank.services.sns.errors import InvalidParameterException, missing, required

TOPIC_ACTIONS = frozenset({
    "GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission",
    "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive",
})


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


class PermissionOperations(SnsBase):
    def _policy(self, topic_arn: str, account_id: str) -> dict[str, Any]:
        topic = self.store.topics[topic_arn]
        text = topic.attributes.get("Policy") or default_policy(topic_arn, account_id)
        document: dict[str, Any] = json.loads(text)
        document.setdefault("Statement", [])
        return document

    def _save_policy(self, topic_arn: str, document: dict[str, Any]) -> None:
        topic = self.store.topics[topic_arn]
        topic.attributes = {**topic.attributes,
                            "Policy": json.dumps(document, separators=(",", ":"))}
        self.store.put_topic(topic)

    @operation("AddPermission")
    def add_permission(self, ctx: RequestContext, *, topic_arn: str | None = None,
                       label: str | None = None, aws_account_id: list[str] | None = None,
                       action_name: list[str] | None = None, **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn, label=label)
        if aws_account_id is None:
            raise missing("aWSAccountId")
        required(action_name=action_name)
        topic = self.require_topic(topic_arn)
        if any(action not in TOPIC_ACTIONS for action in action_name or []):
            raise InvalidParameterException("Policy statement action out of service scope!")
        document = self._policy(topic.arn, ctx.account_id)
        statements = document["Statement"]
        if any(isinstance(s, dict) and s.get("Sid") == label for s in statements):
            raise InvalidParameterException("Statement already exists")
        statements.append({
            "Sid": label, "Effect": "Allow",
            "Principal": {"AWS": _one_or_many([f"arn:aws:iam::{account}:root"
                                               for account in aws_account_id or []])},
            "Action": _one_or_many([f"SNS:{action}" for action in action_name or []]),
            "Resource": topic.arn,
        })
        self._save_policy(topic.arn, document)
        return {}

    @operation("RemovePermission")
    def remove_permission(self, ctx: RequestContext, *, topic_arn: str | None = None,
                          label: str | None = None, **_: Any) -> dict[str, Any]:
        required(topic_arn=topic_arn, label=label)
        topic = self.require_topic(topic_arn)
        document = self._policy(topic.arn, ctx.account_id)
        kept = [s for s in document["Statement"]
                if not (isinstance(s, dict) and s.get("Sid") == label)]
        if len(kept) != len(document["Statement"]):
            document["Statement"] = kept
            self._save_policy(topic.arn, document)
        return {}
