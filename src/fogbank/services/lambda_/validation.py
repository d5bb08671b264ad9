"""Parameter checks with AWS's messages."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from typing import Any

from fogbank.services.lambda_.errors import InvalidParameterValueException, ValidationException

MAX_ENVIRONMENT_BYTES = 4096
RESERVED_VARIABLES = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
})
FUNCTION_NAME = re.compile(
    r"^(arn:(aws[a-zA-Z-]*)?:lambda:)?(?:(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d{1}):)?"
    r"(?:(?P<account>\d{12}):)?(function:)?(?P<name>[a-zA-Z0-9-_]{1,64})"
    r"(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$"
)
ROLE = re.compile(r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
VARIABLE_KEY = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_])*$")


@functools.lru_cache(maxsize=1024)
def parse_function_name(text: str) -> tuple[str, str | None]:
    """``name``, ``name:qualifier``, partial or full ARN → (name, qualifier). Cached: every
    invoke names its function, and callers name the same few over and over."""
    match = FUNCTION_NAME.match(text or "")
    if match is None:
        raise ValidationException(
            f"1 validation error detected: Value '{text}' at 'functionName' failed to satisfy"
            " constraint: Member must satisfy regular expression pattern: "
            + FUNCTION_NAME.pattern
        )
    return match.group("name"), match.group("qualifier")


def check_role(role: str) -> None:
    if not ROLE.match(role or ""):
        raise ValidationException(
            f"1 validation error detected: Value '{role}' at 'role' failed to satisfy"
            " constraint: Member must satisfy regular expression pattern:"
            " arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
        )


def check_range(value: int | None, member: str, low: int, high: int) -> None:
    if value is None:
        return
    if value < low:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must have value greater than or equal to {low}"
        )
    if value > high:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy"
            f" constraint: Member must have value less than or equal to {high}"
        )


def check_environment(environment: dict[str, Any] | None) -> dict[str, str]:
    variables = dict((environment or {}).get("Variables") or {})
    reserved = sorted(key for key in variables if key in RESERVED_VARIABLES)
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment"
            " variables you have provided contains reserved keys that are currently not"
            " supported for modification. Reserved keys used in this request: "
            + ", ".join(reserved)
        )
    for key in variables:
        if not VARIABLE_KEY.match(key):
            raise ValidationException(
                "1 validation error detected: Value at 'environment.variables' failed to satisfy"
                " constraint: Map keys must satisfy constraint: [Member must satisfy regular"
                " expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"
            )
    measured = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    if len(measured.encode()) > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment"
            " variables you have provided exceeded the 4KB limit. String measured: " + measured
        )
    return {str(key): str(value) for key, value in variables.items()}


def check_runtime(runtime: str | None, valid: list[str]) -> None:
    if runtime is not None and runtime not in valid:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy"
            f" enum value set: [{', '.join(valid)}] or be a valid ARN"
        )


_RUNTIME_ENUM = re.compile(
    rb'"Runtime"\s*:\s*\{\s*"type"\s*:\s*"string"\s*,\s*"enum"\s*:\s*(\[[^\]]*\])')


def model_runtimes() -> list[str]:
    """The ``Runtime`` enum of botocore's Lambda model. Read from the model file with one
    search rather than a botocore session and a parsed model (~30 ms of ``fogbank up``'s
    start); the full load is the fallback when the file does not look as expected."""
    from botocore.loaders import Loader

    loader = Loader()
    version = loader.determine_latest_version("lambda", "service-2")
    for root in loader.search_paths:
        base = os.path.join(root, "lambda", version, "service-2.json")
        for path, opener in ((base + ".gz", gzip.open), (base, open)):
            try:
                with opener(path, "rb") as model:
                    found = _RUNTIME_ENUM.search(model.read())
            except OSError:
                continue
            if found is not None:
                return [str(value) for value in json.loads(found.group(1))]
            break
    data = loader.load_service_model("lambda", "service-2")
    return list(data["shapes"]["Runtime"]["enum"])
