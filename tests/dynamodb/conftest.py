"""Fixtures: one deployed template (tables made by CloudFormation) per test module, served
on free ports, with boto3 clients and helpers that create fresh tables through the API."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fogbank.testing import RunningApp, run_app

APPS = Path(__file__).resolve().parent / "apps"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with run_app(APPS / "tables", state_dir=tmp_path_factory.mktemp("ddb-state")) as running:
        yield running


@pytest.fixture(scope="module")
def ddb(app: RunningApp) -> Any:
    return app.client("dynamodb")


@pytest.fixture(scope="module")
def resource(app: RunningApp) -> Any:
    import boto3

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name=app.region)
    return session.resource("dynamodb", endpoint_url=app.edge_url)


_names = itertools.count()


@pytest.fixture(scope="module")
def make_table(ddb: Any) -> Callable[..., str]:
    """Create a table: ``make_table("S")`` (hash only) or ``make_table("S", "N")``."""

    def create(hash_type: str = "S", range_type: str | None = None, **extra: Any) -> str:
        name = f"t{next(_names)}-{hash_type}{range_type or ''}"
        definitions = [{"AttributeName": "pk", "AttributeType": hash_type}]
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        if range_type:
            definitions.append({"AttributeName": "sk", "AttributeType": range_type})
            schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.extend(extra.pop("extra_definitions", []))
        ddb.create_table(TableName=name, AttributeDefinitions=definitions, KeySchema=schema,
                         BillingMode="PAY_PER_REQUEST", **extra)
        return name

    return create
