"""Event bus resource policies: PutPermission / RemovePermission (stored on the bus and
shown by DescribeEventBus; fogbank does not enforce them, as it runs one account)."""

from __future__ import annotations

import json
from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.events.errors import ResourceNotFoundException, ValidationException
from fogbank.services.events.put_events import EventOperations


class PermissionOperations(EventOperations):
    def _policy(self, bus: dict[str, Any]) -> dict[str, Any]:
        try:
            policy = json.loads(bus.get("Policy") or "{}")
        except ValueError:
            policy = {}
        return policy if isinstance(policy, dict) else {}

    @operation("PutPermission")
    def put_permission(self, ctx: RequestContext, *, event_bus_name: str | None = None,
                       action: str | None = None, principal: str | None = None,
                       statement_id: str | None = None,
                       condition: dict[str, Any] | None = None, policy: str | None = None,
                       **_: Any) -> dict[str, Any]:
        bus = self.store.get_bus(ctx.region, self.existing_bus(ctx, event_bus_name))
        assert bus is not None
        if policy is not None:
            try:
                parsed = json.loads(policy)
            except ValueError as exc:
                raise ValidationException("Policy is not valid JSON.") from exc
            bus["Policy"] = json.dumps(parsed)
        else:
            if not (action and principal and statement_id):
                raise ValidationException(
                    "Parameter(s) Action, Principal and StatementId must be specified.")
            if action != "events:PutEvents":
                raise ValidationException(
                    "Provided value in parameter 'action' is not supported.")
            statement: dict[str, Any] = {
                "Sid": statement_id, "Effect": "Allow",
                "Principal": "*" if principal == "*" else {
                    "AWS": f"arn:aws:iam::{principal}:root"},
                "Action": action, "Resource": bus["Arn"],
            }
            if condition:
                statement["Condition"] = {condition.get("Type", "StringEquals"): {
                    str(condition.get("Key")): condition.get("Value")}}
            document = self._policy(bus) or {"Version": "2012-10-17", "Statement": []}
            document["Statement"] = [s for s in document.get("Statement", [])
                                     if s.get("Sid") != statement_id] + [statement]
            bus["Policy"] = json.dumps(document)
        self.store.put_bus(ctx.region, bus)
        return {}

    @operation("RemovePermission")
    def remove_permission(self, ctx: RequestContext, *, statement_id: str | None = None,
                          remove_all_permissions: bool | None = None,
                          event_bus_name: str | None = None, **_: Any) -> dict[str, Any]:
        bus = self.store.get_bus(ctx.region, self.existing_bus(ctx, event_bus_name))
        assert bus is not None
        if not bus.get("Policy"):
            raise ResourceNotFoundException("EventBus does not have a policy.")
        if remove_all_permissions:
            bus.pop("Policy", None)
        else:
            document = self._policy(bus)
            statements = document.get("Statement", [])
            kept = [s for s in statements if s.get("Sid") != statement_id]
            if len(kept) == len(statements):
                raise ResourceNotFoundException(
                    "Statement with the provided id does not exist.")
            if kept:
                document["Statement"] = kept
                bus["Policy"] = json.dumps(document)
            else:
                bus.pop("Policy", None)
        self.store.put_bus(ctx.region, bus)
        return {}
