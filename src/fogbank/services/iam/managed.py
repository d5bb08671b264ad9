"""Customer managed policies and their versions."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.iam.common import AWS_MANAGED_PREFIX, IamBase, timestamp
from fogbank.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
    policy_not_found,
)
from fogbank.services.iam.store import GROUP, POLICY, ROLE, USER
from fogbank.services.iam.validation import (
    check_name,
    check_path,
    check_policy_document,
    check_tags,
    paginate,
    tag_list,
    tags_page,
    url_encoded,
)

MAX_MANAGED_POLICY_CHARS = 6144
MAX_POLICY_VERSIONS = 5


class ManagedPolicyOperations(IamBase):
    def require_attachable(self, policy_arn: str) -> None:
        """AWS managed policies are always attachable; ours must exist."""
        if policy_arn.startswith(AWS_MANAGED_PREFIX):
            return
        if not policy_arn.startswith("arn:"):
            raise InvalidInput(f"ARN {policy_arn} is not valid.")
        if self.store.get(POLICY, policy_arn) is None:
            raise NoSuchEntity(f"Policy {policy_arn} does not exist or is not attachable.")

    def _policy(self, policy_arn: str) -> dict[str, Any]:
        record = self.store.get(POLICY, policy_arn)
        if record is None:
            raise policy_not_found(policy_arn)
        return record

    def _attached_to(self, kind: str, policy_arn: str) -> list[dict[str, Any]]:
        return [p for p in self.store.all(kind) if policy_arn in p.get("AttachedPolicies", [])]

    def _attachment_count(self, policy_arn: str) -> int:
        return sum(len(self._attached_to(kind, policy_arn)) for kind in (ROLE, USER, GROUP))

    def _policy_output(self, record: dict[str, Any], *, detail: str) -> dict[str, Any]:
        """A policy as ``detail`` ("create", "get" or "list") shows it: like AWS, CreatePolicy
        leaves out the description and gives tags only when there are some, GetPolicy gives
        the description when set and tags always (an empty list too), ListPolicies neither."""
        roles = self.store.all(ROLE)
        out: dict[str, Any] = {
            "PolicyName": record["PolicyName"],
            "PolicyId": record["PolicyId"],
            "Arn": record["Arn"],
            "Path": record["Path"],
            "DefaultVersionId": record["DefaultVersionId"],
            "AttachmentCount": self._attachment_count(record["Arn"]),
            "PermissionsBoundaryUsageCount": sum(
                record["Arn"] == r.get("PermissionsBoundary") for r in roles),
            "IsAttachable": True,
            "CreateDate": timestamp(record["CreateDate"]),
            "UpdateDate": timestamp(record["UpdateDate"]),
        }
        if detail == "get" and record.get("Description") is not None:
            out["Description"] = record["Description"]
        if detail == "get" or (detail == "create" and record.get("Tags")):
            out["Tags"] = tag_list(record.get("Tags") or {})
        return out

    @operation("CreatePolicy")
    def create_policy(self, ctx: RequestContext, *, policy_name: str, policy_document: str,
                      path: str | None = None, description: str | None = None,
                      tags: list[dict[str, Any]] | None = None, **_: Any) -> dict[str, Any]:
        check_name("policyName", policy_name, 128)
        policy_path = check_path(path)
        check_policy_document(policy_document, quota_name="PolicySize",
                              max_chars=MAX_MANAGED_POLICY_CHARS)
        if any(p["PolicyName"] == policy_name for p in self.store.all(POLICY)):
            raise EntityAlreadyExists(
                f"A policy called {policy_name} already exists. Duplicate names are not"
                " allowed."
            )
        now_s = self.now_s()
        arn = self.iam_arn("policy", policy_path, policy_name)
        record = {
            "PolicyName": policy_name, "PolicyId": self.unique_id("ANPA"), "Arn": arn,
            "Path": policy_path, "DefaultVersionId": "v1", "Description": description,
            "CreateDate": now_s, "UpdateDate": now_s, "Tags": check_tags(tags or []),
            "Versions": [{"VersionId": "v1", "Document": policy_document, "CreateDate": now_s}],
            "NextVersion": 2,
        }
        self.store.put(POLICY, arn, record)
        return {"Policy": self._policy_output(record, detail="create")}

    @operation("GetPolicy")
    def get_policy(self, ctx: RequestContext, *, policy_arn: str, **_: Any) -> dict[str, Any]:
        return {"Policy": self._policy_output(self._policy(policy_arn), detail="get")}

    @operation("ListPolicies")
    def list_policies(self, ctx: RequestContext, *, scope: str | None = None,
                      only_attached: bool = False, path_prefix: str | None = None,
                      marker: str | None = None, max_items: int | None = None,
                      **_: Any) -> dict[str, Any]:
        if scope not in (None, "All", "AWS", "Local"):
            raise ValidationError(
                f"1 validation error detected: Value '{scope}' at 'scope' failed to satisfy"
                " constraint: Member must satisfy enum value set: [All, AWS, Local]"
            )
        records = [] if scope == "AWS" else self.store.all(POLICY)
        shaped = [self._policy_output(r, detail="list") for r in records
                  if r["Path"].startswith(path_prefix or "/")]
        if only_attached:
            shaped = [p for p in shaped if p["AttachmentCount"] > 0]
        shaped.sort(key=lambda p: p["PolicyName"])
        page, extra = paginate(shaped, lambda p: p["PolicyName"], marker, max_items)
        return {"Policies": page, **extra}

    @operation("DeletePolicy")
    def delete_policy(self, ctx: RequestContext, *, policy_arn: str, **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        if self._attachment_count(policy_arn):
            raise DeleteConflict("Cannot delete a policy attached to entities.")
        if len(record["Versions"]) > 1:
            raise DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must"
                " delete the policy's versions. The default version is deleted with the"
                " policy."
            )
        self.store.delete(POLICY, policy_arn)
        return {}

    @operation("ListEntitiesForPolicy")
    def list_entities_for_policy(self, ctx: RequestContext, *, policy_arn: str,
                                 entity_filter: str | None = None,
                                 path_prefix: str | None = None, marker: str | None = None,
                                 max_items: int | None = None, **_: Any) -> dict[str, Any]:
        if not policy_arn.startswith(AWS_MANAGED_PREFIX):
            self._policy(policy_arn)
        found: dict[str, list[dict[str, Any]]] = {}
        for kind, filter_name in ((ROLE, "Role"), (USER, "User"), (GROUP, "Group")):
            wanted = entity_filter in (None, "LocalManagedPolicy", "AWSManagedPolicy",
                                       filter_name)
            found[kind] = sorted(
                (p for p in self._attached_to(kind, policy_arn)
                 if wanted and p["Path"].startswith(path_prefix or "/")),
                key=lambda p: str(p[f"{kind.capitalize()}Name"]))
        entities = [(kind, p) for kind in (GROUP, ROLE, USER) for p in found[kind]]
        page, extra = paginate(entities, lambda e: f"{e[0]}/{e[1][e[0].capitalize() + 'Name']}",
                               marker, max_items)

        def listed(kind: str) -> list[dict[str, str]]:
            noun = kind.capitalize()
            return [{f"{noun}Name": p[f"{noun}Name"], f"{noun}Id": p[f"{noun}Id"]}
                    for k, p in page if k == kind]

        return {"PolicyGroups": listed(GROUP), "PolicyUsers": listed(USER),
                "PolicyRoles": listed(ROLE), **extra}

    # -- versions -------------------------------------------------------------------------

    @operation("CreatePolicyVersion")
    def create_policy_version(self, ctx: RequestContext, *, policy_arn: str,
                              policy_document: str, set_as_default: bool = False,
                              **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        check_policy_document(policy_document, quota_name="PolicySize",
                              max_chars=MAX_MANAGED_POLICY_CHARS)
        if len(record["Versions"]) >= MAX_POLICY_VERSIONS:
            raise LimitExceeded(
                "A managed policy can have up to 5 versions. Before you create a new version,"
                " you must delete an existing version."
            )
        now_s = self.now_s()
        version = {"VersionId": f"v{record['NextVersion']}", "Document": policy_document,
                   "CreateDate": now_s}
        record["NextVersion"] += 1
        record["Versions"].append(version)
        record["UpdateDate"] = now_s
        if set_as_default:
            record["DefaultVersionId"] = version["VersionId"]
        self.store.put(POLICY, policy_arn, record)
        return {"PolicyVersion": _version_output(record, version, with_document=False)}

    @operation("GetPolicyVersion")
    def get_policy_version(self, ctx: RequestContext, *, policy_arn: str, version_id: str,
                           **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        return {"PolicyVersion": _version_output(record, _version(record, version_id))}

    @operation("ListPolicyVersions")
    def list_policy_versions(self, ctx: RequestContext, *, policy_arn: str,
                             marker: str | None = None, max_items: int | None = None,
                             **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        versions = sorted(record["Versions"], key=lambda v: -int(v["VersionId"][1:]))
        page, extra = paginate(versions, lambda v: f"{10**9 - int(v['VersionId'][1:]):010d}",
                               marker, max_items)
        return {"Versions": [_version_output(record, v, with_document=False) for v in page],
                **extra}

    @operation("DeletePolicyVersion")
    def delete_policy_version(self, ctx: RequestContext, *, policy_arn: str, version_id: str,
                              **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        version = _version(record, version_id)
        if version_id == record["DefaultVersionId"]:
            raise DeleteConflict("Cannot delete the default version of a policy.")
        record["Versions"].remove(version)
        self.store.put(POLICY, policy_arn, record)
        return {}

    @operation("SetDefaultPolicyVersion")
    def set_default_policy_version(self, ctx: RequestContext, *, policy_arn: str,
                                   version_id: str, **_: Any) -> dict[str, Any]:
        record = self._policy(policy_arn)
        _version(record, version_id)
        record["DefaultVersionId"] = version_id
        record["UpdateDate"] = self.now_s()
        self.store.put(POLICY, policy_arn, record)
        return {}

    # -- policy tags ----------------------------------------------------------------------

    @operation("TagPolicy")
    def tag_policy(self, ctx: RequestContext, *, policy_arn: str, tags: list[dict[str, Any]],
                   **_: Any) -> dict[str, Any]:
        self.tag_record(POLICY, policy_arn, self._policy(policy_arn), tags)
        return {}

    @operation("UntagPolicy")
    def untag_policy(self, ctx: RequestContext, *, policy_arn: str, tag_keys: list[str],
                     **_: Any) -> dict[str, Any]:
        self.untag_record(POLICY, policy_arn, self._policy(policy_arn), tag_keys)
        return {}

    @operation("ListPolicyTags")
    def list_policy_tags(self, ctx: RequestContext, *, policy_arn: str,
                         marker: str | None = None, max_items: int | None = None,
                         **_: Any) -> dict[str, Any]:
        return tags_page(self._policy(policy_arn), marker, max_items)


def _version(record: dict[str, Any], version_id: str) -> dict[str, Any]:
    for version in record["Versions"]:
        if version["VersionId"] == version_id:
            return dict(version)
    raise NoSuchEntity(f"Policy {record['Arn']} version {version_id} does not exist or is not"
                       " attachable.")


def _version_output(record: dict[str, Any], version: dict[str, Any], *,
                    with_document: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "VersionId": version["VersionId"],
        "IsDefaultVersion": version["VersionId"] == record["DefaultVersionId"],
        "CreateDate": timestamp(version["CreateDate"]),
    }
    if with_document:
        out["Document"] = url_encoded(version["Document"])
    return out

