"""What every IAM operation group shares: the store, ids, time and record shaping."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fogbank.services.base import Provider, ServiceContext
from fogbank.services.iam.errors import role_not_found
from fogbank.services.iam.store import ROLE, IamStore
from fogbank.services.iam.validation import check_tags, tag_list, url_encoded

UPPER_ALNUM = string.ascii_uppercase + string.digits
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"


class IamBase(Provider):
    service = "iam"

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = IamStore(Path(ctx.state_dir) / "iam.db")

    @property
    def account_id(self) -> str:
        return str(self.ctx.config.account_id)

    def now_s(self) -> float:
        return float(int(self.ctx.clock.now()))

    def unique_id(self, prefix: str) -> str:
        """IAM's unique ids: a 4-letter kind prefix and 17 upper-case alphanumerics."""
        return prefix + str(self.ctx.ids.short(17, UPPER_ALNUM))

    def iam_arn(self, kind: str, path: str, name: str) -> str:
        return f"arn:aws:iam::{self.account_id}:{kind}{path}{name}"

    def role_record(self, role_name: str) -> dict[str, Any]:
        record = self.store.get(ROLE, role_name)
        if record is None:
            raise role_not_found(role_name)
        return record

    def tag_record(self, kind: str, key: str, record: dict[str, Any],
                   tags: list[dict[str, Any]]) -> None:
        """TagX: add ``tags`` to a stored record's ``Tags`` (new values win) and store it."""
        record["Tags"] = check_tags(tag_list(record["Tags"]) + list(tags))
        self.store.put(kind, key, record)

    def untag_record(self, kind: str, key: str, record: dict[str, Any],
                     tag_keys: list[str]) -> None:
        """UntagX: drop ``tag_keys`` from a stored record's ``Tags`` and store it."""
        record["Tags"] = {k: v for k, v in record["Tags"].items() if k not in set(tag_keys)}
        self.store.put(kind, key, record)


def timestamp(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, tz=UTC)


def role_output(record: dict[str, Any], *, full: bool = True) -> dict[str, Any]:
    """A ``Role`` shape; ``full`` adds what GetRole returns beyond ListRoles."""
    out: dict[str, Any] = {
        "Path": record["Path"],
        "RoleName": record["RoleName"],
        "RoleId": record["RoleId"],
        "Arn": record["Arn"],
        "CreateDate": timestamp(record["CreateDate"]),
        "AssumeRolePolicyDocument": url_encoded(record["AssumeRolePolicyDocument"]),
        "MaxSessionDuration": record["MaxSessionDuration"],
    }
    if record.get("Description") is not None:
        out["Description"] = record["Description"]
    if full:
        if record.get("PermissionsBoundary"):
            out["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": record["PermissionsBoundary"],
            }
        if record.get("Tags"):
            out["Tags"] = tag_list(record["Tags"])
        out["RoleLastUsed"] = {}
    return out


def policy_name_of(policy_arn: str) -> str:
    return policy_arn.rsplit("/", 1)[-1]
