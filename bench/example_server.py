"""``fogbank up`` on a copy of one of the ``examples/`` apps, for the workload benches:
start it on free ports, wait until it is up, read the stack's outputs, stop it (by PID)."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

from bench.load import BenchError, wait_for_http
from bench.peers import Fogbank, _peer_env
from bench.procs import ManagedServer, ServerProcess, free_port

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
READY_LINE = "fogbank is up in"
FAILED_LINE = "did not deploy"


class ExampleServer(ManagedServer):
    """One example app under ``fogbank up``; ``edge_url``, ``api_url`` and ``outputs`` are
    set once :meth:`start_example` returns."""

    name = "fogbank"

    def __init__(self) -> None:
        super().__init__()
        self.edge_url = ""
        self.api_url = ""
        self.outputs: dict[str, str] = {}

    def version(self) -> str:
        return Fogbank().version()

    def start_example(self, example: str, workdir: Path, parameters: dict[str, str],
                      deadline_s: float) -> None:
        """Copy ``examples/<example>`` (without state and tests) into ``workdir`` and bring it
        up there; its stack is named after the example, as ``fogbank up`` names it."""
        app = workdir / example
        shutil.copytree(EXAMPLES_DIR / example, app,
                        ignore=shutil.ignore_patterns(".fogbank", "__pycache__", "tests"))
        edge_port, api_port = free_port(), free_port()
        script = Path(sys.executable).with_name("fogbank")
        argv = [str(script) if script.exists() else "fogbank", "up", str(app),
                "--port-edge", str(edge_port), "--port-api", str(api_port)]
        for key, value in parameters.items():
            argv += ["--param", f"{key}={value}"]
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
        self.api_url = f"http://127.0.0.1:{api_port}"
        wait_for_http(f"{self.edge_url}/_fogbank/health", 30)
        cloudformation = boto3.client(
            "cloudformation", endpoint_url=self.edge_url, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 3}))
        stack = cloudformation.describe_stacks(StackName=example)["Stacks"][0]
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        self.details["deployed_s"] = round(time.perf_counter() - began, 2)

