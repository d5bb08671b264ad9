"""IAM users and their access keys (the minimum CLI and SDK setups touch)."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.iam.common import timestamp
from fogbank.services.iam.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
    user_not_found,
)
from fogbank.services.iam.principals import PrincipalPolicies
from fogbank.services.iam.store import ACCESS_KEY, GROUP, USER
from fogbank.services.iam.validation import check_name, check_path, check_tags, paginate, tag_list

MAX_ACCESS_KEYS_PER_USER = 2
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def user_output(record: dict[str, Any], *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": record["Path"], "UserName": record["UserName"], "UserId": record["UserId"],
        "Arn": record["Arn"], "CreateDate": timestamp(record["CreateDate"]),
    }
    if full and record.get("Tags"):
        out["Tags"] = tag_list(record["Tags"])
    return out


def _key_output(record: dict[str, Any]) -> dict[str, Any]:
    return {"UserName": record["UserName"], "AccessKeyId": record["AccessKeyId"],
            "Status": record["Status"], "CreateDate": timestamp(record["CreateDate"])}


class UserOperations(PrincipalPolicies):
    def _user(self, user_name: str | None) -> dict[str, Any]:
        if not user_name:
            raise ValidationError("Must specify userName when calling with non-User credentials")
        record = self.store.get(USER, user_name)
        if record is None:
            raise user_not_found(user_name)
        return record

    def _keys_of(self, user_name: str) -> list[dict[str, Any]]:
        return [k for k in self.store.all(ACCESS_KEY)
                if k["UserName"].lower() == user_name.lower()]

    @operation("CreateUser")
    def create_user(self, ctx: RequestContext, *, user_name: str, path: str | None = None,
                    tags: list[dict[str, Any]] | None = None, **_: Any) -> dict[str, Any]:
        check_name("userName", user_name, 64)
        user_path = check_path(path)
        if self.store.get(USER, user_name) is not None:
            raise EntityAlreadyExists(f"User with name {user_name} already exists.")
        record = {
            "UserName": user_name, "UserId": self.unique_id("AIDA"), "Path": user_path,
            "Arn": self.iam_arn("user", user_path, user_name), "CreateDate": self.now_s(),
            "Tags": check_tags(tags or []), "InlinePolicies": {}, "AttachedPolicies": [],
        }
        self.store.put(USER, user_name, record)
        return {"User": user_output(record)}

    @operation("GetUser")
    def get_user(self, ctx: RequestContext, *, user_name: str | None = None,
                 **_: Any) -> dict[str, Any]:
        return {"User": user_output(self._user(user_name))}

    @operation("ListUsers")
    def list_users(self, ctx: RequestContext, *, path_prefix: str | None = None,
                   marker: str | None = None, max_items: int | None = None,
                   **_: Any) -> dict[str, Any]:
        users = sorted((u for u in self.store.all(USER)
                        if u["Path"].startswith(path_prefix or "/")),
                       key=lambda u: u["UserName"])
        page, extra = paginate(users, lambda u: u["UserName"], marker, max_items)
        return {"Users": [user_output(u, full=False) for u in page], **extra}

    @operation("DeleteUser")
    def delete_user(self, ctx: RequestContext, *, user_name: str, **_: Any) -> dict[str, Any]:
        user = self.principal(USER, user_name)
        if self._keys_of(user_name):
            raise DeleteConflict("Cannot delete entity, must delete access keys first.")
        if user["AttachedPolicies"]:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if user["InlinePolicies"]:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        if any(user["UserName"] in g["Users"] for g in self.store.all(GROUP)):
            raise DeleteConflict("Cannot delete entity, must remove users from group first.")
        self.store.delete(USER, user_name)
        return {}

    @operation("CreateAccessKey")
    def create_access_key(self, ctx: RequestContext, *, user_name: str | None = None,
                          **_: Any) -> dict[str, Any]:
        user = self._user(user_name)
        if len(self._keys_of(user["UserName"])) >= MAX_ACCESS_KEYS_PER_USER:
            raise LimitExceeded(
                f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS_PER_USER}")
        record = {"UserName": user["UserName"], "Status": "Active", "CreateDate": self.now_s(),
                  "AccessKeyId": "AKIA" + self.ctx.ids.short(16, SECRET_ALPHABET[:26] +
                                                             "0123456789")}
        self.store.put(ACCESS_KEY, record["AccessKeyId"], record)
        return {"AccessKey": {**_key_output(record),
                              "SecretAccessKey": self.ctx.ids.short(40, SECRET_ALPHABET)}}

    @operation("ListAccessKeys")
    def list_access_keys(self, ctx: RequestContext, *, user_name: str | None = None,
                         marker: str | None = None, max_items: int | None = None,
                         **_: Any) -> dict[str, Any]:
        user = self._user(user_name)
        keys = sorted(self._keys_of(user["UserName"]), key=lambda k: k["AccessKeyId"])
        page, extra = paginate(keys, lambda k: k["AccessKeyId"], marker, max_items)
        return {"AccessKeyMetadata": [_key_output(k) for k in page], **extra}

    @operation("UpdateAccessKey")
    def update_access_key(self, ctx: RequestContext, *, access_key_id: str, status: str,
                          user_name: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._access_key(access_key_id, user_name)
        if status not in ("Active", "Inactive"):
            raise ValidationError(
                f"1 validation error detected: Value '{status}' at 'status' failed to satisfy"
                " constraint: Member must satisfy enum value set: [Active, Inactive]"
            )
        record["Status"] = status
        self.store.put(ACCESS_KEY, access_key_id, record)
        return {}

    @operation("DeleteAccessKey")
    def delete_access_key(self, ctx: RequestContext, *, access_key_id: str,
                          user_name: str | None = None, **_: Any) -> dict[str, Any]:
        self._access_key(access_key_id, user_name)
        self.store.delete(ACCESS_KEY, access_key_id)
        return {}

    @operation("GetAccessKeyLastUsed")
    def get_access_key_last_used(self, ctx: RequestContext, *, access_key_id: str,
                                 **_: Any) -> dict[str, Any]:
        record = self.store.get(ACCESS_KEY, access_key_id)
        if record is None:
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found")
        return {"UserName": record["UserName"],
                "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}}

    def _access_key(self, access_key_id: str, user_name: str | None) -> dict[str, Any]:
        record = self.store.get(ACCESS_KEY, access_key_id)
        if record is None or (user_name and record["UserName"].lower() != user_name.lower()):
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found")
        return record
