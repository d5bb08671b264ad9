"""Inline and attached policies of roles, users and groups: one implementation, three
principals. Each principal's record holds ``InlinePolicies`` (name → document) and
``AttachedPolicies`` (ARNs)."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.iam.common import policy_name_of
from fogbank.services.iam.errors import NoSuchEntity
from fogbank.services.iam.managed import ManagedPolicyOperations
from fogbank.services.iam.store import GROUP, ROLE, USER
from fogbank.services.iam.validation import (
    check_name,
    check_policy_document,
    paginate,
    url_encoded,
)

INLINE_POLICY_CHARS = {ROLE: 10_240, USER: 2048, GROUP: 5120}
INLINE_QUOTA_NAMES = {ROLE: "PolicySize", USER: "UserPolicySize", GROUP: "GroupPolicySize"}


class PrincipalPolicies(ManagedPolicyOperations):
    def principal(self, kind: str, name: str) -> dict[str, Any]:
        record = self.store.get(kind, name)
        if record is None:
            raise NoSuchEntity(f"The {kind} with name {name} cannot be found.")
        record.setdefault("InlinePolicies", {})
        record.setdefault("AttachedPolicies", [])
        return record

    def put_inline(self, kind: str, name: str, policy_name: str, document: str) -> None:
        check_name("policyName", policy_name, 128)
        record = self.principal(kind, name)
        check_policy_document(document, quota_name=INLINE_QUOTA_NAMES[kind],
                              max_chars=INLINE_POLICY_CHARS[kind])
        record["InlinePolicies"][policy_name] = document
        self.store.put(kind, name, record)

    def get_inline(self, kind: str, name: str, policy_name: str) -> tuple[str, str]:
        """``(principal's own name, URL-encoded document)`` of an inline policy."""
        record = self.principal(kind, name)
        document = record["InlinePolicies"].get(policy_name)
        if document is None:
            raise NoSuchEntity(f"The {kind} policy with name {policy_name} cannot be found.")
        return record[f"{kind.capitalize()}Name"], url_encoded(document)

    def list_inline(self, kind: str, name: str, marker: str | None,
                    max_items: int | None) -> dict[str, Any]:
        names = sorted(self.principal(kind, name)["InlinePolicies"])
        page, extra = paginate(names, lambda n: n, marker, max_items)
        return {"PolicyNames": page, **extra}

    def delete_inline(self, kind: str, name: str, policy_name: str) -> None:
        record = self.principal(kind, name)
        if record["InlinePolicies"].pop(policy_name, None) is None:
            raise NoSuchEntity(f"The {kind} policy with name {policy_name} cannot be found.")
        self.store.put(kind, name, record)

    def attach(self, kind: str, name: str, policy_arn: str) -> None:
        record = self.principal(kind, name)
        self.require_attachable(policy_arn)
        if policy_arn not in record["AttachedPolicies"]:
            record["AttachedPolicies"].append(policy_arn)
            self.store.put(kind, name, record)

    def detach(self, kind: str, name: str, policy_arn: str) -> None:
        record = self.principal(kind, name)
        if policy_arn not in record["AttachedPolicies"]:
            raise NoSuchEntity(f"Policy {policy_arn} was not found.")
        record["AttachedPolicies"].remove(policy_arn)
        self.store.put(kind, name, record)

    def list_attached(self, kind: str, name: str, path_prefix: str | None, marker: str | None,
                      max_items: int | None) -> dict[str, Any]:
        arns = sorted((arn for arn in self.principal(kind, name)["AttachedPolicies"]
                       if _policy_path(arn).startswith(path_prefix or "/")),
                      key=policy_name_of)
        page, extra = paginate(arns, policy_name_of, marker, max_items)
        return {"AttachedPolicies": [{"PolicyName": policy_name_of(arn), "PolicyArn": arn}
                                     for arn in page], **extra}

    # -- users ----------------------------------------------------------------------------

    @operation("PutUserPolicy")
    def put_user_policy(self, ctx: RequestContext, *, user_name: str, policy_name: str,
                        policy_document: str, **_: Any) -> dict[str, Any]:
        self.put_inline(USER, user_name, policy_name, policy_document)
        return {}

    @operation("GetUserPolicy")
    def get_user_policy(self, ctx: RequestContext, *, user_name: str, policy_name: str,
                        **_: Any) -> dict[str, Any]:
        owner, document = self.get_inline(USER, user_name, policy_name)
        return {"UserName": owner, "PolicyName": policy_name, "PolicyDocument": document}

    @operation("ListUserPolicies")
    def list_user_policies(self, ctx: RequestContext, *, user_name: str,
                           marker: str | None = None, max_items: int | None = None,
                           **_: Any) -> dict[str, Any]:
        return self.list_inline(USER, user_name, marker, max_items)

    @operation("DeleteUserPolicy")
    def delete_user_policy(self, ctx: RequestContext, *, user_name: str, policy_name: str,
                           **_: Any) -> dict[str, Any]:
        self.delete_inline(USER, user_name, policy_name)
        return {}

    @operation("AttachUserPolicy")
    def attach_user_policy(self, ctx: RequestContext, *, user_name: str, policy_arn: str,
                           **_: Any) -> dict[str, Any]:
        self.attach(USER, user_name, policy_arn)
        return {}

    @operation("DetachUserPolicy")
    def detach_user_policy(self, ctx: RequestContext, *, user_name: str, policy_arn: str,
                           **_: Any) -> dict[str, Any]:
        self.detach(USER, user_name, policy_arn)
        return {}

    @operation("ListAttachedUserPolicies")
    def list_attached_user_policies(self, ctx: RequestContext, *, user_name: str,
                                    path_prefix: str | None = None, marker: str | None = None,
                                    max_items: int | None = None, **_: Any) -> dict[str, Any]:
        return self.list_attached(USER, user_name, path_prefix, marker, max_items)

    # -- groups ---------------------------------------------------------------------------

    @operation("PutGroupPolicy")
    def put_group_policy(self, ctx: RequestContext, *, group_name: str, policy_name: str,
                         policy_document: str, **_: Any) -> dict[str, Any]:
        self.put_inline(GROUP, group_name, policy_name, policy_document)
        return {}

    @operation("GetGroupPolicy")
    def get_group_policy(self, ctx: RequestContext, *, group_name: str, policy_name: str,
                         **_: Any) -> dict[str, Any]:
        owner, document = self.get_inline(GROUP, group_name, policy_name)
        return {"GroupName": owner, "PolicyName": policy_name, "PolicyDocument": document}

    @operation("ListGroupPolicies")
    def list_group_policies(self, ctx: RequestContext, *, group_name: str,
                            marker: str | None = None, max_items: int | None = None,
                            **_: Any) -> dict[str, Any]:
        return self.list_inline(GROUP, group_name, marker, max_items)

    @operation("DeleteGroupPolicy")
    def delete_group_policy(self, ctx: RequestContext, *, group_name: str, policy_name: str,
                            **_: Any) -> dict[str, Any]:
        self.delete_inline(GROUP, group_name, policy_name)
        return {}

    @operation("AttachGroupPolicy")
    def attach_group_policy(self, ctx: RequestContext, *, group_name: str, policy_arn: str,
                            **_: Any) -> dict[str, Any]:
        self.attach(GROUP, group_name, policy_arn)
        return {}

    @operation("DetachGroupPolicy")
    def detach_group_policy(self, ctx: RequestContext, *, group_name: str, policy_arn: str,
                            **_: Any) -> dict[str, Any]:
        self.detach(GROUP, group_name, policy_arn)
        return {}

    @operation("ListAttachedGroupPolicies")
    def list_attached_group_policies(self, ctx: RequestContext, *, group_name: str,
                                     path_prefix: str | None = None, marker: str | None = None,
                                     max_items: int | None = None,
                                     **_: Any) -> dict[str, Any]:
        return self.list_attached(GROUP, group_name, path_prefix, marker, max_items)


def _policy_path(policy_arn: str) -> str:
    resource = policy_arn.split(":", 5)[-1]
    if resource.startswith("policy/"):
        return resource[len("policy"):].rsplit("/", 1)[0] + "/"
    return "/"
