"""The DynamoDB servers under test, one class each: ``start(workdir)`` → port, ``stop()``.

fogbank (``fogbank up`` on a one-table template, current interpreter), moto's server mode and
dynalite (in memory and on LevelDB) from the bench's own environments, and the canned-response
server used as the client-bound ceiling. Every process goes through
:class:`bench.procs.ServerProcess`, so stopping is by PID, whole tree included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.dynamodb.conn import wait_until_ready
from bench.load import BenchError
from bench.peers import Fogbank
from bench.procs import ManagedServer, ServerProcess, free_port

READY_DEADLINE_S = 60.0
REPO_ROOT = Path(__file__).resolve().parents[2]

FOGBANK_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: fogbank DynamoDB bench, the capacity table (the seed table is created through the API)
Resources:
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: bench-items
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
"""


def _env(extra: dict[str, str]) -> dict[str, str]:
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("AWS_")}
    return {**env, **extra}


class DynamoServer(ManagedServer):
    """A server speaking DynamoDB on a free loopback port."""

    durable = False

    def __init__(self) -> None:
        super().__init__()
        self.port = 0

    def version(self) -> str:
        return "?"

    def _argv(self, workdir: Path) -> list[str]:
        raise NotImplementedError

    def start(self, workdir: Path) -> int:
        """Start the server and return its port once it answers ListTables."""
        self.port = free_port()
        self.process = ServerProcess(self._argv(workdir), workdir / f"{self.slug}.log",
                                     _env({"PYTHONUNBUFFERED": "1"}), cwd=workdir)
        try:
            wait_until_ready(self.port, READY_DEADLINE_S)
        except BenchError as error:
            raise BenchError(f"{error}; its log ends:\n{self.process.log_tail()}") from error
        return self.port

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-").replace("(", "").replace(")", "")

class FogbankServer(DynamoServer):
    """``fogbank up template.yaml --port-edge P --port-api Q`` with the ``bench-items`` table."""

    name = "fogbank"
    durable = True

    def __init__(self) -> None:
        super().__init__()
        self._peer = Fogbank()

    def version(self) -> str:
        return self._peer.version()

    def start(self, workdir: Path) -> int:
        app = workdir / "app"
        app.mkdir()
        (app / "template.yaml").write_text(FOGBANK_TEMPLATE)
        self.process = self._peer.start(app / "template.yaml", app)
        deployment = self._peer.deploy(READY_DEADLINE_S)
        self.port = int(deployment.endpoint_url.rsplit(":", 1)[1])
        self.details.update(self._peer.details)
        wait_until_ready(self.port, READY_DEADLINE_S)
        return self.port


class MotoServer(DynamoServer):
    """``moto_server -H 127.0.0.1 -p P`` from the bench venv (in memory only)."""

    name = "moto"

    def __init__(self, venv_dir: Path) -> None:
        super().__init__()
        self._venv_dir = venv_dir.resolve()

    def version(self) -> str:
        from bench.venv import package_version, venv_python
        return package_version(venv_python(self._venv_dir), "moto")

    def _argv(self, workdir: Path) -> list[str]:
        return [str(self._venv_dir / "bin" / "moto_server"), "-H", "127.0.0.1",
                "-p", str(self.port)]


class DynaliteServer(DynamoServer):
    """``node dynalite/cli.js --host 127.0.0.1 --port P --createTableMs 0 [--path DIR]``."""

    def __init__(self, node_dir: Path, on_disk: bool) -> None:
        super().__init__()
        self._node_dir = node_dir.resolve()
        self.durable = on_disk
        self.name = "dynalite (disk)" if on_disk else "dynalite (memory)"

    @property
    def cli(self) -> Path:
        return self._node_dir / "node_modules" / "dynalite" / "cli.js"

    def version(self) -> str:
        try:
            manifest = json.loads((self.cli.parent / "package.json").read_text())
        except (OSError, ValueError):
            return "?"
        node = subprocess.run(["node", "--version"], capture_output=True, text=True,
                              check=False, timeout=30).stdout.strip()
        return f"{manifest.get('version', '?')} (node {node})"

    def _argv(self, workdir: Path) -> list[str]:
        argv = ["node", str(self.cli), "--host", "127.0.0.1", "--port", str(self.port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        if self.durable:
            argv += ["--path", str(workdir / "leveldb")]
        return argv


class CannedServer(DynamoServer):
    """``python -m bench.dynamodb.canned P``: answers every request with one canned GetItem."""

    name = "canned"

    def version(self) -> str:
        return f"python {sys.version.split()[0]}"

    def start(self, workdir: Path) -> int:
        self.port = free_port()
        argv = [sys.executable, "-m", "bench.dynamodb.canned", str(self.port)]
        self.process = ServerProcess(argv, workdir / "canned.log", _env({}), cwd=REPO_ROOT)
        wait_until_ready(self.port, READY_DEADLINE_S)
        return self.port
