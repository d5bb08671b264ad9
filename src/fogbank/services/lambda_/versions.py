"""Published versions and aliases."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fogbank.core.clock import lambda_timestamp
from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from fogbank.services.lambda_.models import FunctionRecord

if TYPE_CHECKING:
    from fogbank.services.base import ServiceContext
    from fogbank.services.lambda_.store import LambdaStore

ALIAS_NAME = re.compile(r"^(?!^[0-9]+$)([a-zA-Z0-9-_]{1,128})$")
# Fields that do not make a new version differ from the last one.
UNVERSIONED = {"version", "revision_id", "last_modified", "last_version", "tags", "statements",
               "reserved_concurrency", "description"}


class VersionOperations:
    """Mixed into ``LambdaProvider``."""

    ctx: ServiceContext
    store: LambdaStore

    if TYPE_CHECKING:
        def _latest(self, function_name: str) -> FunctionRecord:
            ...

        def function_arn(self, name: str) -> str:
            ...

    def publish(self, latest: FunctionRecord, description: str | None) -> FunctionRecord:
        """Snapshot $LATEST as a new version, unless it equals the last published one."""
        last = self.store.get_version(latest.name, latest.last_version)
        if last is not None and _versioned(last) == _versioned(latest):
            return last
        latest.last_version += 1
        snapshot = FunctionRecord.from_doc(latest.to_doc())
        snapshot.version = str(latest.last_version)
        snapshot.description = latest.description if description is None else description
        snapshot.revision_id = self.ctx.ids.uuid()
        snapshot.last_modified = lambda_timestamp(self.ctx.clock.now())
        self.store.put_version(snapshot)
        self.store.put_function(latest)
        return snapshot

    @operation("PublishVersion")
    def publish_version(self, ctx: RequestContext, *, function_name: str,
                        code_sha256: str | None = None, description: str | None = None,
                        revision_id: str | None = None, **_: Any) -> dict[str, Any]:
        latest = self._latest(function_name)
        if revision_id is not None and revision_id != latest.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the"
                " GetFunction/GetAlias API to retrieve the latest Revision Id")
        if code_sha256 is not None and code_sha256 != latest.code.sha256:
            raise InvalidParameterValueException(
                f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in $LATEST"
                f" ({latest.code.sha256}). Please try again.")
        return self.publish(latest, description).configuration()

    @operation("ListVersionsByFunction")
    def list_versions_by_function(self, ctx: RequestContext, *, function_name: str,
                                  marker: str | None = None, max_items: int | None = None,
                                  **_: Any) -> dict[str, Any]:
        latest = self._latest(function_name)
        records = [latest, *self.store.versions(latest.name)]
        start = int(marker) if marker and marker.isdigit() else 0
        page = records[start:start + (max_items or 50)]
        result: dict[str, Any] = {"Versions": [r.configuration() for r in page]}
        if start + len(page) < len(records):
            result["NextMarker"] = str(start + len(page))
        return result

    # ------------------------------------------------------------------ aliases

    def _alias(self, function_name: str, name: str) -> tuple[FunctionRecord, dict[str, Any]]:
        latest = self._latest(function_name)
        alias = self.store.get_alias(latest.name, name)
        if alias is None:
            raise ResourceNotFoundException(
                f"Cannot find alias arn: {self.function_arn(latest.name)}:{name}")
        return latest, alias

    def _check_target(self, latest: FunctionRecord, version: str) -> None:
        if version != "$LATEST" and (
                not version.isdigit()
                or self.store.get_version(latest.name, int(version)) is None):
            raise ResourceNotFoundException(
                f"Function not found: {self.function_arn(latest.name)}:{version}")

    def _alias_output(self, latest: FunctionRecord, alias: dict[str, Any]) -> dict[str, Any]:
        output = {"AliasArn": f"{self.function_arn(latest.name)}:{alias['Name']}", **alias}
        if not output.get("RoutingConfig"):
            output.pop("RoutingConfig", None)
        return output

    @operation("CreateAlias")
    def create_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                     function_version: str, description: str | None = None,
                     routing_config: dict[str, Any] | None = None,
                     **_: Any) -> dict[str, Any]:
        if not ALIAS_NAME.match(name):
            raise ValidationException(
                f"1 validation error detected: Value '{name}' at 'name' failed to satisfy"
                " constraint: Member must satisfy regular expression pattern:"
                " (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
        latest = self._latest(function_name)
        if self.store.get_alias(latest.name, name) is not None:
            raise ResourceConflictException(
                f"Alias already exists: {self.function_arn(latest.name)}:{name}")
        self._check_target(latest, function_version)
        alias = {"Name": name, "FunctionVersion": function_version,
                 "Description": description or "", "RevisionId": self.ctx.ids.uuid(),
                 "RoutingConfig": routing_config or {}}
        self.store.put_alias(latest.name, alias)
        return self._alias_output(latest, alias)

    @operation("GetAlias")
    def get_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                  **_: Any) -> dict[str, Any]:
        return self._alias_output(*self._alias(function_name, name))

    @operation("UpdateAlias")
    def update_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                     function_version: str | None = None, description: str | None = None,
                     routing_config: dict[str, Any] | None = None,
                     revision_id: str | None = None, **_: Any) -> dict[str, Any]:
        latest, alias = self._alias(function_name, name)
        if revision_id is not None and revision_id != alias["RevisionId"]:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the"
                " GetFunction/GetAlias API to retrieve the latest Revision Id")
        if function_version is not None:
            self._check_target(latest, function_version)
            alias["FunctionVersion"] = function_version
        if description is not None:
            alias["Description"] = description
        if routing_config is not None:
            alias["RoutingConfig"] = routing_config
        alias["RevisionId"] = self.ctx.ids.uuid()
        self.store.put_alias(latest.name, alias)
        return self._alias_output(latest, alias)

    @operation("DeleteAlias")
    def delete_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                     **_: Any) -> dict[str, Any]:
        latest = self._latest(function_name)
        self.store.delete_alias(latest.name, name)
        return {}

    @operation("ListAliases")
    def list_aliases(self, ctx: RequestContext, *, function_name: str,
                     function_version: str | None = None, marker: str | None = None,
                     max_items: int | None = None, **_: Any) -> dict[str, Any]:
        latest = self._latest(function_name)
        aliases = [a for a in self.store.aliases(latest.name)
                   if function_version is None or a["FunctionVersion"] == function_version]
        start = int(marker) if marker and marker.isdigit() else 0
        page = aliases[start:start + (max_items or 50)]
        result: dict[str, Any] = {"Aliases": [self._alias_output(latest, a) for a in page]}
        if start + len(page) < len(aliases):
            result["NextMarker"] = str(start + len(page))
        return result


def _versioned(record: FunctionRecord) -> dict[str, Any]:
    return {key: value for key, value in record.to_doc().items() if key not in UNVERSIONED}
