"""Powertools' parameters utility (an outside judge many Lambda handlers use) reading
Parameter Store and Secrets Manager through fogbank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities import parameters
from botocore.exceptions import ClientError

from fogbank.core.clock import ManualClock
from fogbank.services.base import ServiceContext
from fogbank.services.secretsmanager import SecretsManagerProvider
from tests.iam.wire import wire_client
from tests.ssm.conftest import Cloud


def test_powertools_reads_parameters_and_secrets(tmp_path: Path) -> None:
    cloud = Cloud(tmp_path, ManualClock())
    cloud.dispatcher.add(SecretsManagerProvider(ServiceContext(
        cloud.config, cloud.clock, cloud.dispatcher.ids, cloud.dispatcher,
        cloud.config.service_dir("secretsmanager"))))
    ssm = cloud.ssm
    ssm.put_parameter(Name="/app/url", Value="https://x", Type="String")
    ssm.put_parameter(Name="/app/config", Value=json.dumps({"retries": 3}), Type="String")
    ssm.put_parameter(Name="/app/db/password", Value="hunter2", Type="SecureString")
    for index in range(12):
        ssm.put_parameter(Name=f"/app/many/p{index:02}", Value=str(index), Type="String")
    sm = wire_client("secretsmanager", cloud.dispatcher)
    sm.create_secret(Name="app/creds", SecretString=json.dumps({"user": "u"}))

    ssm_params = parameters.SSMProvider(boto3_client=ssm)
    assert ssm_params.get("/app/url") == "https://x"
    assert ssm_params.get("/app/config", transform="json") == {"retries": 3}
    assert ssm_params.get("/app/db/password", decrypt=True) == "hunter2"
    values = ssm_params.get_multiple("/app", recursive=True, decrypt=True)
    assert values["db/password"] == "hunter2" and values["many/p11"] == "11"
    assert len(values) == 15
    by_name = ssm_params.get_parameters_by_name(
        parameters={"/app/url": {}, "/app/db/password": {"decrypt": True}})
    assert by_name == {"/app/url": "https://x", "/app/db/password": "hunter2"}
    secrets = parameters.SecretsProvider(boto3_client=sm)
    assert secrets.get("app/creds", transform="json") == {"user": "u"}



def test_parameter_store_references_secrets_manager(tmp_path: Path) -> None:
    cloud = Cloud(tmp_path, ManualClock())
    cloud.dispatcher.add(SecretsManagerProvider(ServiceContext(
        cloud.config, cloud.clock, cloud.dispatcher.ids, cloud.dispatcher,
        cloud.config.service_dir("secretsmanager"))))
    sm = wire_client("secretsmanager", cloud.dispatcher)
    first = sm.create_secret(Name="mysecret", SecretString="1st")
    sm.put_secret_value(SecretId="mysecret", SecretString="2nd")
    ssm = cloud.ssm
    reference = "/aws/reference/secretsmanager/mysecret"
    param = ssm.get_parameter(Name=reference, WithDecryption=True)["Parameter"]
    assert (param["Value"], param["Type"], param["Version"]) == ("2nd", "SecureString", 0)
    assert param["ARN"] == first["ARN"]
    assert json.loads(param["SourceResult"])["Name"] == "mysecret"
    older = ssm.get_parameter(Name=f"{reference}:AWSPREVIOUS", WithDecryption=True)
    assert older["Parameter"]["Value"] == "1st"
    by_id = ssm.get_parameter(Name=f"{reference}:{first['VersionId']}", WithDecryption=True)
    assert by_id["Parameter"]["Value"] == "1st"
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name=reference)
    assert caught.value.response["Error"]["Message"] == (
        "WithDecryption flag must be True for retrieving a Secret Manager secret.")
    with pytest.raises(ClientError) as caught:
        ssm.get_parameter(Name="/aws/reference/secretsmanager/nope", WithDecryption=True)
    assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
