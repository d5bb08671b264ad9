"""AddPermission / RemovePermission: statements in the queue's Policy, keyed by label."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.sqs.core import SqsCore, required
from fogbank.services.sqs.errors import InvalidParameterValue, MissingParameter, OverLimit

MAX_ACTIONS = 7
SHAREABLE_ACTIONS = frozenset({"*", "SendMessage", "ReceiveMessage", "DeleteMessage",
                               "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl",
                               "ListDeadLetterSourceQueues", "PurgeQueue"})


class PermissionOperations(SqsCore):

    @operation("AddPermission")
    def add_permission(self, ctx: RequestContext, *, queue_url: str | None = None,
                       label: str | None = None,
                       aws_account_ids: list[str] | None = None,
                       actions: list[str] | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        label = required("Label", label)
        if not actions:
            raise MissingParameter("Actions")
        if not aws_account_ids:
            raise InvalidParameterValue("Value [] for parameter PrincipalId is invalid. "
                                        "Reason: Unable to verify.")
        if len(actions) > MAX_ACTIONS:
            raise OverLimit(f"{len(actions)} Actions were found, maximum allowed is "
                            f"{MAX_ACTIONS}.")
        for action in actions:
            if action not in SHAREABLE_ACTIONS:
                raise InvalidParameterValue(
                    f"Value SQS:{action} for parameter ActionName is invalid. Reason: Only "
                    "the queue owner is allowed to invoke this action.")
        policy = self._policy(record.attributes.get("Policy"), record.arn)
        if any(statement.get("Sid") == label for statement in policy["Statement"]):
            raise InvalidParameterValue(f"Value {label} for parameter Label is invalid. "
                                        "Reason: Already exists.")
        principals = [f"arn:aws:iam::{account}:root" for account in aws_account_ids]
        sqs_actions = [f"SQS:{action}" for action in actions]
        policy["Statement"].append({
            "Sid": label, "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": sqs_actions[0] if len(sqs_actions) == 1 else sqs_actions,
            "Resource": record.arn,
        })
        self._save_policy(record, policy)
        return {}

    @operation("RemovePermission")
    def remove_permission(self, ctx: RequestContext, *, queue_url: str | None = None,
                          label: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.queue_from_url(queue_url)
        label = required("Label", label)
        policy = self._policy(record.attributes.get("Policy"), record.arn)
        kept = [s for s in policy["Statement"] if s.get("Sid") != label]
        if len(kept) == len(policy["Statement"]):
            raise InvalidParameterValue(f"Value {label} for parameter Label is invalid. "
                                        "Reason: can't find label on existing policy.")
        policy["Statement"] = kept
        self._save_policy(record, policy if kept else None)
        return {}

    def _policy(self, text: str | None, arn: str) -> dict[str, Any]:
        policy: dict[str, Any] = json.loads(text) if text else {}
        policy.setdefault("Version", "2012-10-17")
        policy.setdefault("Id", f"{arn}/SQSDefaultPolicy")
        statements = policy.get("Statement") or []
        policy["Statement"] = statements if isinstance(statements, list) else [statements]
        return policy

    def _save_policy(self, record: Any, policy: dict[str, Any] | None) -> None:
        if policy is None:
            record.attributes.pop("Policy", None)
        else:
            record.attributes["Policy"] = json.dumps(policy, separators=(",", ":"))
        record.modified_at = self.ctx.clock.now()
        self.store.save_queue(record)
