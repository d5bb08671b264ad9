"""A template whose Lambda reads Parameter Store and Secrets Manager values through
CloudFormation dynamic references, deployed end to end."""

from __future__ import annotations

import json
from pathlib import Path

from fogbank.testing import run_app
from tests.conftest import copy_app

APP = Path(__file__).resolve().parent / "apps" / "config_app"


def test_function_environment_resolves_dynamic_references(tmp_path: Path) -> None:
    with run_app(copy_app(APP, tmp_path / "app")) as app:
        result = app.invoke("ConfigFunction")
        assert result.ok, result.payload
        env = result.payload
        ssm = app.client("ssm")
        sm = app.client("secretsmanager")
        secret = json.loads(sm.get_secret_value(SecretId="config-app/db")["SecretString"])
        assert secret["username"] == "app"
        assert len(secret["password"]) == 24 and secret["password"].isalnum()
        assert env["API_URL"] == env["API_URL_V1"] == "https://api.example.com"
        assert env["HOSTS"] == "a.example.com,b.example.com"
        assert env["PARAM_NAME"].startswith("CFN-Hosts-")
        assert env["PARAM_TYPE"] == "StringList"
        assert env["DB_USER"] == "app"
        assert env["DB_URL"] == f"postgres://app:{secret['password']}@db"
        assert env["API_KEY"] == "plain-api-key"
        tags = ssm.list_tags_for_resource(ResourceType="Parameter",
                                          ResourceId="/config-app/api-url")["TagList"]
        assert tags == [{"Key": "team", "Value": "payments"}]
        outputs = app.stack.outputs
        assert outputs["SecretArn"].startswith(
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:config-app/db-")
        assert len(outputs["SecretArn"].rsplit("-", 1)[1]) == 6
        assert outputs["ApiUrlValue"] == "https://api.example.com"
        # The function's configuration holds resolved values, as on AWS.
        config = app.client("lambda").get_function_configuration(
            FunctionName=app.function_name("ConfigFunction"))
        assert config["Environment"]["Variables"]["API_KEY"] == "plain-api-key"


def test_function_code_reads_parameters_and_secrets_through_the_edge(tmp_path: Path) -> None:
    with run_app(copy_app(APP, tmp_path / "app")) as app:
        result = app.invoke("ReaderFunction")
        assert result.ok, result.payload
        assert result.payload["api_url"] == "https://api.example.com"
        assert result.payload["names"] == ["/config-app/api-url"]
        assert json.loads(result.payload["secret"])["username"] == "app"
