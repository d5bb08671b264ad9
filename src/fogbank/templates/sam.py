"""SAM → plain CloudFormation, offline.

Before the transform, every local code path (a function's ``CodeUri``, a layer's
``ContentUri``, in ``Globals`` too, relative to the template's directory) becomes
``{"Bucket": "hot-reload", "Key": "<absolute directory>"}`` so the generated
``AWS::Lambda::Function`` carries ``Code: {S3Bucket: hot-reload, S3Key: <dir>}`` — the
hot-reload convention the Lambda service understands. Local ``DefinitionUri`` files of APIs
and state machines are inlined. Then ``aws-sam-translator`` runs with a static managed-policy
map and a region-only boto3 session (no AWS calls).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fogbank.templates.problems import TemplateError, TemplateProblem
from fogbank.templates.yaml_tags import parse_template_text

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
HOT_RELOAD_BUCKET = "hot-reload"

# The AWS managed policies SAM templates name most often (``Policies: [AWSLambdaExecute]``).
_MANAGED_POLICY_PATHS = {
    "AWSLambdaBasicExecutionRole": "service-role/AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole": "service-role/AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaDynamoDBExecutionRole": "service-role/AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole": "service-role/AWSLambdaKinesisExecutionRole",
    "AWSLambdaSQSQueueExecutionRole": "service-role/AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaMSKExecutionRole": "service-role/AWSLambdaMSKExecutionRole",
    "AWSLambdaRole": "service-role/AWSLambdaRole",
    "AWSLambdaENIManagementAccess": "service-role/AWSLambdaENIManagementAccess",
    "AWSXrayWriteOnlyAccess": "AWSXrayWriteOnlyAccess",
    "AWSXRayDaemonWriteAccess": "AWSXRayDaemonWriteAccess",
    "AWSLambdaExecute": "AWSLambdaExecute",
    "AWSLambda_FullAccess": "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess": "AWSLambda_ReadOnlyAccess",
    "AWSStepFunctionsFullAccess": "AWSStepFunctionsFullAccess",
    "AWSStepFunctionsReadOnlyAccess": "AWSStepFunctionsReadOnlyAccess",
    "AmazonS3FullAccess": "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess": "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess": "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess": "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSFullAccess": "AmazonSQSFullAccess",
    "AmazonSQSReadOnlyAccess": "AmazonSQSReadOnlyAccess",
    "AmazonSNSFullAccess": "AmazonSNSFullAccess",
    "AmazonSNSReadOnlyAccess": "AmazonSNSReadOnlyAccess",
    "AmazonKinesisFullAccess": "AmazonKinesisFullAccess",
    "AmazonKinesisReadOnlyAccess": "AmazonKinesisReadOnlyAccess",
    "AmazonEventBridgeFullAccess": "AmazonEventBridgeFullAccess",
    "AmazonAPIGatewayInvokeFullAccess": "AmazonAPIGatewayInvokeFullAccess",
    "AmazonAPIGatewayPushToCloudWatchLogs": "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    "CloudWatchLogsFullAccess": "CloudWatchLogsFullAccess",
    "CloudWatchFullAccess": "CloudWatchFullAccess",
    "CloudWatchLambdaInsightsExecutionRolePolicy": "CloudWatchLambdaInsightsExecutionRolePolicy",
    "SecretsManagerReadWrite": "SecretsManagerReadWrite",
    "AmazonSSMReadOnlyAccess": "AmazonSSMReadOnlyAccess",
    "AmazonSSMFullAccess": "AmazonSSMFullAccess",
    "AmazonCognitoPowerUser": "AmazonCognitoPowerUser",
    "AmazonSESFullAccess": "AmazonSESFullAccess",
    "AWSKeyManagementServicePowerUser": "AWSKeyManagementServicePowerUser",
    "ReadOnlyAccess": "ReadOnlyAccess",
    "AdministratorAccess": "AdministratorAccess",
    "PowerUserAccess": "PowerUserAccess",
}


def managed_policy_map(partition: str = "aws") -> dict[str, str]:
    """Managed policy name → ARN, the map ``ManagedPolicyLoader`` would fetch from IAM."""
    return {
        name: f"arn:{partition}:iam::aws:policy/{path}"
        for name, path in _MANAGED_POLICY_PATHS.items()
    }


def is_sam(template: dict[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def _is_local_path(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith(("s3://", "http://", "https://"))


def _hot_reload_location(
    value: Any, base_dir: Path, logical_id: str | None, path: str,
    problems: list[TemplateProblem],
) -> Any:
    """Turn a local directory into a hot-reload location (``Bucket``/``Key``)."""
    if not _is_local_path(value):
        return value
    directory = (base_dir / value).resolve()
    if not directory.is_dir():
        what = "file, not a directory" if directory.exists() else "directory that does not exist"
        problems.append(TemplateProblem(
            logical_id, path, f"{value!r} is a {what} (resolved to {directory})"))
    return {"Bucket": HOT_RELOAD_BUCKET, "Key": str(directory)}


def _inline_definition(
    properties: dict[str, Any], uri_key: str, body_key: str, base_dir: Path,
    logical_id: str, path: str, problems: list[TemplateProblem],
) -> None:
    uri = properties.get(uri_key)
    if not isinstance(uri, str) or not _is_local_path(uri) or body_key in properties:
        return
    file = (base_dir / uri).resolve()
    if not file.is_file():
        problems.append(TemplateProblem(
            logical_id, f"{path}.{uri_key}", f"{uri!r} is not a file (resolved to {file})"))
        return
    try:
        properties[body_key] = parse_template_text(file.read_text(), str(file))
    except TemplateError as exc:
        problems.extend(
            TemplateProblem(logical_id, f"{path}.{uri_key}", p.message) for p in exc.problems)
        return
    del properties[uri_key]


def map_local_code(
    template: dict[str, Any], base_dir: Path,
) -> tuple[dict[str, Any], list[TemplateProblem]]:
    """A copy of ``template`` with local code and definition paths mapped; plus problems."""
    mapped = copy.deepcopy(template)
    problems: list[TemplateProblem] = []
    globals_section = mapped.get("Globals")
    if isinstance(globals_section, dict):
        function_globals = globals_section.get("Function")
        if isinstance(function_globals, dict) and "CodeUri" in function_globals:
            function_globals["CodeUri"] = _hot_reload_location(
                function_globals["CodeUri"], base_dir, None, "Globals.Function.CodeUri", problems)
    resources = mapped.get("Resources")
    if not isinstance(resources, dict):
        return mapped, problems
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        props = resource["Properties"]
        path = f"Resources.{logical_id}.Properties"
        kind = resource.get("Type")
        if kind == "AWS::Serverless::Function" and "CodeUri" in props:
            props["CodeUri"] = _hot_reload_location(
                props["CodeUri"], base_dir, logical_id, f"{path}.CodeUri", problems)
        elif kind == "AWS::Serverless::LayerVersion" and "ContentUri" in props:
            props["ContentUri"] = _hot_reload_location(
                props["ContentUri"], base_dir, logical_id, f"{path}.ContentUri", problems)
        elif kind == "AWS::Lambda::Function" and _is_local_path(props.get("Code")):
            location = _hot_reload_location(
                props["Code"], base_dir, logical_id, f"{path}.Code", problems)
            props["Code"] = {"S3Bucket": location["Bucket"], "S3Key": location["Key"]}
        elif kind == "AWS::Lambda::LayerVersion" and _is_local_path(props.get("Content")):
            location = _hot_reload_location(
                props["Content"], base_dir, logical_id, f"{path}.Content", problems)
            props["Content"] = {"S3Bucket": location["Bucket"], "S3Key": location["Key"]}
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            _inline_definition(
                props, "DefinitionUri", "DefinitionBody", base_dir, logical_id, path, problems)
        elif kind == "AWS::Serverless::StateMachine":
            _inline_definition(
                props, "DefinitionUri", "Definition", base_dir, logical_id, path, problems)
    return mapped, problems


def translate(
    template: dict[str, Any], parameters: dict[str, Any], region: str,
) -> tuple[dict[str, Any] | None, list[TemplateProblem]]:
    """Run aws-sam-translator offline; returns the CloudFormation template or the problems."""
    import boto3
    from samtranslator.model.exceptions import (
        ExceptionWithMessage,
        InvalidDocumentException,
        InvalidEventException,
        InvalidResourceException,
    )
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import (
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )

    session = boto3.session.Session(region_name=region)
    partition = "aws-cn" if region.startswith("cn-") else (
        "aws-us-gov" if region.startswith("us-gov") else "aws")
    policies = managed_policy_map(partition)
    fragment = copy.deepcopy(template)
    values = dict(parameters)
    try:
        to_py27_compatible_template(fragment, values)
        translator = Translator(policies, Parser(), boto_session=session)
        try:
            result = translator.translate(
                fragment, parameter_values=values, get_managed_policy_map=lambda: policies)
        finally:
            translator.metrics.publish()
        return json.loads(json.dumps(undo_mark_unicode_str_in_template(result))), []
    except InvalidDocumentException as exc:
        causes: list[ExceptionWithMessage] = list(exc.causes)
    except ExceptionWithMessage as exc:
        causes = [exc]
    problems: list[TemplateProblem] = []
    for cause in causes:
        logical_id = getattr(cause, "_logical_id", None)
        if isinstance(cause, InvalidEventException):
            logical_id = None
        if isinstance(logical_id, list):
            logical_id = ",".join(logical_id)
        path = f"Resources.{logical_id}" if logical_id else ""
        message = cause.message
        if isinstance(cause, InvalidResourceException):
            message = getattr(cause, "_message", message)
        problems.append(TemplateProblem(logical_id, path, f"SAM: {message}"))
    return None, problems
