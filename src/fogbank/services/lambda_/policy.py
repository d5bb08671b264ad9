"""Function resource policies: AddPermission, RemovePermission, GetPolicy."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.errors import (
    PolicyLengthExceededException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)

if TYPE_CHECKING:
    from fogbank.services.lambda_.models import FunctionRecord
    from fogbank.services.lambda_.store import LambdaStore

MAX_POLICY_BYTES = 20480
ACCOUNT_ID = re.compile(r"^\d{12}$")


class PolicyOperations:
    """Mixed into ``LambdaProvider``."""

    store: LambdaStore

    if TYPE_CHECKING:
        def _touch(self, record: FunctionRecord) -> None:
            ...

        def _latest(self, function_name: str) -> FunctionRecord:
            ...

    @operation("AddPermission")
    def add_permission(self, ctx: RequestContext, *, function_name: str, statement_id: str,
                       action: str, principal: str, source_arn: str | None = None,
                       source_account: str | None = None, event_source_token: str | None = None,
                       qualifier: str | None = None, revision_id: str | None = None,
                       principal_org_id: str | None = None,
                       function_url_auth_type: str | None = None,
                       **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        if revision_id is not None and revision_id != record.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the"
                " GetPolicy API to retrieve the latest Revision Id")
        if any(s["Sid"] == statement_id for s in record.statements):
            raise ResourceConflictException(
                f"The statement id ({statement_id}) provided already exists. Please provide a"
                " new statement id, or remove the existing statement.")
        statement: dict[str, Any] = {
            "Sid": statement_id,
            "Effect": "Allow",
            "Principal": _principal(principal),
            "Action": action,
            "Resource": record.arn,
        }
        condition: dict[str, dict[str, str]] = {}
        if source_account:
            condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = source_account
        if principal_org_id:
            condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = principal_org_id
        if event_source_token:
            condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = \
                event_source_token
        if function_url_auth_type:
            condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = \
                function_url_auth_type
        if source_arn:
            condition.setdefault("ArnLike", {})["AWS:SourceArn"] = source_arn
        if condition:
            statement["Condition"] = condition
        record.statements.append(statement)
        if len(_policy_text(record)) > MAX_POLICY_BYTES:
            raise PolicyLengthExceededException(
                "The final policy size is bigger than the limit.")
        self._touch(record)
        self.store.put_function(record)
        return {"Statement": json.dumps(statement, separators=(",", ":"))}

    @operation("RemovePermission")
    def remove_permission(self, ctx: RequestContext, *, function_name: str, statement_id: str,
                          qualifier: str | None = None, revision_id: str | None = None,
                          **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        if revision_id is not None and revision_id != record.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the"
                " GetPolicy API to retrieve the latest Revision Id")
        kept = [s for s in record.statements if s["Sid"] != statement_id]
        if len(kept) == len(record.statements):
            raise ResourceNotFoundException(
                f"Statement {statement_id} is not found in resource policy.")
        record.statements = kept
        self._touch(record)
        self.store.put_function(record)
        return {}

    @operation("GetPolicy")
    def get_policy(self, ctx: RequestContext, *, function_name: str,
                   qualifier: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._latest(function_name)
        if not record.statements:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        return {"Policy": _policy_text(record), "RevisionId": record.revision_id}


def _principal(principal: str) -> Any:
    if principal == "*":
        return "*"
    if ACCOUNT_ID.match(principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}


def _policy_text(record: FunctionRecord) -> str:
    return json.dumps({"Version": "2012-10-17", "Id": "default",
                       "Statement": record.statements}, separators=(",", ":"))
