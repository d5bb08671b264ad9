"""The peers under test, one class each, all with the same shape.

``start(template, workdir)`` launches the server on free loopback ports (the process start is
the origin of the "up" time), ``deploy(deadline_s)`` returns once the template is deployed,
with the URLs to measure, and ``stop()`` ends every process the peer started, by PID.
``templates`` lists the template files to try in order: a peer that does not serve the route
of the first is measured with the next, and the harness records why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from bench.load import BenchError, wait_for_http
from bench.package import package
from bench.procs import ServerProcess, free_port

PING_FUNCTION = "bench-ping"
INVOKE_FUNCTION = "bench-invoke"
ROUTE_PATH = "/ping"
SAM_TEMPLATE = "template.yaml"
EXPLICIT_TEMPLATE = "template-explicit.yaml"
_POLL_S = 0.005


@dataclass(frozen=True)
class Deployment:
    """Where a deployed bench app answers."""

    route_url: str
    endpoint_url: str
    ping_function: str = PING_FUNCTION
    invoke_function: str = INVOKE_FUNCTION


class Peer(ABC):
    name: str
    templates: tuple[str, ...] = (SAM_TEMPLATE,)
    # Whether a second start in the same directory finds the deployed app (its state kept):
    # then "up again" is measured too.
    keeps_state: bool = False

    def __init__(self) -> None:
        self.process: ServerProcess | None = None
        self.details: dict[str, Any] = {}

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def start(self, template: Path, workdir: Path) -> ServerProcess: ...

    @abstractmethod
    def deploy(self, deadline_s: float) -> Deployment: ...

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def _running(self) -> ServerProcess:
        if self.process is None:
            raise BenchError(f"{self.name} is not started")
        if self.process.exit_code() is not None:
            raise BenchError(f"{self.name} exited with code {self.process.exit_code()}; "
                             f"last lines of its log:\n{self.process.log_tail()}")
        return self.process


def _peer_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without Python path overrides or AWS settings, plus ``extra``."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("AWS_")}
    return {**env, **extra}


def _git_describe(source: Path) -> str:
    """`` (commit abc1234, uncommitted changes)`` for a source tree in git, else ``""``."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=source.parent, capture_output=True,
                              text=True, check=False, timeout=10)
        return done.stdout.strip() if done.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return ""
    dirty = ", uncommitted changes" if git("status", "--porcelain", "--", ".") else ""
    return f" (commit {commit}{dirty})"


def compile_package(package_dir: Path) -> None:
    """Write the bytecode of a package's modules, as ``pip install`` does for the peers' venv.
    Needed where ``PYTHONDONTWRITEBYTECODE`` is set and the sources are edited in place (an
    editable install): otherwise every start compiles the changed modules afresh."""
    import compileall

    compileall.compile_dir(str(package_dir), quiet=1)


