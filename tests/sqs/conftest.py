"""Fixtures: one local cloud per test module with the queues app deployed, boto3 clients for
both SQS protocols (JSON, and query through a client whose model is forced to ``query``),
and a helper that creates fresh queues."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningApp, run_app

APPS = Path(__file__).resolve().parent / "apps"


def sqs_client(edge_url: str, region: str, *, protocol: str = "json",
               model_dir: Path | None = None) -> Any:
    """A boto3 SQS client; ``protocol="query"`` loads a query-protocol rendering of the SQS
    model (written to ``model_dir``), so botocore's own query serializer and XML parser talk
    to the edge as older SDKs do."""
    import botocore.session

    core = botocore.session.get_session()
    if protocol == "query":
        assert model_dir is not None
        target = model_dir / "sqs" / "2012-11-05"
        target.mkdir(parents=True, exist_ok=True)
        (target / "service-2.json").write_text(json.dumps(sqs_query_model_data()))
        core.get_component("data_loader").search_paths.insert(0, str(model_dir))
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name=region, botocore_session=core)
    return session.client("sqs", endpoint_url=edge_url,
                          config=Config(retries={"max_attempts": 0}, read_timeout=30))


def sqs_query_model_data() -> dict[str, Any]:
    from tests.protocol.test_sqs_query_roundtrip import sqs_query_model

    return sqs_query_model()._service_description  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with run_app(APPS / "queues", state_dir=tmp_path_factory.mktemp("sqs-state")) as running:
        yield running


@pytest.fixture(scope="module")
def sqs(app: RunningApp) -> Any:
    return sqs_client(app.edge_url, app.region)


@pytest.fixture(scope="module")
def sqs_query(app: RunningApp, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return sqs_client(app.edge_url, app.region, protocol="query",
                      model_dir=tmp_path_factory.mktemp("sqs-query-model"))


_names = itertools.count()


@pytest.fixture(scope="module")
def make_queue(sqs: Any) -> Callable[..., str]:
    """Create a fresh queue and return its URL: ``make_queue(fifo=True, VisibilityTimeout="5")``."""

    def create(fifo: bool = False, **attributes: str) -> str:
        name = f"q{next(_names)}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])

    return create
