"""AWS::Lambda::* handlers → lambda CreateFunction, AddPermission, PublishLayerVersion, ..."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fogbank.services.cloudformation.resources.base import (
    HandlerServices,
    ResourceHandler,
    ResourceRequest,
    ResourceResult,
    drop_none,
    physical_name,
    pick,
    tags_dict,
)
from fogbank.services.cloudformation.resources.inline import CFN_RESPONSE_JS, cfnresponse_py

CONFIG_PROPERTIES = (
    "Role", "Handler", "Runtime", "Description", "Timeout", "MemorySize", "VpcConfig",
    "Environment", "DeadLetterConfig", "TracingConfig", "Layers", "FileSystemConfigs",
    "ImageConfig", "EphemeralStorage", "SnapStart", "LoggingConfig",
)
CREATE_ONLY = ("PackageType", "Architectures", "CodeSigningConfigArn")


def inline_zip(source: str, runtime: str | None) -> bytes:
    """CloudFormation's packaging of ``Code.ZipFile``: ``index.py``/``index.js`` plus the
    cfn-response module."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if (runtime or "").startswith("nodejs"):
            archive.writestr("index.js", source)
            archive.writestr("node_modules/cfn-response/index.js", CFN_RESPONSE_JS)
        else:
            archive.writestr("index.py", source)
            archive.writestr("cfnresponse.py", cfnresponse_py())
    return buffer.getvalue()


def code_params(code: Any, runtime: str | None) -> dict[str, Any]:
    if not isinstance(code, dict):
        return {}
    if "ZipFile" in code:
        return {"ZipFile": inline_zip(str(code["ZipFile"]), runtime)}
    return pick(code, "S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri")


def _config(properties: dict[str, Any]) -> dict[str, Any]:
    params = pick(properties, *CONFIG_PROPERTIES)
    if "KmsKeyArn" in properties:
        params["KMSKeyArn"] = properties["KmsKeyArn"]
    return params


