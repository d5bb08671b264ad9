"""IAM provider: roles and their inline and attached policies (managed policies in
``managed.py``, users and access keys in ``users.py``)."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.iam.common import role_output
from fogbank.services.iam.errors import DeleteConflict, EntityAlreadyExists, ValidationError
from fogbank.services.iam.groups import GroupOperations
from fogbank.services.iam.store import ROLE
from fogbank.services.iam.users import UserOperations
from fogbank.services.iam.validation import (
    check_name,
    check_path,
    check_policy_document,
    check_tags,
    paginate,
    tags_page,
)

MAX_TRUST_POLICY_CHARS = 2048


class IamProvider(UserOperations, GroupOperations):
    """AWS Identity and Access Management — stored, not enforced.

    Deviations from AWS:
    - Policies are stored and returned but never evaluated: every caller may do everything.
      Documents are checked to be JSON objects with a ``Statement`` and within their size
      quotas, not fully validated against the policy grammar.
    - AWS managed policies (``arn:aws:iam::aws:policy/...``) can be attached without being
      in the store, but are not listed by ListPolicies nor readable with GetPolicy.
    - ``RoleLastUsed`` is always empty; access keys are never marked as used. Instance
      profiles, login profiles, MFA, SSH keys, certificates, OIDC/SAML providers, account
      aliases and service-linked roles are not emulated.
    """

    # -- roles ----------------------------------------------------------------------------

    @operation("CreateRole")
    def create_role(self, ctx: RequestContext, *, role_name: str,
                    assume_role_policy_document: str, path: str | None = None,
                    description: str | None = None, max_session_duration: int | None = None,
                    permissions_boundary: str | None = None,
                    tags: list[dict[str, Any]] | None = None, **_: Any) -> dict[str, Any]:
        check_name("roleName", role_name, 64)
        role_path = check_path(path)
        check_policy_document(assume_role_policy_document, quota_name="ACLSizePerRole",
                              max_chars=MAX_TRUST_POLICY_CHARS)
        session_s = _session_duration(max_session_duration)
        if self.store.get(ROLE, role_name) is not None:
            raise EntityAlreadyExists(f"Role with name {role_name} already exists.")
        record = {
            "RoleName": role_name,
            "RoleId": self.unique_id("AROA"),
            "Arn": self.iam_arn("role", role_path, role_name),
            "Path": role_path,
            "CreateDate": self.now_s(),
            "AssumeRolePolicyDocument": assume_role_policy_document,
            "Description": description,
            "MaxSessionDuration": session_s,
            "PermissionsBoundary": permissions_boundary,
            "Tags": check_tags(tags or []),
            "InlinePolicies": {},
            "AttachedPolicies": [],
        }
        self.store.put(ROLE, role_name, record)
        return {"Role": role_output(record)}

    @operation("GetRole")
    def get_role(self, ctx: RequestContext, *, role_name: str, **_: Any) -> dict[str, Any]:
        return {"Role": role_output(self.role_record(role_name))}

    @operation("ListRoles")
    def list_roles(self, ctx: RequestContext, *, path_prefix: str | None = None,
                   marker: str | None = None, max_items: int | None = None,
                   **_: Any) -> dict[str, Any]:
        roles = sorted((r for r in self.store.all(ROLE)
                        if r["Path"].startswith(path_prefix or "/")),
                       key=lambda r: r["RoleName"])
        page, extra = paginate(roles, lambda r: r["RoleName"], marker, max_items)
        return {"Roles": [role_output(r, full=False) for r in page], **extra}

    @operation("DeleteRole")
    def delete_role(self, ctx: RequestContext, *, role_name: str, **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        if record["AttachedPolicies"]:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if record["InlinePolicies"]:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        self.store.delete(ROLE, role_name)
        return {}

    @operation("UpdateRole")
    def update_role(self, ctx: RequestContext, *, role_name: str,
                    description: str | None = None, max_session_duration: int | None = None,
                    **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        if description is not None:
            record["Description"] = description
        if max_session_duration is not None:
            record["MaxSessionDuration"] = _session_duration(max_session_duration)
        self.store.put(ROLE, role_name, record)
        return {}

    @operation("UpdateRoleDescription")
    def update_role_description(self, ctx: RequestContext, *, role_name: str, description: str,
                                **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        record["Description"] = description
        self.store.put(ROLE, role_name, record)
        return {"Role": role_output(record)}

    @operation("UpdateAssumeRolePolicy")
    def update_assume_role_policy(self, ctx: RequestContext, *, role_name: str,
                                  policy_document: str, **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        check_policy_document(policy_document, quota_name="ACLSizePerRole",
                              max_chars=MAX_TRUST_POLICY_CHARS)
        record["AssumeRolePolicyDocument"] = policy_document
        self.store.put(ROLE, role_name, record)
        return {}

    @operation("PutRolePermissionsBoundary")
    def put_role_permissions_boundary(self, ctx: RequestContext, *, role_name: str,
                                      permissions_boundary: str, **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        self.require_attachable(permissions_boundary)
        record["PermissionsBoundary"] = permissions_boundary
        self.store.put(ROLE, role_name, record)
        return {}

    @operation("DeleteRolePermissionsBoundary")
    def delete_role_permissions_boundary(self, ctx: RequestContext, *, role_name: str,
                                         **_: Any) -> dict[str, Any]:
        record = self.role_record(role_name)
        record["PermissionsBoundary"] = None
        self.store.put(ROLE, role_name, record)
        return {}

    # -- role tags ------------------------------------------------------------------------

    @operation("TagRole")
    def tag_role(self, ctx: RequestContext, *, role_name: str, tags: list[dict[str, Any]],
                 **_: Any) -> dict[str, Any]:
        self.tag_record(ROLE, role_name, self.role_record(role_name), tags)
        return {}

    @operation("UntagRole")
    def untag_role(self, ctx: RequestContext, *, role_name: str, tag_keys: list[str],
                   **_: Any) -> dict[str, Any]:
        self.untag_record(ROLE, role_name, self.role_record(role_name), tag_keys)
        return {}

    @operation("ListRoleTags")
    def list_role_tags(self, ctx: RequestContext, *, role_name: str, marker: str | None = None,
                       max_items: int | None = None, **_: Any) -> dict[str, Any]:
        return tags_page(self.role_record(role_name), marker, max_items)

    # -- inline and attached role policies -------------------------------------------------

    @operation("PutRolePolicy")
    def put_role_policy(self, ctx: RequestContext, *, role_name: str, policy_name: str,
                        policy_document: str, **_: Any) -> dict[str, Any]:
        self.put_inline(ROLE, role_name, policy_name, policy_document)
        return {}

    @operation("GetRolePolicy")
    def get_role_policy(self, ctx: RequestContext, *, role_name: str, policy_name: str,
                        **_: Any) -> dict[str, Any]:
        owner, document = self.get_inline(ROLE, role_name, policy_name)
        return {"RoleName": owner, "PolicyName": policy_name, "PolicyDocument": document}

    @operation("ListRolePolicies")
    def list_role_policies(self, ctx: RequestContext, *, role_name: str,
                           marker: str | None = None, max_items: int | None = None,
                           **_: Any) -> dict[str, Any]:
        return self.list_inline(ROLE, role_name, marker, max_items)

    @operation("DeleteRolePolicy")
    def delete_role_policy(self, ctx: RequestContext, *, role_name: str, policy_name: str,
                           **_: Any) -> dict[str, Any]:
        self.delete_inline(ROLE, role_name, policy_name)
        return {}

    @operation("AttachRolePolicy")
    def attach_role_policy(self, ctx: RequestContext, *, role_name: str, policy_arn: str,
                           **_: Any) -> dict[str, Any]:
        self.attach(ROLE, role_name, policy_arn)
        return {}

    @operation("DetachRolePolicy")
    def detach_role_policy(self, ctx: RequestContext, *, role_name: str, policy_arn: str,
                           **_: Any) -> dict[str, Any]:
        self.detach(ROLE, role_name, policy_arn)
        return {}

    @operation("ListAttachedRolePolicies")
    def list_attached_role_policies(self, ctx: RequestContext, *, role_name: str,
                                    path_prefix: str | None = None, marker: str | None = None,
                                    max_items: int | None = None, **_: Any) -> dict[str, Any]:
        return self.list_attached(ROLE, role_name, path_prefix, marker, max_items)


def _session_duration(value: int | None) -> int:
    if value is None:
        return 3600
    if not 3600 <= value <= 43_200:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'maxSessionDuration' failed to"
            " satisfy constraint: Member must have value "
            + ("greater than or equal to 3600" if value < 3600 else
               "less than or equal to 43200")
        )
    return value

