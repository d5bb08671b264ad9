"""SSM Parameter Store provider (tags and shaping helpers in ``provider_support``)."""

from __future__ import annotations

import re
from typing import Any

from fogbank.services.base import RequestContext, ServiceContext, operation
from fogbank.services.ssm import filters as param_filters
from fogbank.services.ssm.errors import (
    InvalidAllowedPatternException,
    ParameterAlreadyExists,
    ParameterMaxVersionLimitExceeded,
    ParameterNotFound,
    ParameterPatternMismatchException,
    ParameterVersionLabelLimitExceeded,
    ParameterVersionNotFound,
    ValidationException,
    not_found,
    version_not_found,
)
from fogbank.services.ssm.names import (
    check_enum,
    check_length,
    check_name,
    check_path,
    check_range,
    is_valid_label,
    split_selector,
)
from fogbank.services.ssm.provider_support import (
    TIERS,
    TagOperations,
    decode_token,
    encode_token,
)
from fogbank.services.ssm.secrets_reference import is_reference, reference_parameter

TYPES = ("SecureString", "StringList", "String")
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
DEFAULT_KEY_ID = "alias/aws/ssm"
MAX_VERSIONS = 100
DESCRIBE_PAGE_SIZE = 10
MAX_LABELS_PER_VERSION = 10
STANDARD_VALUE_MAX = 4096
ADVANCED_VALUE_MAX = 8192
STANDARD_TOO_LARGE = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create"
    " a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For"
    " more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "parameter-store-advanced-parameters.html")
NO_DOWNGRADE = (
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the"
    " advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the"
    " advanced parameter and recreate it as a standard parameter.")
TAGS_AND_OVERWRITE = (
    "Invalid request: tags and overwrite can't be used together. To create a parameter with"
    " tags, please remove overwrite flag. To update tags for an existing parameter, please use"
    " AddTagsToResource or RemoveTagsFromResource.")


