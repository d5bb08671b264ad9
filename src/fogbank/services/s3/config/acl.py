"""Bucket ACLs (``?acl``): stored, not enforced. Buckets default to ``BucketOwnerEnforced``
ownership, under which S3 accepts only ACLs that grant the owner alone."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.s3.config.errors import (
    AccessControlListNotSupported,
    InvalidArgument,
    InvalidRequest,
    MalformedACLError,
)
from fogbank.services.s3.config.subresources import SubresourceOperations

GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS + "global/AllUsers"
AUTHENTICATED_USERS = GROUPS + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS + "s3/LogDelivery"
PERMISSIONS = frozenset({"FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"})
_CANNED: dict[str, list[tuple[str, str]]] = {
    "private": [],
    "public-read": [(ALL_USERS, "READ")],
    "public-read-write": [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")],
    "authenticated-read": [(AUTHENTICATED_USERS, "READ")],
    "log-delivery-write": [(LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")],
    "bucket-owner-read": [],
    "bucket-owner-full-control": [],
}
_GRANT_HEADERS = {"grant_full_control": "FULL_CONTROL", "grant_read": "READ",
                  "grant_read_acp": "READ_ACP", "grant_write": "WRITE",
                  "grant_write_acp": "WRITE_ACP"}


def _group(uri: str, permission: str) -> dict[str, Any]:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


def _header_grants(header: str, permission: str) -> list[dict[str, Any]]:
    """``id="…", uri="…", emailAddress="…"`` as in the ``x-amz-grant-*`` headers."""
    grants = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        value = value.strip().strip('"')
        if name == "id":
            grantee = {"Type": "CanonicalUser", "ID": value}
        elif name == "uri":
            grantee = {"Type": "Group", "URI": value}
        elif name == "emailAddress":
            grantee = {"Type": "AmazonCustomerByEmail", "EmailAddress": value}
        else:
            raise InvalidArgument("Argument format not recognized",
                                  fields={"ArgumentName": "x-amz-grant", "ArgumentValue": part})
        grants.append({"Grantee": grantee, "Permission": permission})
    return grants


class AclOperations(SubresourceOperations):
    """Mixin of ``S3Provider``: GetBucketAcl / PutBucketAcl."""

    def _acl_owner(self) -> dict[str, str]:
        owner = getattr(self, "owner", None)
        if callable(owner):
            return dict(owner())
        return {"DisplayName": "webfile", "ID": self.ctx.account_id}

    def _owner_grant(self) -> dict[str, Any]:
        owner = self._acl_owner()
        return {"Grantee": {"Type": "CanonicalUser", **owner}, "Permission": "FULL_CONTROL"}

    @operation("GetBucketAcl")
    def get_bucket_acl(self, ctx: RequestContext, *, bucket: str, **_: Any) -> dict[str, Any]:
        stored = self._read(bucket, "acl")
        grants = stored["Grants"] if stored else [self._owner_grant()]
        return {"Owner": self._acl_owner(), "Grants": grants}

    @operation("PutBucketAcl")
    def put_bucket_acl(self, ctx: RequestContext, *, bucket: str, acl: str | None = None,
                       access_control_policy: dict[str, Any] | None = None,
                       **params: Any) -> dict[str, Any]:
        self.require_bucket(bucket)
        headers = {name: params[name] for name in _GRANT_HEADERS if params.get(name)}
        if sum(bool(x) for x in (acl, access_control_policy, headers)) != 1:
            raise (InvalidRequest("Specifying both Canned ACLs and Header Grants is not "
                                   "allowed") if acl and headers else MalformedACLError(
                "The XML you provided was not well-formed or did not validate against our "
                "published schema"))
        if acl is not None:
            if acl not in _CANNED:
                raise InvalidArgument(None, fields={"ArgumentName": "x-amz-acl",
                                                    "ArgumentValue": acl})
            grants = [self._owner_grant()] + [_group(uri, permission)
                                              for uri, permission in _CANNED[acl]]
        elif headers:
            grants = [grant for name, text in headers.items()
                      for grant in _header_grants(str(text), _GRANT_HEADERS[name])]
        else:
            grants = list((access_control_policy or {}).get("Grants") or [])
            for grant in grants:
                if not isinstance(grant, dict) or grant.get("Permission") not in PERMISSIONS \
                        or not isinstance(grant.get("Grantee"), dict):
                    raise MalformedACLError("The XML you provided was not well-formed or did "
                                            "not validate against our published schema")
        ownership = self.bucket_object_ownership(bucket)
        owner_id = self._acl_owner()["ID"]
        owner_only = all(grant["Grantee"].get("ID") == owner_id
                         and grant["Permission"] == "FULL_CONTROL" for grant in grants)
        if ownership == "BucketOwnerEnforced" and not owner_only:
            raise AccessControlListNotSupported("The bucket does not allow ACLs")
        self.config_store.put(bucket, "acl", {"Grants": grants})
        return {}
