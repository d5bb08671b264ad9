"""The parts of the SSM provider around the parameter operations: construction, result
shapes, the SecureString stand-in ciphertext, paging tokens and the tagging operations."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.ssm.errors import (
    InvalidNextToken,
    InvalidResourceId,
    InvalidResourceType,
    TooManyTagsError,
)
from fogbank.services.ssm.names import check_length, parameter_arn
from fogbank.services.ssm.store import ParameterStore

TIERS = ("Standard", "Advanced", "Intelligent-Tiering")
MAX_TAGS = 50


def encode_token(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode()).decode()


def decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidNextToken() from error


def stand_in_ciphertext(key_id: str, value: str) -> str:
    """What a SecureString read without decryption returns in place of KMS ciphertext."""
    return base64.b64encode(f"fogbank-ssm-secure:{key_id}:{value}".encode()).decode()


class TagOperations(Provider):
    """Construction, shaping and AddTagsToResource / RemoveTagsFromResource /
    ListTagsForResource (``SsmProvider`` adds the parameter operations)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.clock = ctx.clock
        self.client = ctx.client
        self.account_id = ctx.account_id
        self.store = ParameterStore(ctx.state_dir)

    async def stop(self) -> None:
        self.store.close()

    # -- shapes ----------------------------------------------------------------------------
    def _value(self, version: dict[str, Any], decrypt: bool) -> str:
        if version["type"] == "SecureString" and not decrypt:
            return stand_in_ciphertext(str(version.get("key_id")), str(version["value"]))
        return str(version["value"])

    def parameter_out(self, ctx: RequestContext, doc: dict[str, Any], version: dict[str, Any],
                      decrypt: bool, selector: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Name": doc["name"],
            "Type": version["type"],
            "Value": self._value(version, decrypt),
            "Version": version["version"],
            "LastModifiedDate": version["modified_s"],
            "ARN": parameter_arn(ctx.region, self.account_id, doc["name"]),
            "DataType": version["data_type"],
        }
        if selector:
            out["Selector"] = selector
        return out

    def _common(self, version: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Type": version["type"],
            "LastModifiedDate": version["modified_s"],
            "LastModifiedUser": f"arn:aws:iam::{self.account_id}:root",
            "Version": version["version"],
            "Tier": version["tier"],
            "Policies": [],
            "DataType": version["data_type"],
        }
        if version.get("key_id"):
            out["KeyId"] = version["key_id"]
        if version.get("description"):
            out["Description"] = version["description"]
        if version.get("allowed_pattern"):
            out["AllowedPattern"] = version["allowed_pattern"]
        return out

    def metadata_out(self, ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Any]:
        return {"Name": doc["name"],
                "ARN": parameter_arn(ctx.region, self.account_id, doc["name"]),
                **self._common(doc["versions"][-1])}

    def history_out(self, doc: dict[str, Any], version: dict[str, Any],
                    decrypt: bool) -> dict[str, Any]:
        return {"Name": doc["name"], **self._common(version),
                "Value": self._value(version, decrypt), "Labels": list(version["labels"])}

    # -- tags ------------------------------------------------------------------------------
    @staticmethod
    def check_tags(tags: list[dict[str, str]]) -> None:
        check_length(tags, "tags", 0, 1000)
        for index, tag in enumerate(tags, start=1):
            check_length(tag.get("Key", ""), f"tags.{index}.member.key", 1, 128)
            check_length(tag.get("Value", ""), f"tags.{index}.member.value", 0, 256)

    def _tagged(self, ctx: RequestContext, resource_type: str,
                resource_id: str) -> dict[str, Any]:
        if resource_type != "Parameter":
            raise InvalidResourceType()
        doc = self.store.get(ctx.region, resource_id)
        if doc is None:
            raise InvalidResourceId()
        return doc

    @operation("AddTagsToResource")
    def add_tags_to_resource(self, ctx: RequestContext, *, resource_type: str,
                             resource_id: str, tags: list[dict[str, str]],
                             **_: Any) -> dict[str, Any]:
        self.check_tags(tags)
        doc = self._tagged(ctx, resource_type, resource_id)
        merged = {**doc["tags"], **{tag["Key"]: tag.get("Value", "") for tag in tags}}
        if len(merged) > MAX_TAGS:
            raise TooManyTagsError("You can add up to 50 tags to a resource.")
        doc["tags"] = merged
        self.store.save(ctx.region, doc)
        return {}

    @operation("RemoveTagsFromResource")
    def remove_tags_from_resource(self, ctx: RequestContext, *, resource_type: str,
                                  resource_id: str, tag_keys: list[str],
                                  **_: Any) -> dict[str, Any]:
        doc = self._tagged(ctx, resource_type, resource_id)
        doc["tags"] = {key: value for key, value in doc["tags"].items() if key not in tag_keys}
        self.store.save(ctx.region, doc)
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, ctx: RequestContext, *, resource_type: str,
                               resource_id: str, **_: Any) -> dict[str, Any]:
        doc = self._tagged(ctx, resource_type, resource_id)
        return {"TagList": [{"Key": key, "Value": value} for key, value in doc["tags"].items()]}
