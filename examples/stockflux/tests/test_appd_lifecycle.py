"""The App Directory stack through its life, on a stack of this module's own (the shared
``stockflux_app`` must stay as created): bearer-JWT protection switched on and off by stack
updates (the HTTP API's Lambda authorizer, the HS256 key from Secrets Manager, 401/403 as API
Gateway gives them), a redeploy that must not duplicate the seeded records, and deleting the
stack, which the seed custom resource must let complete."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import requests

from fogbank.testing import RunningApp, run_app

ISSUER = "https://login.stockflux.example"


@pytest.fixture(scope="module")
def own_stack(stockflux_template: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[RunningApp]:
    with run_app(stockflux_template, state_dir=tmp_path_factory.mktemp("appd-life")) as app:
        yield app


def apps_count(app: RunningApp) -> int:
    table = app.stack.physical_id("AppsTable")
    return int(app.client("dynamodb").scan(TableName=table, Select="COUNT")["Count"])


def test_jwt_protection_on_and_off(own_stack: RunningApp,
                                   load_handler: Callable[..., ModuleType]) -> None:
    app = own_stack
    assert requests.get(app.api_url + "/appd/v2/apps", timeout=30).status_code == 200
    app.redeploy({"AppDirectoryAuth": "jwt", "AppDirectoryJwtIssuer": ISSUER})
    assert app.stack.status == "UPDATE_COMPLETE"
    check_jwt_protection(app, load_handler("authorizer").sign_hs256)
    app.redeploy({})
    assert requests.get(app.api_url + "/appd/v2/apps", timeout=30).status_code == 200


def test_redeploy_then_stack_deletion(own_stack: RunningApp) -> None:
    app = own_stack
    assert apps_count(app) == 7
    app.redeploy({"Stage": "test"})  # a stack update: no duplicates
    assert app.stack.status == "UPDATE_COMPLETE" and apps_count(app) == 7

    cloudformation = app.client("cloudformation")
    stack_id = cloudformation.describe_stacks(StackName=app.stack.stack_name)["Stacks"][0][
        "StackId"]
    cloudformation.delete_stack(StackName=stack_id)
    status = ""
    for _ in range(600):  # polls until the engine is done; never asserts on elapsed time
        status = cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
        if not status.endswith("IN_PROGRESS"):
            break
        time.sleep(0.1)
    assert status == "DELETE_COMPLETE"
    events = cloudformation.describe_stack_events(StackName=stack_id)["StackEvents"]
    seed_events = {e["ResourceStatus"] for e in events
                   if e["LogicalResourceId"] == "DataIngestLambdaTrigger"}
    assert "DELETE_COMPLETE" in seed_events and "DELETE_FAILED" not in seed_events


def check_jwt_protection(app: RunningApp, sign: Callable[..., str]) -> None:
    secret_arn = app.stack.outputs["AppDirectoryJwtSecretArn"]
    key = app.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    assert len(key) == 48
    url = app.api_url + "/appd/v2/apps"
    hour_from_now = int(time.time()) + 3600

    def status(token: str | None = None, path: str = "/appd/v2/apps") -> int:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(app.api_url + path, headers=headers, timeout=30).status_code

    missing = requests.get(url, timeout=30)
    assert (missing.status_code, missing.json()) == (401, {"message": "Unauthorized"})
    assert status("not-a-jwt") == 401
    forged = sign({"sub": "mallory", "iss": ISSUER, "exp": hour_from_now}, b"guessed key")
    refused = requests.get(url, headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    assert (refused.status_code, refused.json()) == (403, {"message": "Forbidden"})
    assert status(sign({"sub": "a", "iss": "https://other", "exp": hour_from_now},
                       key.encode())) == 403
    assert status(sign({"sub": "a", "iss": ISSUER, "exp": 1_000_000}, key.encode())) == 403

    good = sign({"sub": "alice", "iss": ISSUER, "exp": hour_from_now}, key.encode())
    allowed = requests.get(url, headers={"Authorization": f"Bearer {good}"}, timeout=30)
    assert allowed.status_code == 200 and len(allowed.json()["applications"]) == 7
    assert status(good, "/appd/v2/apps/stockflux-chart") == 200
    assert status(good, "/appd/v2/apps/nope") == 404
    # the legacy StockFlux routes stay open: OpenFin fetches app.json without a token
    assert status(None, "/apps/v1") == 200
    assert status(None, "/apps/v1/stockflux-chart/app.json") == 200
