"""AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable (single region) → dynamodb operations.

SAM's ``AWS::Serverless::SimpleTable`` arrives here as an ``AWS::DynamoDB::Table`` after the
transform. Updates follow CloudFormation: a new name or key schema replaces the table; GSIs
are added / removed one UpdateTable at a time; stream, billing, TTL and tags change in place.
"""

from __future__ import annotations

from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.cloudformation.engine.errors import NeedsReplacement
from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    drop_none,
    is_not_found,
    physical_name,
    pick,
)

TABLE_MEMBERS = ("AttributeDefinitions", "KeySchema", "LocalSecondaryIndexes", "BillingMode",
                 "ProvisionedThroughput", "SSESpecification", "TableClass",
                 "DeletionProtectionEnabled")


def _int_fields(value: Any) -> Any:
    """CloudFormation passes numbers as strings; the API wants integers for capacities."""
    if isinstance(value, dict):
        return {key: (int(item) if key.endswith("CapacityUnits") and item is not None
                      else _int_fields(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_int_fields(item) for item in value]
    return value


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _stream_spec(props: dict[str, Any]) -> dict[str, Any] | None:
    spec = props.get("StreamSpecification")
    if isinstance(spec, dict) and spec.get("StreamViewType"):
        return {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}
    return None


def _gsis(props: dict[str, Any]) -> list[dict[str, Any]]:
    return [pick(index, "IndexName", "KeySchema", "Projection", "ProvisionedThroughput")
            for index in props.get("GlobalSecondaryIndexes") or []]


class TableHandler(ResourceHandler):
    resource_type = "AWS::DynamoDB::Table"
    replace_on = frozenset({"TableName", "KeySchema", "LocalSecondaryIndexes"})

    def table_properties(self, props: dict[str, Any]) -> dict[str, Any]:
        return props

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = self.table_properties(request.properties)
        name = props.get("TableName") or physical_name(request, services, 255)
        params: dict[str, Any] = {"TableName": name, **pick(props, *TABLE_MEMBERS)}
        if props.get("GlobalSecondaryIndexes"):
            params["GlobalSecondaryIndexes"] = _gsis(props)
        if "DeletionProtectionEnabled" in params:
            params["DeletionProtectionEnabled"] = _bool(params["DeletionProtectionEnabled"])
        stream = _stream_spec(props)
        if stream:
            params["StreamSpecification"] = stream
        if props.get("Tags"):
            params["Tags"] = [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))}
                              for t in props["Tags"]]
        if params.get("SSESpecification"):
            params["SSESpecification"] = {"Enabled": _bool(
                params["SSESpecification"].get("SSEEnabled"))}
        params = _int_fields(params)
        result = await services.client.call("dynamodb", "CreateTable", params)
        await self._ttl(name, props.get("TimeToLiveSpecification"), None, services)
        return self._result(name, result["TableDescription"])

    def _result(self, name: str, description: dict[str, Any]) -> ResourceResult:
        attributes = {"Arn": description["TableArn"], "TableId": description.get("TableId")}
        if description.get("LatestStreamArn"):
            attributes["StreamArn"] = description["LatestStreamArn"]
        return ResourceResult(name, drop_none(attributes))

    async def _ttl(self, name: str, spec: Any, old_spec: Any, services: HandlerServices) -> None:
        enabled = isinstance(spec, dict) and _bool(spec.get("Enabled"))
        was_enabled = isinstance(old_spec, dict) and _bool(old_spec.get("Enabled"))
        if enabled == was_enabled and (not enabled or spec.get("AttributeName")
                                       == old_spec.get("AttributeName")):
            return
        if was_enabled:
            await services.client.call("dynamodb", "UpdateTimeToLive", {
                "TableName": name, "TimeToLiveSpecification": {
                    "Enabled": False, "AttributeName": old_spec["AttributeName"]}})
        if enabled:
            await services.client.call("dynamodb", "UpdateTimeToLive", {
                "TableName": name, "TimeToLiveSpecification": {
                    "Enabled": True, "AttributeName": spec["AttributeName"]}})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = self.table_properties(request.properties)
        old = self.table_properties(request.old_properties or {})
        for member in self.replace_on:
            if props.get(member) != old.get(member):
                raise NeedsReplacement()
        name = str(request.physical_id)
        old_gsis = {index["IndexName"]: index for index in _gsis(old)}
        new_gsis = {index["IndexName"]: index for index in _gsis(props)}
        for index_name in old_gsis:
            if index_name not in new_gsis or old_gsis[index_name] != new_gsis[index_name]:
                await self._update_table(services, name, {"GlobalSecondaryIndexUpdates": [
                    {"Delete": {"IndexName": index_name}}]})
        for index_name, index in new_gsis.items():
            if index_name not in old_gsis or old_gsis[index_name] != index:
                await self._update_table(services, name, {
                    "AttributeDefinitions": props.get("AttributeDefinitions"),
                    "GlobalSecondaryIndexUpdates": [{"Create": index}]})
        changes: dict[str, Any] = {}
        if props.get("BillingMode") != old.get("BillingMode") or \
                props.get("ProvisionedThroughput") != old.get("ProvisionedThroughput"):
            changes["BillingMode"] = props.get("BillingMode") or "PROVISIONED"
            if props.get("ProvisionedThroughput"):
                changes["ProvisionedThroughput"] = props["ProvisionedThroughput"]
        if _stream_spec(props) != _stream_spec(old):
            if _stream_spec(old):
                await self._update_table(services, name,
                                         {"StreamSpecification": {"StreamEnabled": False}})
            if _stream_spec(props):
                changes["StreamSpecification"] = _stream_spec(props)
        if props.get("DeletionProtectionEnabled") != old.get("DeletionProtectionEnabled"):
            changes["DeletionProtectionEnabled"] = _bool(props.get("DeletionProtectionEnabled"))
        if changes:
            await self._update_table(services, name, changes)
        await self._ttl(name, props.get("TimeToLiveSpecification"),
                        old.get("TimeToLiveSpecification"), services)
        await self._tags(name, props.get("Tags"), old.get("Tags"), services)
        described = await services.client.call("dynamodb", "DescribeTable", {"TableName": name})
        return self._result(name, described["Table"])

    async def _update_table(self, services: HandlerServices, name: str,
                            params: dict[str, Any]) -> None:
        await services.client.call("dynamodb", "UpdateTable",
                                   _int_fields(drop_none({"TableName": name, **params})))

    async def _tags(self, name: str, tags: Any, old_tags: Any, services: HandlerServices) -> None:
        new = {str(t["Key"]): str(t.get("Value", "")) for t in tags or []}
        previous = {str(t["Key"]): str(t.get("Value", "")) for t in old_tags or []}
        if new == previous:
            return
        described = await services.client.call("dynamodb", "DescribeTable", {"TableName": name})
        arn = described["Table"]["TableArn"]
        removed = [key for key in previous if key not in new]
        if removed:
            await services.client.call("dynamodb", "UntagResource",
                                       {"ResourceArn": arn, "TagKeys": removed})
        if new:
            await services.client.call("dynamodb", "TagResource", {
                "ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in new.items()]})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        try:
            await services.client.call("dynamodb", "DeleteTable",
                                       {"TableName": request.physical_id})
        except ServiceError as error:
            if not is_not_found(error):
                raise


class GlobalTableHandler(TableHandler):
    """A global table in one region: the replica for this region becomes the table."""

    resource_type = "AWS::DynamoDB::GlobalTable"

    def table_properties(self, props: dict[str, Any]) -> dict[str, Any]:
        out = {key: value for key, value in props.items()
               if key not in ("Replicas", "WriteProvisionedThroughputSettings",
                              "WriteOnDemandThroughputSettings", "SSESpecification")}
        replicas = props.get("Replicas") or []
        replica = replicas[0] if replicas else {}
        if props.get("BillingMode") == "PROVISIONED":
            write = (props.get("WriteProvisionedThroughputSettings") or {}).get(
                "WriteCapacityAutoScalingSettings", {}).get("MinCapacity", 5)
            read = (replica.get("ReadProvisionedThroughputSettings") or {}).get(
                "ReadCapacityUnits", 5)
            out["ProvisionedThroughput"] = {"ReadCapacityUnits": read,
                                            "WriteCapacityUnits": write}
            out["GlobalSecondaryIndexes"] = [
                {**index, "ProvisionedThroughput": {"ReadCapacityUnits": read,
                                                    "WriteCapacityUnits": write}}
                for index in props.get("GlobalSecondaryIndexes") or []]
        if replica.get("Tags"):
            out["Tags"] = replica["Tags"]
        if "DeletionProtectionEnabled" in replica:
            out["DeletionProtectionEnabled"] = replica["DeletionProtectionEnabled"]
        if replica.get("TableClass"):
            out["TableClass"] = replica["TableClass"]
        return out


DYNAMODB_HANDLERS: list[ResourceHandler] = [TableHandler(), GlobalTableHandler()]
