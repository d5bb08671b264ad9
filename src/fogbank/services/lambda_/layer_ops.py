"""Layer versions: publish, read, list, delete, and resolving a function's ``Layers``."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from fogbank.core.clock import lambda_timestamp
from fogbank.services.base import RequestContext, operation
from fogbank.services.lambda_.code import prepare_code
from fogbank.services.lambda_.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from fogbank.services.lambda_.models import LayerVersionRecord

if TYPE_CHECKING:
    from fogbank.services.base import ServiceContext
    from fogbank.services.lambda_.store import LambdaStore

LAYER_NAME = re.compile(r"^[a-zA-Z0-9-_]{1,140}$")
LAYER_VERSION_ARN = re.compile(
    r"^arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:layer:"
    r"(?P<name>[a-zA-Z0-9-_]+):(?P<version>[0-9]+)$"
)
NOT_FOUND = "The resource you requested does not exist."


class LayerOperations:
    """Mixed into ``LambdaProvider``."""

    ctx: ServiceContext
    store: LambdaStore

    def _layer_name(self, layer_name: str) -> str:
        if layer_name.startswith("arn:"):
            layer_name = layer_name.rsplit(":", 1)[-1]
        if not LAYER_NAME.match(layer_name):
            raise ValidationException(
                f"1 validation error detected: Value '{layer_name}' at 'layerName' failed to"
                " satisfy constraint: Member must satisfy regular expression pattern:"
                " (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|"
                "[a-zA-Z0-9-_]+"
            )
        return layer_name

    def _layer(self, layer_name: str, version: int) -> LayerVersionRecord:
        record = self.store.get_layer_version(self._layer_name(layer_name), int(version))
        if record is None:
            raise ResourceNotFoundException(NOT_FOUND)
        return record

    def resolve_layers(self, arns: list[str]) -> list[dict[str, Any]]:
        """A function's ``Layers`` → what its environments put on ``sys.path``."""
        resolved = []
        for arn in arns:
            match = LAYER_VERSION_ARN.match(arn)
            record = (self.store.get_layer_version(match["name"], int(match["version"]))
                      if match else None)
            if record is None:
                raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
            resolved.append({"Arn": arn, "CodeSize": record.content.size,
                             "path": record.content.path, "kind": record.content.kind})
        return resolved

    @operation("PublishLayerVersion")
    async def publish_layer_version(self, ctx: RequestContext, *, layer_name: str,
                                    content: dict[str, Any], description: str | None = None,
                                    compatible_runtimes: list[str] | None = None,
                                    license_info: str | None = None,
                                    compatible_architectures: list[str] | None = None,
                                    **_: Any) -> dict[str, Any]:
        name = self._layer_name(layer_name)
        location = await prepare_code(content, self.store.layer_content_dir(name),
                                      self.ctx.client)
        version = self.store.next_layer_version(name)
        record = LayerVersionRecord(
            name=name, version=version,
            layer_arn=f"arn:aws:lambda:{self.ctx.region}:{self.ctx.account_id}:layer:{name}",
            content=location, created_date=lambda_timestamp(self.ctx.clock.now()),
            description=description or "", compatible_runtimes=list(compatible_runtimes or []),
            compatible_architectures=list(compatible_architectures or []),
            license_info=license_info,
        )
        self.store.put_layer_version(record)
        return record.output()

    @operation("GetLayerVersion")
    def get_layer_version(self, ctx: RequestContext, *, layer_name: str, version_number: int,
                          **_: Any) -> dict[str, Any]:
        return self._layer(layer_name, version_number).output()

    @operation("GetLayerVersionByArn")
    def get_layer_version_by_arn(self, ctx: RequestContext, *, arn: str,
                                 **_: Any) -> dict[str, Any]:
        match = LAYER_VERSION_ARN.match(arn)
        if match is None:
            raise ValidationException(
                f"1 validation error detected: Value '{arn}' at 'arn' failed to satisfy"
                " constraint: Member must satisfy regular expression pattern:"
                " arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+"
            )
        return self._layer(match["name"], int(match["version"])).output()

    @operation("ListLayerVersions")
    def list_layer_versions(self, ctx: RequestContext, *, layer_name: str,
                            compatible_runtime: str | None = None,
                            compatible_architecture: str | None = None,
                            marker: str | None = None, max_items: int | None = None,
                            **_: Any) -> dict[str, Any]:
        records = [r for r in self.store.layer_versions(self._layer_name(layer_name))
                   if _compatible(r, compatible_runtime, compatible_architecture)]
        items, next_marker = _page(records, marker, max_items)
        result: dict[str, Any] = {"LayerVersions": [r.summary() for r in items]}
        if next_marker:
            result["NextMarker"] = next_marker
        return result

    @operation("ListLayers")
    def list_layers(self, ctx: RequestContext, *, compatible_runtime: str | None = None,
                    compatible_architecture: str | None = None, marker: str | None = None,
                    max_items: int | None = None, **_: Any) -> dict[str, Any]:
        latest = []
        for name in self.store.layer_names():
            matching = [r for r in self.store.layer_versions(name)
                        if _compatible(r, compatible_runtime, compatible_architecture)]
            if matching:
                latest.append(matching[0])
        items, next_marker = _page(latest, marker, max_items)
        result: dict[str, Any] = {"Layers": [
            {"LayerName": r.name, "LayerArn": r.layer_arn, "LatestMatchingVersion": r.summary()}
            for r in items
        ]}
        if next_marker:
            result["NextMarker"] = next_marker
        return result

    @operation("DeleteLayerVersion")
    def delete_layer_version(self, ctx: RequestContext, *, layer_name: str, version_number: int,
                             **_: Any) -> dict[str, Any]:
        # Files stay: functions that use the version keep working, as in AWS.
        self.store.delete_layer_version(self._layer_name(layer_name), int(version_number))
        return {}


def _compatible(record: LayerVersionRecord, runtime: str | None, arch: str | None) -> bool:
    if runtime and runtime not in record.compatible_runtimes:
        return False
    return not (arch and arch not in record.compatible_architectures)


def _page(records: list[LayerVersionRecord], marker: str | None,
          max_items: int | None) -> tuple[list[LayerVersionRecord], str | None]:
    start = 0
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode())
        except ValueError as exc:
            raise InvalidParameterValueException("Invalid marker") from exc
    size = max_items or 50
    items = records[start:start + size]
    more = start + size < len(records)
    return items, base64.urlsafe_b64encode(str(start + size).encode()).decode() if more else None
