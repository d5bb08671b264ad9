"""IAM groups and their members."""

from __future__ import annotations

from typing import Any

from fogbank.services.base import RequestContext, operation
from fogbank.services.iam.common import timestamp
from fogbank.services.iam.errors import DeleteConflict, EntityAlreadyExists
from fogbank.services.iam.principals import PrincipalPolicies
from fogbank.services.iam.store import GROUP, USER
from fogbank.services.iam.users import user_output
from fogbank.services.iam.validation import check_name, check_path, paginate


def _group_output(record: dict[str, Any]) -> dict[str, Any]:
    return {"Path": record["Path"], "GroupName": record["GroupName"],
            "GroupId": record["GroupId"], "Arn": record["Arn"],
            "CreateDate": timestamp(record["CreateDate"])}


class GroupOperations(PrincipalPolicies):
    @operation("CreateGroup")
    def create_group(self, ctx: RequestContext, *, group_name: str, path: str | None = None,
                     **_: Any) -> dict[str, Any]:
        check_name("groupName", group_name, 128)
        group_path = check_path(path)
        if self.store.get(GROUP, group_name) is not None:
            raise EntityAlreadyExists(f"Group with name {group_name} already exists.")
        record = {
            "GroupName": group_name, "GroupId": self.unique_id("AGPA"), "Path": group_path,
            "Arn": self.iam_arn("group", group_path, group_name), "CreateDate": self.now_s(),
            "Users": [], "InlinePolicies": {}, "AttachedPolicies": [],
        }
        self.store.put(GROUP, group_name, record)
        return {"Group": _group_output(record)}

    @operation("GetGroup")
    def get_group(self, ctx: RequestContext, *, group_name: str, marker: str | None = None,
                  max_items: int | None = None, **_: Any) -> dict[str, Any]:
        record = self.principal(GROUP, group_name)
        members = sorted((u for u in (self.store.get(USER, name) for name in record["Users"])
                          if u is not None), key=lambda u: u["UserName"])
        page, extra = paginate(members, lambda u: u["UserName"], marker, max_items)
        return {"Group": _group_output(record),
                "Users": [user_output(u, full=False) for u in page], **extra}

    @operation("ListGroups")
    def list_groups(self, ctx: RequestContext, *, path_prefix: str | None = None,
                    marker: str | None = None, max_items: int | None = None,
                    **_: Any) -> dict[str, Any]:
        groups = sorted((g for g in self.store.all(GROUP)
                         if g["Path"].startswith(path_prefix or "/")),
                        key=lambda g: g["GroupName"])
        page, extra = paginate(groups, lambda g: g["GroupName"], marker, max_items)
        return {"Groups": [_group_output(g) for g in page], **extra}

    @operation("ListGroupsForUser")
    def list_groups_for_user(self, ctx: RequestContext, *, user_name: str,
                             marker: str | None = None, max_items: int | None = None,
                             **_: Any) -> dict[str, Any]:
        user = self.principal(USER, user_name)
        groups = sorted((g for g in self.store.all(GROUP) if user["UserName"] in g["Users"]),
                        key=lambda g: g["GroupName"])
        page, extra = paginate(groups, lambda g: g["GroupName"], marker, max_items)
        return {"Groups": [_group_output(g) for g in page], **extra}

    @operation("DeleteGroup")
    def delete_group(self, ctx: RequestContext, *, group_name: str,
                     **_: Any) -> dict[str, Any]:
        record = self.principal(GROUP, group_name)
        if record["Users"]:
            raise DeleteConflict("Cannot delete entity, must remove users from group first.")
        if record["AttachedPolicies"]:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if record["InlinePolicies"]:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        self.store.delete(GROUP, group_name)
        return {}

    @operation("AddUserToGroup")
    def add_user_to_group(self, ctx: RequestContext, *, group_name: str, user_name: str,
                          **_: Any) -> dict[str, Any]:
        record = self.principal(GROUP, group_name)
        user = self.principal(USER, user_name)
        if user["UserName"] not in record["Users"]:
            record["Users"].append(user["UserName"])
            self.store.put(GROUP, group_name, record)
        return {}

    @operation("RemoveUserFromGroup")
    def remove_user_from_group(self, ctx: RequestContext, *, group_name: str, user_name: str,
                               **_: Any) -> dict[str, Any]:
        record = self.principal(GROUP, group_name)
        user = self.principal(USER, user_name)
        if user["UserName"] in record["Users"]:
            record["Users"].remove(user["UserName"])
            self.store.put(GROUP, group_name, record)
        return {}
