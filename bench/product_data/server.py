"""``fogbank up`` on a copy of ``examples/product-data``: start, outputs, stop (by PID)."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from bench.load import BenchError, wait_for_http
from bench.peers import Fogbank, _peer_env
from bench.procs import ManagedServer, ServerProcess, free_port

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "product-data"
STACK_NAME = "product-data"
READY_LINE = "fogbank is up in"
FAILED_LINE = "did not deploy"


def session() -> Any:
    return boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                 region_name="us-east-1")


def config(read_timeout_s: float = 60, pool: int = 16) -> Config:
    return Config(retries={"mode": "standard", "total_max_attempts": 10},
                  read_timeout=read_timeout_s, max_pool_connections=pool)


class ProductDataServer(ManagedServer):
    name = "fogbank"

    def __init__(self) -> None:
        super().__init__()
        self.edge_url = ""
        self.outputs: dict[str, str] = {}

    def version(self) -> str:
        return Fogbank().version()

    def start(self, workdir: Path, deadline_s: float) -> None:
        app = workdir / "product-data"
        shutil.copytree(EXAMPLE_DIR, app,
                        ignore=shutil.ignore_patterns(".fogbank", "__pycache__", "tests"))
        edge_port, api_port = free_port(), free_port()
        script = Path(sys.executable).with_name("fogbank")
        argv = [str(script) if script.exists() else "fogbank", "up", str(app),
                "--port-edge", str(edge_port), "--port-api", str(api_port)]
        began = time.perf_counter()
        self.process = ServerProcess(argv, workdir / "fogbank.log",
                                     _peer_env({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}),
                                     cwd=workdir)
        deadline = time.monotonic() + deadline_s
        while READY_LINE not in self.process.log_text():
            self.check_alive()
            if FAILED_LINE in self.process.log_text():
                raise BenchError("fogbank up did not deploy the example:\n"
                                 + self.process.log_tail(30))
            if time.monotonic() > deadline:
                raise BenchError(f"fogbank up was not ready within {deadline_s:g} s:\n"
                                 + self.process.log_tail(30))
            time.sleep(0.05)
        self.edge_url = f"http://127.0.0.1:{edge_port}"
        wait_for_http(f"{self.edge_url}/_fogbank/health", 30)
        stack = self.client("cloudformation").describe_stacks(StackName=STACK_NAME)
        self.outputs = {o["OutputKey"]: o["OutputValue"]
                        for o in stack["Stacks"][0].get("Outputs", [])}
        self.details["deployed_s"] = round(time.perf_counter() - began, 2)

    def client(self, service: str, read_timeout_s: float = 60) -> Any:
        return session().client(service, endpoint_url=self.edge_url,
                                config=config(read_timeout_s))

    def resource(self, service: str, pool: int = 16) -> Any:
        return session().resource(service, endpoint_url=self.edge_url,
                                  config=config(pool=pool))
