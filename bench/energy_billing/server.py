"""``fogbank up`` on a copy of ``examples/energy-billing``: start, outputs, stop (by PID)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from bench.example_server import ExampleServer


def client(service: str, endpoint_url: str, read_timeout_s: float = 60) -> Any:
    return boto3.client(service, endpoint_url=endpoint_url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"total_max_attempts": 3},
                                      read_timeout=read_timeout_s, max_pool_connections=16))


class BillingServer(ExampleServer):
    def start(self, workdir: Path, parameters: dict[str, str], deadline_s: float) -> None:
        self.start_example("energy-billing", workdir, parameters, deadline_s)
