"""The servers under test: ``start(workdir)`` → edge URL, ``stop()``.

- **fogbank**: ``fogbank up app/template.yaml`` (a copy of the bench app: the event wires and
  their tables), current interpreter, durable state under the copy's ``.fogbank/``.
- **moto**: ``moto_server`` from ``bench/.venv``, in memory. It cannot run the app's functions
  without Docker, so it is measured on the single operations only.
- **MiniStack**: ``ministack`` from ``bench/.venv``; the app is deployed as a MiniStack user
  would (code zipped to its S3, CloudFormation ``CreateStack``, MiniStack runs the SAM
  transform), so the wires are measured on it too.

Every process goes through :class:`bench.procs.ServerProcess`: stopped by PID, whole tree.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from bench.dynamodb.conn import wait_until_ready
from bench.events.worker import client
from bench.load import BenchError, wait_for_http
from bench.package import package
from bench.peers import Fogbank, _peer_env
from bench.procs import ManagedServer, ServerProcess, descendants, free_port

APP_DIR = Path(__file__).resolve().parent / "app"
READY_DEADLINE_S = 90.0
STACK_NAME = "bench-events"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ARTIFACT_BUCKET = "bench-artifacts"


class EventServer(ManagedServer):
    runs_functions = True

    def __init__(self) -> None:
        super().__init__()
        self.endpoint = ""

    def version(self) -> str:
        return "?"

    def start(self, workdir: Path) -> str:
        raise NotImplementedError

    def cpu_seconds(self) -> float:
        """User + system CPU seconds used so far by the server and every process below it
        (fogbank's Lambda workers, MiniStack's function processes)."""
        if self.process is None:
            return 0.0
        return sum(_cpu_seconds(pid) for pid in [self.process.pid,
                                                 *descendants(self.process.pid)])


def _cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()  # after the command name
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class FogbankEvents(EventServer):
    name = "fogbank"

    def __init__(self) -> None:
        super().__init__()
        self._peer = Fogbank()

    def version(self) -> str:
        return self._peer.version()

    def start(self, workdir: Path) -> str:
        app = workdir / "app"
        shutil.copytree(APP_DIR, app)
        began = time.perf_counter()
        self.process = self._peer.start(app / "template.yaml", app)
        self.endpoint = self._peer.deploy(READY_DEADLINE_S).endpoint_url
        self.details["deployed_s"] = round(time.perf_counter() - began, 3)
        return self.endpoint


class MotoEvents(EventServer):
    name = "moto"
    runs_functions = False

    def __init__(self, venv_dir: Path) -> None:
        super().__init__()
        self._venv_dir = venv_dir.resolve()

    def version(self) -> str:
        from bench.venv import package_version, venv_python
        return package_version(venv_python(self._venv_dir), "moto")

    def start(self, workdir: Path) -> str:
        port = free_port()
        argv = [str(self._venv_dir / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
        self.process = ServerProcess(argv, workdir / "moto.log",
                                     _peer_env({"PYTHONUNBUFFERED": "1"}), cwd=workdir)
        wait_until_ready(port, READY_DEADLINE_S)
        self.endpoint = f"http://127.0.0.1:{port}"
        return self.endpoint


class MiniStackEvents(EventServer):
    name = "MiniStack"

    def __init__(self, venv_dir: Path) -> None:
        super().__init__()
        self._venv_dir = venv_dir.resolve()

    def version(self) -> str:
        from bench.venv import package_version, venv_python
        return package_version(venv_python(self._venv_dir), "ministack")

    def start(self, workdir: Path) -> str:
        port = free_port()
        (workdir / "tmp").mkdir(exist_ok=True)
        env = _peer_env({"GATEWAY_PORT": str(port), "BIND_HOST": "127.0.0.1",
                         "LOG_LEVEL": "WARNING", "TMPDIR": str(workdir / "tmp"),
                         "S3_DATA_DIR": str(workdir / "s3")})
        self.process = ServerProcess([str(self._venv_dir / "bin" / "ministack")],
                                     workdir / "ministack.log", env, cwd=workdir)
        self.endpoint = f"http://127.0.0.1:{port}"
        began = time.perf_counter()
        wait_for_http(f"{self.endpoint}/_ministack/health", READY_DEADLINE_S)
        self._deploy(READY_DEADLINE_S)
        self.details["deployed_s"] = round(time.perf_counter() - began, 3)
        return self.endpoint

    def _deploy(self, deadline_s: float) -> None:
        deadline = time.monotonic() + deadline_s
        s3, cfn = client("s3", self.endpoint), client("cloudformation", self.endpoint)
        s3.create_bucket(Bucket=ARTIFACT_BUCKET)
        body = package(APP_DIR / "template.yaml", s3, ARTIFACT_BUCKET)
        cfn.create_stack(StackName=STACK_NAME, TemplateBody=body,
                         Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
        while True:
            stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
            if not stack["StackStatus"].endswith("_IN_PROGRESS"):
                break
            if time.monotonic() > deadline:
                raise BenchError(f"MiniStack stack still {stack['StackStatus']} after "
                                 f"{deadline_s:g} s")
            time.sleep(0.05)
        if stack["StackStatus"] != "CREATE_COMPLETE":
            raise BenchError(f"MiniStack CreateStack ended {stack['StackStatus']}: "
                             f"{stack.get('StackStatusReason', '')}")
