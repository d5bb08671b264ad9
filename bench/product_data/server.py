"""``fogbank up`` on a copy of ``examples/product-data``: start, outputs, stop (by PID)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from bench.example_server import EXAMPLES_DIR, ExampleServer

STACK_NAME = "product-data"
EXAMPLE_DIR = EXAMPLES_DIR / STACK_NAME


def session() -> Any:
    return boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                 region_name="us-east-1")


def config(read_timeout_s: float = 60, pool: int = 16) -> Config:
    return Config(retries={"mode": "standard", "total_max_attempts": 10},
                  read_timeout=read_timeout_s, max_pool_connections=pool)


class ProductDataServer(ExampleServer):
    def start(self, workdir: Path, deadline_s: float) -> None:
        self.start_example(STACK_NAME, workdir, {}, deadline_s)

    def client(self, service: str, read_timeout_s: float = 60) -> Any:
        return session().client(service, endpoint_url=self.edge_url,
                                config=config(read_timeout_s))

    def resource(self, service: str, pool: int = 16) -> Any:
        return session().resource(service, endpoint_url=self.edge_url,
                                  config=config(pool=pool))
