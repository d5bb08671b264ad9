"""Fixtures of the S3 object tests: one cloud per test module on free ports, boto3 clients,
fresh buckets, and raw HTTP to the edge (for virtual-hosted addressing and odd requests)."""

from __future__ import annotations

import http.client
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from botocore.config import Config

from fogbank.testing import RunningApp, run_app

APPS = Path(__file__).resolve().parent / "apps"
_names = itertools.count()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with run_app(APPS / "objects", state_dir=tmp_path_factory.mktemp("s3-state")) as running:
        yield running


@pytest.fixture(scope="module")
def s3(app: RunningApp) -> Any:
    return app.client("s3", config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))


@pytest.fixture
def bucket(s3: Any, request: pytest.FixtureRequest) -> str:
    name = f"objects-{next(_names)}-{request.node.name[:30].lower().replace('_', '-')}"
    name = "".join(c for c in name if c.isalnum() or c == "-").strip("-")[:63]
    s3.create_bucket(Bucket=name)
    return name


def raw(app: RunningApp, method: str, path: str, *, body: bytes = b"",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to the edge; returns status, lower-cased headers and body."""
    url = urlparse(app.edge_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()