class Fogbank(Peer):
    """``fogbank up TEMPLATE --port-edge P --port-api Q`` from the current interpreter."""

    name = "fogbank"
    keeps_state = True
    READY_LINE = "fogbank is up in"
    FAILED_LINE = "did not deploy"

    def __init__(self) -> None:
        super().__init__()
        self._edge_port = 0
        self._api_port = 0

    def version(self) -> str:
        try:
            import fogbank
        except Exception as error:  # noqa: BLE001 - any import failure is a reportable state
            return f"not importable ({type(error).__name__}: {error})"
        return f"{getattr(fogbank, '__version__', '?')}{_git_describe(Path(fogbank.__file__))}"

    def _argv(self) -> list[str]:
        script = Path(sys.executable).with_name("fogbank")
        if script.exists():
            return [str(script)]
        found = shutil.which("fogbank")
        return [found] if found else [sys.executable, "-m", "fogbank.cli.main"]

    def start(self, template: Path, workdir: Path) -> ServerProcess:
        try:
            import fogbank
        except ImportError:
            pass
        else:  # untimed: the process start below is the origin of "up"
            compile_package(Path(fogbank.__file__).parent)
        self._edge_port, self._api_port = free_port(), free_port()
        argv = [*self._argv(), "up", str(template), "--port-edge", str(self._edge_port),
                "--port-api", str(self._api_port)]
        env = _peer_env({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1"})
        self.process = ServerProcess(argv, workdir / "fogbank.log", env, cwd=workdir)
        return self.process

    def deploy(self, deadline_s: float) -> Deployment:
        deadline = time.monotonic() + deadline_s
        while True:
            log = self._running().log_text()
            if self.FAILED_LINE in log:
                raise BenchError(f"fogbank up did not deploy the bench app:\n{log[-2000:]}")
            if self.READY_LINE in log:
                said = re.search(rf"{self.READY_LINE} (\d+) ms", log)
                if said:
                    self.details["ready_ms_as_printed_by_fogbank_up"] = int(said.group(1))
                break
            if time.monotonic() > deadline:
                raise BenchError(f"fogbank up printed no {self.READY_LINE!r} within "
                                 f"{deadline_s:g} s; its log:\n{log[-2000:]}")
            time.sleep(_POLL_S)
        edge = f"http://127.0.0.1:{self._edge_port}"
        wait_for_http(f"{edge}/_fogbank/health", max(0.5, deadline - time.monotonic()))
        return Deployment(route_url=f"http://127.0.0.1:{self._api_port}{ROUTE_PATH}",
                          endpoint_url=edge)


class MiniStack(Peer):
    """``ministack`` from the bench venv; the app goes in as a user would deploy it there:
    code zipped to its S3, then CloudFormation CreateStack (MiniStack runs the SAM transform).
    Lambda uses its default local executor (warm Python workers, no Docker)."""

    name = "MiniStack"
    templates = (SAM_TEMPLATE, EXPLICIT_TEMPLATE)
    STACK_NAME = "bench"
    ARTIFACT_BUCKET = "bench-artifacts"

    def __init__(self, venv_dir: Path) -> None:
        super().__init__()
        self._venv_dir = venv_dir
        self._port = 0
        self._template: Path | None = None
        self._clients: dict[str, Any] = {}

    def version(self) -> str:
        from bench.venv import package_version, venv_python
        return package_version(venv_python(self._venv_dir), "ministack")

    def start(self, template: Path, workdir: Path) -> ServerProcess:
        self._port = free_port()
        self._template = template
        endpoint = f"http://127.0.0.1:{self._port}"
        # Clients are built before the process starts: their setup is not MiniStack's time.
        self._clients = {service: boto3.client(
            service, endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test")
            for service in ("s3", "cloudformation")}
        (workdir / "tmp").mkdir(exist_ok=True)
        env = _peer_env({
            "GATEWAY_PORT": str(self._port), "BIND_HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING", "TMPDIR": str(workdir / "tmp"),
            "S3_DATA_DIR": str(workdir / "s3"),
        })
        argv = [str(self._venv_dir / "bin" / "ministack")]
        self.process = ServerProcess(argv, workdir / "ministack.log", env, cwd=workdir)
        return self.process

    def deploy(self, deadline_s: float) -> Deployment:
        deadline = time.monotonic() + deadline_s
        endpoint = f"http://127.0.0.1:{self._port}"
        while True:
            self._running()
            try:
                wait_for_http(f"{endpoint}/_ministack/health", 0.2, interval_s=_POLL_S)
                break
            except BenchError:
                if time.monotonic() > deadline:
                    raise
        assert self._template is not None
        s3, cfn = self._clients["s3"], self._clients["cloudformation"]
        s3.create_bucket(Bucket=self.ARTIFACT_BUCKET)
        body = package(self._template, s3, self.ARTIFACT_BUCKET)
        cfn.create_stack(StackName=self.STACK_NAME, TemplateBody=body,
                         Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
        while True:
            stack = cfn.describe_stacks(StackName=self.STACK_NAME)["Stacks"][0]
            status = stack["StackStatus"]
            if not status.endswith("_IN_PROGRESS"):
                break
            if time.monotonic() > deadline:
                raise BenchError(f"MiniStack stack still {status} after {deadline_s:g} s")
            time.sleep(_POLL_S)
        if status != "CREATE_COMPLETE":
            raise BenchError(f"MiniStack CreateStack ended {status}: "
                             f"{stack.get('StackStatusReason', '')}")
        resources = cfn.describe_stack_resources(StackName=self.STACK_NAME)["StackResources"]
        api_ids = [r["PhysicalResourceId"] for r in resources
                   if r["ResourceType"] == "AWS::ApiGatewayV2::Api"]
        if not api_ids:
            raise BenchError("MiniStack's stack has no AWS::ApiGatewayV2::Api resource")
        # The LocalStack-style path form; an HTTP API's $default stage has no path segment.
        route = f"{endpoint}/_aws/execute-api/{api_ids[0]}{ROUTE_PATH}"
        return Deployment(route_url=route, endpoint_url=endpoint)
