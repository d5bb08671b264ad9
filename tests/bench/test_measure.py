"""measure_peer end to end against a fake peer: a small HTTP server process that answers the
route and Lambda's Invoke/GetFunction wire calls, and serves the route only for its 2nd template."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from bench import measure
from bench.load import wait_for_http
from bench.peers import Deployment, Peer, compile_package
from bench.procs import ServerProcess, free_port

_FAKE_SERVER = """
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

serve_route = sys.argv[2] == "b.yaml"

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/ping" and serve_route:
            self._answer(200, b"ok")
        elif self.path.startswith("/2015-03-31/functions/"):
            self._answer(200, b"{}")
        else:
            self._answer(404, b'{"message":"Not Found"}')

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(200, json.dumps({"statusCode": 200, "body": "ok"}).encode())

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


class FakePeer(Peer):
    name = "fake"
    templates = ("a.yaml", "b.yaml")
    keeps_state = True  # so "up again" is measured too

    def __init__(self) -> None:
        super().__init__()
        self.port = 0
        self.pids: list[int] = []

    def version(self) -> str:
        return "0"

    def start(self, template: Path, workdir: Path) -> ServerProcess:
        self.port = free_port()
        self.process = ServerProcess(
            [sys.executable, "-c", _FAKE_SERVER, str(self.port), template.name],
            workdir / "fake.log", dict(os.environ), cwd=workdir)
        self.pids.append(self.process.pid)
        return self.process

    def deploy(self, deadline_s: float) -> Deployment:
        url = f"http://127.0.0.1:{self.port}"
        wait_for_http(f"{url}/2015-03-31/functions/x", deadline_s)
        return Deployment(route_url=f"{url}/ping", endpoint_url=url)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_measure_peer_falls_back_measures_everything_and_stops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"ROUTE_DEADLINE_S": 0.3, "IDLE_SETTLE_S": 0.0, "WARMUP_REQUESTS": 2,
                        "WARMUP_WRK_S": 1.0, "WARMUP_WRK_RUNS": 2, "WARMUP_SETTLED": 10.0,
                        "INVOKE_WARMUP": 1}.items():
        monkeypatch.setattr(measure, name, value)
    app = tmp_path / "app"
    app.mkdir()
    for template in FakePeer.templates:
        (app / template).write_text("Resources: {}\n")
    peer = FakePeer()

    result = measure.measure_peer(
        peer, measure.Settings(app_dir=app, duration_s=1, invoke_count=5, connections=(1, 2)))

    assert result["error"] is None
    assert result["template"] == "b.yaml"
    assert "a.yaml: deployed, but the route never answered 200" in result["findings"][0]
    assert result["api_cold_attempts"] == 1
    assert set(result["wrk"]) == {"c1", "c2"}
    assert result["wrk"]["c2"]["requests"] > 0
    assert result["invoke_count"] == 5
    assert result["idle_rss_mb"] > 0
    assert result["restart_ready_s"] > 0
    assert len(peer.pids) == 3  # a.yaml, b.yaml, b.yaml again
    assert all(not Path(f"/proc/{pid}").exists() for pid in peer.pids)


def test_nagle_signature_needs_both_a_40ms_class_floor_and_a_large_ratio() -> None:
    assert measure._looks_like_nagle(44.0, 0.9)
    assert not measure._looks_like_nagle(44.0, 40.0)   # slow everywhere: not Nagle
    assert not measure._looks_like_nagle(5.0, 0.2)     # fast enough: no delayed ACK involved


def test_compile_package_writes_bytecode_even_when_imports_would_not(tmp_path: Path) -> None:
    import importlib.util

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    for module in (package / "__init__.py", package / "sub" / "mod.py"):
        module.write_text("X = 1\n")
    compile_package(package)
    for module in (package / "__init__.py", package / "sub" / "mod.py"):
        assert Path(importlib.util.cache_from_source(str(module))).is_file()