class FunctionHandler(ResourceHandler):
    resource_type = "AWS::Lambda::Function"
    replace_on = frozenset({"FunctionName", "PackageType"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("FunctionName") or physical_name(request, services, 64)
        params = {"FunctionName": name, **_config(props), **pick(props, *CREATE_ONLY),
                  "Code": code_params(props.get("Code"), props.get("Runtime"))}
        tags = tags_dict(props.get("Tags"))
        if tags:
            params["Tags"] = tags
        result = await services.client.call("lambda", "CreateFunction", params)
        await self._concurrency(request, services, name)
        return ResourceResult(name, _attributes(result))

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props, old = request.properties, request.old_properties or {}
        name = str(request.physical_id)
        result: dict[str, Any] = {}
        if props.get("Code") != old.get("Code") or props.get("Architectures") != old.get(
                "Architectures"):
            code = code_params(props.get("Code"), props.get("Runtime"))
            params = {"FunctionName": name, **code, **pick(props, "Architectures")}
            result = await services.client.call("lambda", "UpdateFunctionCode", params)
        config = _config(props)
        if config != _config(old):
            cleared = {key: _empty_value(key) for key in _config(old) if key not in config}
            result = await services.client.call(
                "lambda", "UpdateFunctionConfiguration",
                {"FunctionName": name, **drop_none(cleared), **config})
        if props.get("Tags") != old.get("Tags"):
            await self._retag(services, result or request.old_attributes, props, old)
        if props.get("ReservedConcurrentExecutions") != old.get("ReservedConcurrentExecutions"):
            await self._concurrency(request, services, name)
        attributes = _attributes(result) if result else dict(request.old_attributes)
        return ResourceResult(name, attributes)

    @staticmethod
    async def _retag(services: HandlerServices, attributes: dict[str, Any],
                     props: dict[str, Any], old: dict[str, Any]) -> None:
        arn = attributes.get("Arn") or attributes.get("FunctionArn")
        if not arn:
            return
        removed = sorted(set(tags_dict(old.get("Tags")) or {}) - set(
            tags_dict(props.get("Tags")) or {}))
        if removed:
            await services.client.call("lambda", "UntagResource",
                                       {"Resource": arn, "TagKeys": removed})
        if tags_dict(props.get("Tags")):
            await services.client.call("lambda", "TagResource",
                                       {"Resource": arn, "Tags": tags_dict(props.get("Tags"))})

    @staticmethod
    async def _concurrency(request: ResourceRequest, services: HandlerServices,
                           name: str) -> None:
        reserved = request.properties.get("ReservedConcurrentExecutions")
        if reserved is not None:
            await services.client.call("lambda", "PutFunctionConcurrency", {
                "FunctionName": name, "ReservedConcurrentExecutions": int(reserved)})
        elif (request.old_properties or {}).get("ReservedConcurrentExecutions") is not None:
            await services.client.call("lambda", "DeleteFunctionConcurrency",
                                       {"FunctionName": name})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("lambda", "DeleteFunction",
                                   {"FunctionName": request.physical_id})


def _empty_value(key: str) -> Any:
    """What UpdateFunctionConfiguration takes to clear a property removed from the template."""
    return {"Environment": {"Variables": {}}, "Layers": [], "Description": "",
            "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
            "DeadLetterConfig": {}, "FileSystemConfigs": []}.get(key)


def _attributes(result: dict[str, Any]) -> dict[str, Any]:
    attributes: dict[str, Any] = {"Arn": result.get("FunctionArn")}
    if "SnapStart" in result:
        attributes["SnapStartResponse"] = result["SnapStart"]
        attributes["SnapStartResponse.ApplyOn"] = result["SnapStart"].get("ApplyOn")
        attributes["SnapStartResponse.OptimizationStatus"] = result["SnapStart"].get(
            "OptimizationStatus")
    return drop_none(attributes)


class PermissionHandler(ResourceHandler):
    resource_type = "AWS::Lambda::Permission"
    replace_on = frozenset({"Action", "EventSourceToken", "FunctionName", "Principal",
                            "SourceAccount", "SourceArn", "PrincipalOrgID", "FunctionUrlAuthType"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        statement_id = physical_name(request, services, 100)
        params = {"StatementId": statement_id, **pick(
            request.properties, "FunctionName", "Action", "Principal", "SourceArn",
            "SourceAccount", "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType")}
        await services.client.call("lambda", "AddPermission", params)
        return ResourceResult(statement_id, {"Id": statement_id})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("lambda", "RemovePermission", {
            "FunctionName": request.properties.get("FunctionName"),
            "StatementId": request.physical_id})


class LayerVersionHandler(ResourceHandler):
    resource_type = "AWS::Lambda::LayerVersion"

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        props = request.properties
        name = props.get("LayerName") or physical_name(request, services, 64)
        content = props.get("Content") or {}
        params = {"LayerName": name, "Content": pick(content, "S3Bucket", "S3Key",
                                                     "S3ObjectVersion"),
                  **pick(props, "CompatibleRuntimes", "CompatibleArchitectures", "Description",
                         "LicenseInfo")}
        result = await services.client.call("lambda", "PublishLayerVersion", params)
        arn = str(result["LayerVersionArn"])
        return ResourceResult(arn, {"LayerVersionArn": arn, "LayerName": name,
                                    "Version": result.get("Version")})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        arn = str(request.physical_id)
        layer_arn, _, version = arn.rpartition(":")
        await services.client.call("lambda", "DeleteLayerVersion", {
            "LayerName": layer_arn, "VersionNumber": int(version)})


class VersionHandler(ResourceHandler):
    resource_type = "AWS::Lambda::Version"

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = pick(request.properties, "FunctionName", "Description", "CodeSha256")
        result = await services.client.call("lambda", "PublishVersion", params)
        arn = str(result["FunctionArn"])
        return ResourceResult(arn, {"Version": result.get("Version"),
                                    "FunctionArn": arn})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        function_arn, _, version = str(request.physical_id).rpartition(":")
        await services.client.call("lambda", "DeleteFunction",
                                   {"FunctionName": function_arn, "Qualifier": version})


class AliasHandler(ResourceHandler):
    resource_type = "AWS::Lambda::Alias"
    replace_on = frozenset({"FunctionName", "Name"})
    FIELDS = ("FunctionName", "Name", "FunctionVersion", "Description", "RoutingConfig")

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        result = await services.client.call("lambda", "CreateAlias",
                                            pick(request.properties, *self.FIELDS))
        return ResourceResult(str(result["AliasArn"]), {"AliasArn": result["AliasArn"]})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        result = await services.client.call("lambda", "UpdateAlias",
                                            pick(request.properties, *self.FIELDS))
        return ResourceResult(str(result["AliasArn"]), {"AliasArn": result["AliasArn"]})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("lambda", "DeleteAlias",
                                   pick(request.properties, "FunctionName", "Name"))


def _mapping_params(properties: dict[str, Any]) -> dict[str, Any]:
    """The template's properties as CreateEventSourceMapping takes them (the API spells the
    KMS key ``KMSKeyArn``)."""
    params = {key: value for key, value in properties.items() if key not in ("Tags",
                                                                              "KmsKeyArn")}
    if "KmsKeyArn" in properties:
        params["KMSKeyArn"] = properties["KmsKeyArn"]
    return params


# What UpdateEventSourceMapping takes to clear a property removed from the template.
MAPPING_CLEARED: dict[str, Any] = {
    "FilterCriteria": {}, "FunctionResponseTypes": [], "ScalingConfig": {},
    "DestinationConfig": {"OnFailure": {}}, "MaximumBatchingWindowInSeconds": 0,
    "MaximumRetryAttempts": -1, "MaximumRecordAgeInSeconds": -1,
    "BisectBatchOnFunctionError": False, "ParallelizationFactor": 1,
    "TumblingWindowInSeconds": 0, "Enabled": True,
}


class EventSourceMappingHandler(ResourceHandler):
    resource_type = "AWS::Lambda::EventSourceMapping"
    replace_on = frozenset({"EventSourceArn", "StartingPosition", "StartingPositionTimestamp",
                            "Queues", "Topics", "SelfManagedEventSource"})

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = _mapping_params(request.properties)
        tags = tags_dict(request.properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        result = await services.client.call("lambda", "CreateEventSourceMapping", params)
        uuid = str(result["UUID"])
        return ResourceResult(uuid, {"Id": uuid,
                                     "EventSourceMappingArn": result.get("EventSourceMappingArn")})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = {key: value for key, value in _mapping_params(request.properties).items()
                  if key not in self.replace_on}
        removed = {key: value for key, value in MAPPING_CLEARED.items()
                   if key in (request.old_properties or {}) and key not in params}
        result = await services.client.call("lambda", "UpdateEventSourceMapping",
                                            {"UUID": request.physical_id, **removed, **params})
        return ResourceResult(str(request.physical_id), {
            "Id": request.physical_id,
            "EventSourceMappingArn": result.get("EventSourceMappingArn")})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("lambda", "DeleteEventSourceMapping",
                                   {"UUID": request.physical_id})


class EventInvokeConfigHandler(ResourceHandler):
    resource_type = "AWS::Lambda::EventInvokeConfig"
    replace_on = frozenset({"FunctionName", "Qualifier"})

    @staticmethod
    def _params(properties: dict[str, Any]) -> dict[str, Any]:
        params = pick(properties, "FunctionName", "Qualifier", "DestinationConfig")
        for key in ("MaximumEventAgeInSeconds", "MaximumRetryAttempts"):
            if properties.get(key) is not None:
                params[key] = int(properties[key])
        return params

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        params = self._params(request.properties)
        await services.client.call("lambda", "PutFunctionEventInvokeConfig", params)
        return ResourceResult(str(services.ids.uuid()), {})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        await services.client.call("lambda", "PutFunctionEventInvokeConfig",
                                   self._params(request.properties))
        return ResourceResult(str(request.physical_id), {})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        await services.client.call("lambda", "DeleteFunctionEventInvokeConfig",
                                   pick(request.properties, "FunctionName", "Qualifier"))


class UrlHandler(ResourceHandler):
    resource_type = "AWS::Lambda::Url"
    replace_on = frozenset({"TargetFunctionArn", "Qualifier"})

    def _params(self, properties: dict[str, Any]) -> dict[str, Any]:
        return {"FunctionName": properties.get("TargetFunctionArn"),
                **pick(properties, "Qualifier", "AuthType", "Cors", "InvokeMode")}

    async def create(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        result = await services.client.call("lambda", "CreateFunctionUrlConfig",
                                            self._params(request.properties))
        arn = str(result.get("FunctionArn"))
        return ResourceResult(arn, {"FunctionArn": arn, "FunctionUrl": result.get("FunctionUrl")})

    async def update(self, request: ResourceRequest, services: HandlerServices) -> ResourceResult:
        result = await services.client.call("lambda", "UpdateFunctionUrlConfig",
                                            self._params(request.properties))
        arn = str(result.get("FunctionArn", request.physical_id))
        return ResourceResult(arn, {"FunctionArn": arn, "FunctionUrl": result.get("FunctionUrl")})

    async def delete(self, request: ResourceRequest, services: HandlerServices) -> None:
        params = self._params(request.properties)
        await services.client.call("lambda", "DeleteFunctionUrlConfig",
                                   pick(params, "FunctionName", "Qualifier"))


LAMBDA_HANDLERS: list[ResourceHandler] = [
    FunctionHandler(), PermissionHandler(), LayerVersionHandler(), VersionHandler(),
    AliasHandler(), EventSourceMappingHandler(), EventInvokeConfigHandler(), UrlHandler(),
]
