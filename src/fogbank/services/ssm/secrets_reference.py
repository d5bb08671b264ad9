"""Parameter Store's window onto Secrets Manager: ``GetParameter`` of
``/aws/reference/secretsmanager/<secret-id>[:<version-id or staging label>]`` with
``WithDecryption=true`` answers the secret's value, read with Secrets Manager's own
``GetSecretValue`` and ``DescribeSecret`` through the internal client."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fogbank.core.errors import ServiceError
from fogbank.services.base import InternalClient
from fogbank.services.ssm.errors import ParameterNotFound, ValidationException

PREFIX = "/aws/reference/secretsmanager/"
MIN_VERSION_ID_LENGTH = 32


def is_reference(name: str) -> bool:
    return name.startswith(PREFIX)


async def reference_parameter(client: InternalClient, region: str, name: str,
                              with_decryption: bool) -> dict[str, Any]:
    """The ``Parameter`` GetParameter returns for a Secrets Manager reference."""
    if not with_decryption:
        raise ValidationException("WithDecryption flag must be True for retrieving a Secret"
                                  " Manager secret.")
    secret_id, _, selector = name[len(PREFIX):].partition(":")
    params: dict[str, Any] = {"SecretId": secret_id}
    if selector:
        key = "VersionId" if len(selector) >= MIN_VERSION_ID_LENGTH else "VersionStage"
        params[key] = selector
    try:
        value = await client.call("secretsmanager", "GetSecretValue", params, region=region)
        described = await client.call("secretsmanager", "DescribeSecret",
                                      {"SecretId": secret_id}, region=region)
    except ServiceError as error:
        raise ParameterNotFound(f"An error occurred (ParameterNotFound) when referencing"
                                f" Secrets Manager: Secret {name} not found.") from error
    secret_value = value.get("SecretString")
    if secret_value is None:
        secret_value = (value.get("SecretBinary") or b"").decode("utf-8", "replace")
    return {
        "Name": name.partition(":")[0],
        "Type": "SecureString",
        "Value": secret_value,
        "Version": 0,
        "SourceResult": json.dumps(described, default=_json_default),
        "LastModifiedDate": described.get("LastChangedDate"),
        "ARN": value["ARN"],
        "DataType": "text",
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    return str(value)
