"""The read-mostly half of the Secrets Manager provider: construction, DescribeSecret,
ListSecrets, ListSecretVersionIds, BatchGetSecretValue and tagging."""

from __future__ import annotations

import base64
import binascii
import random
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import Provider, RequestContext, ServiceContext, operation
from fogbank.services.secretsmanager import listing
from fogbank.services.secretsmanager.errors import (
    InvalidNextTokenException,
    InvalidParameterException,
)
from fogbank.services.secretsmanager.names import check_length, check_range, check_tags
from fogbank.services.secretsmanager.store import SecretStore

DAY_S = 86400


def day_start(epoch_s: float) -> float:
    return float(int(epoch_s) // DAY_S * DAY_S)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def _decode(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidNextTokenException("The NextToken value is invalid.") from error


class ListingOperations(Provider):
    def __init__(self, ctx: ServiceContext) -> None:
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.account_id = ctx.account_id
        self.store = SecretStore(ctx.state_dir, ctx.clock)
        # Passwords must be unpredictable, unlike ids: the OS's randomness, not a seed.
        self.rng: random.Random = random.SystemRandom()

    async def stop(self) -> None:
        self.store.close()

    def secret(self, ctx: RequestContext, secret_id: str, *,
               allow_deleted: bool = False) -> dict[str, Any]:
        raise NotImplementedError

    def read_value(self, ctx: RequestContext, secret_id: str, version_id: str | None,
                   version_stage: str | None) -> dict[str, Any]:
        raise NotImplementedError

    # -- shapes ----------------------------------------------------------------------------
    def _metadata(self, doc: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"ARN": doc["arn"], "Name": doc["name"],
                               "LastChangedDate": doc["changed_s"],
                               "CreatedDate": doc["created_s"]}
        if doc.get("description"):
            out["Description"] = doc["description"]
        if doc.get("kms_key_id"):
            out["KmsKeyId"] = doc["kms_key_id"]
        if doc.get("accessed_s") is not None:
            out["LastAccessedDate"] = doc["accessed_s"]
        if doc.get("deleted_s") is not None:
            out["DeletedDate"] = doc["deleted_s"]
        if doc.get("tags") is not None:
            out["Tags"] = list(doc["tags"])
        return out

    def _stages_map(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        return {vid: list(v["stages"]) for vid, v in doc["versions"].items() if v["stages"]}

    @operation("DescribeSecret")
    def describe_secret(self, ctx: RequestContext, *, secret_id: str,
                        **_: Any) -> dict[str, Any]:
        doc = self.secret(ctx, secret_id, allow_deleted=True)
        out = self._metadata(doc)
        if doc["versions"]:
            out["VersionIdsToStages"] = self._stages_map(doc)
        return out

    # -- lists -----------------------------------------------------------------------------
    def _matching(self, ctx: RequestContext, filters: list[dict[str, Any]] | None,
                  include_deleted: bool) -> list[dict[str, Any]]:
        listing.validate(filters)
        return [doc for doc in self.store.all(ctx.region)
                if (include_deleted or doc.get("deleted_s") is None)
                and listing.matches(doc, filters)]

    @operation("ListSecrets")
    def list_secrets(self, ctx: RequestContext, *, include_planned_deletion: bool | None = None,
                     max_results: int | None = None, next_token: str | None = None,
                     filters: list[dict[str, Any]] | None = None,
                     sort_order: str | None = None, sort_by: str | None = None,
                     **_: Any) -> dict[str, Any]:
        check_range(max_results, "maxResults", 1, 100)
        docs = self._matching(ctx, filters, bool(include_planned_deletion))
        sort_field = {"name": "name", "last-changed-date": "changed_s",
                      "last-accessed-date": "accessed_s"}.get(sort_by or "", "created_s")
        docs.sort(key=lambda doc: (doc.get(sort_field) or 0, doc["created_s"]),
                  reverse=sort_order == "desc")
        start, limit = _decode(next_token), max_results or 100
        out: dict[str, Any] = {"SecretList": [
            {**self._metadata(doc), "SecretVersionsToStages": self._stages_map(doc)}
            for doc in docs[start:start + limit]]}
        if start + limit < len(docs):
            out["NextToken"] = _encode(start + limit)
        return out

    @operation("ListSecretVersionIds")
    def list_secret_version_ids(self, ctx: RequestContext, *, secret_id: str,
                                max_results: int | None = None, next_token: str | None = None,
                                include_deprecated: bool | None = None,
                                **_: Any) -> dict[str, Any]:
        check_range(max_results, "maxResults", 1, 100)
        doc = self.secret(ctx, secret_id, allow_deleted=True)
        entries = []
        for version_id, version in doc["versions"].items():
            if not version["stages"] and not include_deprecated:
                continue
            entry: dict[str, Any] = {"VersionId": version_id,
                                     "VersionStages": list(version["stages"]),
                                     "CreatedDate": version["created_s"]}
            if version.get("accessed_s") is not None:
                entry["LastAccessedDate"] = version["accessed_s"]
            entries.append(entry)
        start, limit = _decode(next_token), max_results or 100
        out: dict[str, Any] = {"Versions": entries[start:start + limit], "ARN": doc["arn"],
                               "Name": doc["name"]}
        if start + limit < len(entries):
            out["NextToken"] = _encode(start + limit)
        return out

    @operation("BatchGetSecretValue")
    def batch_get_secret_value(self, ctx: RequestContext, *,
                               secret_id_list: list[str] | None = None,
                               filters: list[dict[str, Any]] | None = None,
                               max_results: int | None = None, next_token: str | None = None,
                               **_: Any) -> dict[str, Any]:
        if secret_id_list and filters:
            raise InvalidParameterException("Either 'SecretIdList' or 'Filters' must be"
                                            " provided, but not both.")
        if max_results is not None and not filters:
            raise InvalidParameterException("'Filters' not specified. 'Filters' must also be"
                                            " specified when 'MaxResults' is provided.")
        check_length(secret_id_list, "secretIdList", 1, 20)
        check_range(max_results, "maxResults", 1, 20)
        out: dict[str, Any] = {"SecretValues": [], "Errors": []}
        if filters:
            docs = self._matching(ctx, filters, False)
            start, limit = _decode(next_token), max_results or 20
            ids = [str(doc["arn"]) for doc in docs[start:start + limit]]
            if start + limit < len(docs):
                out["NextToken"] = _encode(start + limit)
        else:
            ids = list(secret_id_list or [])
        for secret_id in ids:
            try:
                out["SecretValues"].append(self.read_value(ctx, secret_id, None, None))
            except ServiceError as error:
                out["Errors"].append({"SecretId": secret_id, "ErrorCode": error.error_code,
                                      "Message": error.message})
        return out

    # -- tags ------------------------------------------------------------------------------
    @operation("TagResource")
    def tag_resource(self, ctx: RequestContext, *, secret_id: str, tags: list[dict[str, str]],
                     **_: Any) -> dict[str, Any]:
        check_tags(tags)
        doc = self.secret(ctx, secret_id)
        merged = {tag["Key"]: tag.get("Value", "") for tag in doc["tags"] or []}
        merged.update({tag["Key"]: tag.get("Value", "") for tag in tags})
        if len(merged) > 50:
            raise InvalidParameterException("Number of tags exceeds the limit of 50.")
        doc["tags"] = [{"Key": key, "Value": value} for key, value in merged.items()]
        doc["changed_s"] = self.clock.now()
        self.store.save(ctx.region, doc)
        return {}

    @operation("UntagResource")
    def untag_resource(self, ctx: RequestContext, *, secret_id: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        doc = self.secret(ctx, secret_id)
        doc["tags"] = [tag for tag in doc["tags"] or [] if tag["Key"] not in tag_keys]
        doc["changed_s"] = self.clock.now()
        self.store.save(ctx.region, doc)
        return {}
