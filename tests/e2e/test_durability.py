"""kill -9 of ``fogbank up``, then start again: functions, stacks and logs are still there."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import boto3
import requests

from tests.conftest import APPS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_up(app_dir: Path, edge_port: int, api_port: int, log: Path) -> subprocess.Popen:
    """Start `fogbank up` appending to ``log``; return once *this* run says it is up."""
    offset = log.stat().st_size if log.exists() else 0
    process = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli.main", "up", str(app_dir), "--no-watch",
         "--port-edge", str(edge_port), "--port-api", str(api_port)],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=app_dir,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"fogbank up exited early:\n{log.read_text()}")
        if b"fogbank is up" in log.read_bytes()[offset:]:
            return process
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"fogbank up did not become ready:\n{log.read_text()}")


def kill_9_mid_load(app_dir: Path, tmp_path: Path, producer: str,
                    kill_after: int = 300) -> tuple[list[int], str, subprocess.Popen]:
    """Run ``fogbank up`` and ``producer`` (a Python script given the edge URL that prints the
    number of each acknowledged write), SIGKILL fogbank once ``kill_after`` writes are
    acknowledged while the producer is still writing, and start fogbank again on the same
    state. Returns the acknowledged numbers, the edge URL and the restarted server."""
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    server = start_up(app_dir, edge_port, api_port, log)
    endpoint = f"http://127.0.0.1:{edge_port}"
    writer = subprocess.Popen([sys.executable, "-c", producer, endpoint],
                              stdout=subprocess.PIPE, text=True)
    acknowledged: list[int] = []
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= kill_after:
                server.send_signal(signal.SIGKILL)  # mid-load: the producer is still writing
                break
        for line in writer.stdout:
            acknowledged.append(int(line))
    finally:
        server.kill()
        server.wait(30)
        writer.wait(30)
    assert len(acknowledged) >= kill_after
    return acknowledged, endpoint, start_up(app_dir, edge_port, api_port, log)


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def client(service: str, edge_port: int):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{edge_port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def test_state_survives_kill_9(app_copy, tmp_path):
    app_dir = app_copy(APPS / "minimal")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    first = start_up(app_dir, edge_port, api_port, log)
    try:
        lam = client("lambda", edge_port)
        lam.create_function(
            FunctionName="durable", Runtime="python3.11", Handler="handler.main",
            Role="arn:aws:iam::000000000000:role/lambda-role",
            Code={"ZipFile": zipped("def main(event, context):\n    return {'seen': event}\n")},
        )
        assert json.loads(lam.invoke(FunctionName="durable", Payload=b'{"a": 1}')["Payload"]
                          .read()) == {"seen": {"a": 1}}
        logs = client("logs", edge_port)
        # Function logs reach CloudWatch Logs a few tens of ms after the invoke; wait until
        # they are visible (what a user has seen must survive).
        deadline = time.monotonic() + 10
        while not logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/durable")["logGroups"]:
            assert time.monotonic() < deadline, "function logs never arrived"
            time.sleep(0.02)
        logs.create_log_group(logGroupName="acknowledged")
        logs.create_log_stream(logGroupName="acknowledged", logStreamName="s")
        logs.put_log_events(logGroupName="acknowledged", logStreamName="s",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "kept"}])
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)

    second = start_up(app_dir, edge_port, api_port, log)
    try:
        lam = client("lambda", edge_port)
        configuration = lam.get_function(FunctionName="durable")["Configuration"]
        assert configuration["Handler"] == "handler.main"
        assert json.loads(lam.invoke(FunctionName="durable", Payload=b'{"b": 2}')["Payload"]
                          .read()) == {"seen": {"b": 2}}
        events = client("logs", edge_port).get_log_events(
            logGroupName="acknowledged", logStreamName="s", startFromHead=True)["events"]
        assert [event["message"] for event in events] == ["kept"]
        lambda_logs = client("logs", edge_port).describe_log_groups(
            logGroupNamePrefix="/aws/lambda/durable")["logGroups"]
        assert lambda_logs, "the function's log group survived"
        stacks = client("cloudformation", edge_port).describe_stacks(StackName="minimal")
        assert stacks["Stacks"][0]["StackStatus"].endswith("_COMPLETE")
        health = requests.get(f"http://127.0.0.1:{edge_port}/_fogbank/health", timeout=5)
        assert health.json()["services"]["lambda"] == "running"
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    assert not (app_dir / ".fogbank" / "run.json").exists()
    assert os.path.exists(app_dir / ".fogbank")


def test_up_recovers_from_kill_9_during_its_first_deployment(app_copy, tmp_path):
    app_dir = app_copy(APPS / "custom_resource")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "fogbank.cli.main", "up", str(app_dir), "--no-watch",
         "--port-edge", str(edge_port), "--port-api", str(api_port),
         "--param", "DelaySeconds=20"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=app_dir,
    )
    try:
        cfn = client("cloudformation", edge_port)
        deadline = time.monotonic() + 60
        while True:  # wait until the custom resource is being created
            assert time.monotonic() < deadline, log.read_text()
            try:
                events = cfn.describe_stack_events(StackName="custom-resource")["StackEvents"]
            except Exception:  # noqa: BLE001 - edge not up yet, or no stack yet
                time.sleep(0.1)
                continue
            if any(e["LogicalResourceId"] == "Seed" for e in events):
                break
            time.sleep(0.1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    second = start_up(app_dir, edge_port, api_port, log)
    try:
        stack = client("cloudformation", edge_port).describe_stacks(
            StackName="custom-resource")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0


def test_sigterm_stops_up_promptly_while_an_invoke_is_in_flight(app_copy, tmp_path):
    import threading

    app_dir = app_copy(APPS / "lambda_cases")
    edge_port, api_port = free_port(), free_port()
    log = tmp_path / "up.log"
    process = start_up(app_dir, edge_port, api_port, log)
    lam = client("lambda", edge_port)
    name = next(f["FunctionName"] for f in lam.list_functions()["Functions"]
                if "LongFunction" in f["FunctionName"])
    outcome: list[object] = []

    def long_invoke() -> None:
        try:
            outcome.append(lam.invoke(FunctionName=name, Payload=b'{"seconds": 100}'))
        except Exception as error:  # noqa: BLE001 - the connection is expected to end
            outcome.append(error)

    caller = threading.Thread(target=long_invoke, daemon=True)
    caller.start()
    time.sleep(1.0)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    assert time.monotonic() - started < 15, "stop waited for the 100 s invoke"
    caller.join(30)
    assert outcome, "the in-flight call got an answer or an error, not silence"