class SsmProvider(TagOperations):
    """SSM Parameter Store: parameters with versions, labels, tags and hierarchies.

    Parameters live in ``ssm.db`` under the service's state directory (one JSON document per
    parameter holding its last 100 versions), so they survive restarts. GetParameter of
    ``/aws/reference/secretsmanager/<secret>`` reads Secrets Manager (``secrets_reference``).

    Deviations from AWS:
    - No KMS: SecureString values are stored as given. With ``WithDecryption=true`` the value
      comes back as AWS returns it; without, fogbank returns an opaque base64 token in place
      of AWS's KMS ciphertext (``base64("fogbank-ssm-secure:<KeyId>:<value>")`` — not
      encryption, only a stand-in that is not the plain value). KeyId is stored and echoed,
      never checked against KMS.
    - Parameter policies (``Policies``) are accepted but not stored or enforced (no
      expiration notifications); ``Intelligent-Tiering`` picks Standard or Advanced by size.
    - ``aws:ec2:image`` values are not checked against EC2 (AWS checks asynchronously).
    - Public parameters (``/aws/service/...``), shared parameters, documents, maintenance
      windows, commands and the rest of Systems Manager are not emulated.
    - ``LastModifiedUser`` is always the account root ARN.
    - DescribeParameters filters first and then pages (10 a page by default); AWS pages
      first and may answer short or empty pages with a NextToken. Paging tokens are opaque
      strings of fogbank's own.
    """

    service = "ssm"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx)

    # -- PutParameter ----------------------------------------------------------------------
    @operation("PutParameter")
    def put_parameter(self, ctx: RequestContext, *, name: str, value: str,
                      type: str | None = None, description: str | None = None,
                      key_id: str | None = None, overwrite: bool | None = None,
                      allowed_pattern: str | None = None,
                      tags: list[dict[str, str]] | None = None, tier: str | None = None,
                      data_type: str | None = None, **_: Any) -> dict[str, Any]:
        check_name(name)
        check_length(value, "value", 1, 2 ** 31)
        check_length(description, "description", 0, 1024)
        check_length(allowed_pattern, "allowedPattern", 0, 1024)
        check_length(key_id, "keyId", 1, 256)
        check_enum(type, "type", TYPES)
        check_enum(tier, "tier", TIERS)
        if overwrite and tags:
            raise ValidationException(TAGS_AND_OVERWRITE)
        if data_type is not None and data_type not in DATA_TYPES:
            raise ValidationException(f"The following data type is not supported: {data_type}"
                                      " (Data type names are all lowercase.)")
        if len(value) > ADVANCED_VALUE_MAX:
            raise ValidationException(
                "1 validation error detected: Value at 'value' failed to satisfy constraint:"
                f" Member must have length less than or equal to {ADVANCED_VALUE_MAX}")
        doc = self.store.get(ctx.region, name)
        previous = doc["versions"][-1] if doc else None
        if doc is not None and not overwrite:
            raise ParameterAlreadyExists()
        if previous is None and type is None:
            raise ValidationException("A parameter type is required when you create a"
                                      " parameter.")
        param_type = type or str(previous["type"] if previous else "String")
        pattern = allowed_pattern if allowed_pattern is not None else (
            previous.get("allowed_pattern") if previous else None)
        _check_pattern(pattern, value)
        resolved_tier = _resolve_tier(tier, previous, len(value))
        version = {
            "version": (previous["version"] + 1) if previous else 1,
            "type": param_type,
            "value": value,
            "description": description if description is not None else (
                previous.get("description") if previous else None),
            "allowed_pattern": pattern,
            "key_id": (key_id or (previous.get("key_id") if previous else None)
                       or DEFAULT_KEY_ID) if param_type == "SecureString" else None,
            "tier": resolved_tier,
            "data_type": data_type or (previous["data_type"] if previous else "text"),
            "labels": [],
            "modified_s": self.clock.now(),
        }
        if doc is None:
            doc = {"name": name, "tags": {}, "versions": []}
            self.check_tags(tags or [])
            doc["tags"] = {tag["Key"]: tag["Value"] for tag in tags or []}
        versions: list[dict[str, Any]] = doc["versions"]
        if len(versions) >= MAX_VERSIONS:
            oldest = versions[0]
            if oldest["labels"]:
                raise ParameterMaxVersionLimitExceeded(
                    f"You attempted to create a new version of {name} by calling the"
                    " PutParameter API with the overwrite flag. Version"
                    f" {oldest['version']}, the oldest version, can't be deleted because it"
                    " has a label associated with it. Move the label to another version of"
                    " the parameter, and try again.")
            del versions[0]
        versions.append(version)
        self.store.save(ctx.region, doc)
        return {"Version": version["version"], "Tier": resolved_tier}

    # -- reads -----------------------------------------------------------------------------
    def _select(self, ctx: RequestContext, name: str) -> tuple[dict[str, Any], dict[str, Any],
                                                                 str | None]:
        """``(document, version, selector)`` for ``name``, ``name:version`` or ``name:label``."""
        base, selector = split_selector(name)
        doc = self.store.get(ctx.region, base)
        if doc is None:
            raise not_found(name)
        versions: list[dict[str, Any]] = doc["versions"]
        if selector is None:
            return doc, versions[-1], None
        if selector.isdigit():
            found = [v for v in versions if v["version"] == int(selector)]
            if not found:
                raise version_not_found(base, selector)
            return doc, found[0], f":{selector}"
        found = [v for v in versions if selector in v["labels"]]
        if not found:
            raise version_not_found(base, selector)
        return doc, found[0], f":{selector}"

    @operation("GetParameter")
    async def get_parameter(self, ctx: RequestContext, *, name: str,
                            with_decryption: bool | None = None, **_: Any) -> dict[str, Any]:
        check_length(name, "name", 1, 2048)
        if is_reference(name):
            return {"Parameter": await reference_parameter(self.client, ctx.region, name,
                                                           with_decryption is True)}
        doc, version, selector = self._select(ctx, name)
        return {"Parameter": self.parameter_out(ctx, doc, version, bool(with_decryption),
                                                selector)}

    @operation("GetParameters")
    def get_parameters(self, ctx: RequestContext, *, names: list[str],
                       with_decryption: bool | None = None, **_: Any) -> dict[str, Any]:
        check_length(names, "names", 1, 10)
        found: list[dict[str, Any]] = []
        invalid: list[str] = []
        for name in dict.fromkeys(names):
            try:
                doc, version, selector = self._select(ctx, name)
            except (ParameterNotFound, ParameterVersionNotFound):
                invalid.append(name)
                continue
            found.append(self.parameter_out(ctx, doc, version, bool(with_decryption), selector))
        return {"Parameters": found, "InvalidParameters": invalid}

    @operation("GetParametersByPath")
    def get_parameters_by_path(self, ctx: RequestContext, *, path: str,
                               recursive: bool | None = None,
                               parameter_filters: list[dict[str, Any]] | None = None,
                               with_decryption: bool | None = None,
                               max_results: int | None = None, next_token: str | None = None,
                               **_: Any) -> dict[str, Any]:
        check_path(path)
        check_range(max_results, "maxResults", 1, 10)
        param_filters.validate(parameter_filters, by_path=True)
        path_filter = {"Key": "Path", "Values": [path],
                       "Option": "Recursive" if recursive else "OneLevel"}
        docs = [doc for doc in self.store.all(ctx.region)
                if param_filters.matches(doc, [path_filter, *(parameter_filters or [])])]
        page, token = _page(docs, max_results or 10, next_token)
        out: dict[str, Any] = {"Parameters": [
            self.parameter_out(ctx, doc, doc["versions"][-1], bool(with_decryption), None)
            for doc in page]}
        if token:
            out["NextToken"] = token
        return out

    @operation("DescribeParameters")
    def describe_parameters(self, ctx: RequestContext, *,
                            filters: list[dict[str, Any]] | None = None,
                            parameter_filters: list[dict[str, Any]] | None = None,
                            max_results: int | None = None, next_token: str | None = None,
                            **_: Any) -> dict[str, Any]:
        check_range(max_results, "maxResults", 1, 50)
        legacy = filters
        if legacy and parameter_filters:
            raise ValidationException("You can use either Filters or ParameterFilters in a"
                                      " single request.")
        param_filters.validate_legacy(legacy)
        param_filters.validate(parameter_filters, by_path=False)
        docs = [doc for doc in self.store.all(ctx.region)
                if param_filters.matches(doc, parameter_filters)
                and param_filters.matches_legacy(doc, legacy)]
        page, token = _page(docs, max_results or DESCRIBE_PAGE_SIZE, next_token)
        out: dict[str, Any] = {"Parameters": [self.metadata_out(ctx, doc) for doc in page]}
        if token:
            out["NextToken"] = token
        return out

    @operation("GetParameterHistory")
    def get_parameter_history(self, ctx: RequestContext, *, name: str,
                              with_decryption: bool | None = None,
                              max_results: int | None = None, next_token: str | None = None,
                              **_: Any) -> dict[str, Any]:
        check_range(max_results, "maxResults", 1, 50)
        doc = self.store.get(ctx.region, name)
        if doc is None:
            raise not_found(name)
        limit = max_results or 50
        start = int(decode_token(next_token)) if next_token else 0
        versions = doc["versions"][start:start + limit]
        out: dict[str, Any] = {"Parameters": [
            self.history_out(doc, version, bool(with_decryption)) for version in versions]}
        if start + limit < len(doc["versions"]):
            out["NextToken"] = encode_token(str(start + limit))
        return out

    # -- deletes ---------------------------------------------------------------------------
    @operation("DeleteParameter")
    def delete_parameter(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        if not self.store.delete(ctx.region, name):
            raise not_found(name)
        return {}

    @operation("DeleteParameters")
    def delete_parameters(self, ctx: RequestContext, *, names: list[str],
                          **_: Any) -> dict[str, Any]:
        check_length(names, "names", 1, 10)
        deleted: list[str] = []
        invalid: list[str] = []
        for name in dict.fromkeys(names):
            (deleted if self.store.delete(ctx.region, name) else invalid).append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    # -- labels ----------------------------------------------------------------------------
    @operation("LabelParameterVersion")
    def label_parameter_version(self, ctx: RequestContext, *, name: str, labels: list[str],
                                parameter_version: int | None = None,
                                **_: Any) -> dict[str, Any]:
        check_length(labels, "labels", 1, 10)
        for label in labels:
            if not 1 <= len(label) <= 100:
                raise ValidationException(
                    f"1 validation error detected: Value '[{label}]' at 'labels' failed to"
                    " satisfy constraint: Member must satisfy constraint: [Member must have"
                    " length less than or equal to 100, Member must have length greater than"
                    " or equal to 1]")
        doc = self.store.get(ctx.region, name)
        if doc is None:
            raise not_found(name)
        versions: list[dict[str, Any]] = doc["versions"]
        number = parameter_version if parameter_version is not None else versions[-1]["version"]
        target = next((v for v in versions if v["version"] == number), None)
        if target is None:
            raise version_not_found(name, number)
        valid = [label for label in dict.fromkeys(labels) if is_valid_label(label)]
        invalid = [label for label in labels if not is_valid_label(label)]
        if len(set(target["labels"]) | set(valid)) > MAX_LABELS_PER_VERSION:
            raise ParameterVersionLabelLimitExceeded(
                "A parameter version can have maximum 10 labels.Move one or more labels to"
                " another version and try again.")
        for version in versions:
            if version is not target:
                version["labels"] = [lb for lb in version["labels"] if lb not in valid]
        target["labels"] = list(dict.fromkeys([*target["labels"], *valid]))
        self.store.save(ctx.region, doc)
        return {"InvalidLabels": invalid, "ParameterVersion": number}

    @operation("UnlabelParameterVersion")
    def unlabel_parameter_version(self, ctx: RequestContext, *, name: str,
                                  parameter_version: int, labels: list[str],
                                  **_: Any) -> dict[str, Any]:
        check_length(labels, "labels", 1, 10)
        doc = self.store.get(ctx.region, name)
        if doc is None:
            raise not_found(name)
        target = next((v for v in doc["versions"] if v["version"] == parameter_version), None)
        if target is None:
            raise version_not_found(name, parameter_version)
        removed = [label for label in dict.fromkeys(labels) if label in target["labels"]]
        invalid = [label for label in dict.fromkeys(labels) if label not in removed]
        target["labels"] = [label for label in target["labels"] if label not in removed]
        self.store.save(ctx.region, doc)
        return {"RemovedLabels": removed, "InvalidLabels": invalid}


def _check_pattern(pattern: str | None, value: str) -> None:
    if not pattern:
        return
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise InvalidAllowedPatternException(
            f"The allowed pattern {pattern} is not valid: {error}") from error
    if not compiled.search(value):
        raise ParameterPatternMismatchException(
            f"Parameter value, cannot be validated against allowedPattern: {pattern}")


def _resolve_tier(tier: str | None, previous: dict[str, Any] | None, size: int) -> str:
    previous_tier = previous["tier"] if previous else None
    if tier == "Intelligent-Tiering" or (tier is None and previous_tier is None):
        chosen = "Advanced" if size > STANDARD_VALUE_MAX else "Standard"
        if tier is None and size > STANDARD_VALUE_MAX:
            raise ValidationException(STANDARD_TOO_LARGE)
    else:
        chosen = tier or str(previous_tier)
    if previous_tier == "Advanced" and chosen == "Standard":
        if tier == "Standard":
            raise ValidationException(NO_DOWNGRADE)
        chosen = "Advanced"
    if chosen == "Standard" and size > STANDARD_VALUE_MAX:
        raise ValidationException(STANDARD_TOO_LARGE)
    return chosen


def _page(docs: list[dict[str, Any]], limit: int,
          next_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Pages ordered by name; the token carries the last name returned."""
    if next_token:
        after = decode_token(next_token)
        docs = [doc for doc in docs if str(doc["name"]) > after]
    page = docs[:limit]
    token = encode_token(str(page[-1]["name"])) if len(docs) > limit else None
    return page, token
