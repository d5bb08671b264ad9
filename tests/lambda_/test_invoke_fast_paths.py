"""The cheap paths of a warm invoke keep Lambda's behaviour: an invoke's lines (with or
without a sentinel after them), freezing only idle environments, the runtime list."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import botocore.session

from fogbank.services.lambda_.runtime.environment import invoke_header
from fogbank.services.lambda_.validation import model_runtimes
from tests.lambda_.conftest import LambdaHarness


def tail(result: dict) -> list[str]:
    return base64.b64decode(result["LogResult"]).decode().splitlines()


def test_a_silent_invoke_logs_start_end_and_report_only(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return 'quiet'\n")
    lam.invoke(name)  # the cold start
    for _ in range(3):
        lines = tail(lam.invoke(name, LogType="Tail"))
        assert [line.split(" ")[0] for line in lines] == ["START", "END", "REPORT"]
        assert len({line.split("RequestId: ")[1].split()[0] for line in lines}) == 1


def test_every_line_stays_with_its_own_invoke(lam: LambdaHarness) -> None:
    name = lam.create("""
        import sys
        def handler(event, context):
            print("line", event["n"])
            sys.stdout.write(f"unfinished {event['n']}")  # no newline: still its own line
            return event["n"]
    """)
    for n in range(6):
        lines = tail(lam.invoke(name, json.dumps({"n": n}).encode(), LogType="Tail"))
        assert lines[1:3] == [f"line {n}", f"unfinished {n}"], lines


def test_back_to_back_invokes_are_not_frozen_in_between(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return 1\n")
    manager = lam.provider.runtime
    lam.invoke(name)
    frozen: list[int] = []
    original = manager.freeze_after_s
    manager.freeze_after_s = 30.0  # nothing stays idle that long here
    envs = [env for pool in manager._pools.values() for env in pool.idle]
    try:
        for env in envs:
            env.freeze = lambda env=env: frozen.append(env.pid)  # type: ignore[method-assign]
        for _ in range(5):
            lam.invoke(name)
    finally:
        manager.freeze_after_s = original
        for env in envs:
            del env.freeze
        lam.run(_refreeze(manager))
    assert frozen == []


async def _refreeze(manager: Any) -> None:
    """Drop the freezer timer armed for 30 s and look again with the usual delay."""
    if manager._freezer is not None:
        manager._freezer.cancel()
        manager._freezer = None
    manager._freeze_idle()


def test_an_idle_environment_is_frozen_soon_after(lam: LambdaHarness) -> None:
    name = lam.create("import os\ndef handler(e, c):\n    return os.getpid()\n")
    pid = json.loads(lam.invoke(name)["Payload"])
    deadline = time.monotonic() + 5
    while _state(pid) != "T" and time.monotonic() < deadline:
        lam.run(_pause(0.01))
    assert _state(pid) == "T"
    assert json.loads(lam.invoke(name)["Payload"]) == pid  # thawed and reused


async def _pause(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0]
    except FileNotFoundError:
        return None


def test_invoke_header_is_json_with_every_field() -> None:
    header = invoke_header("id-1", 123, 'arn:aws:lambda:us-east-1:000000000000:function:"f"',
                           {"custom": {"k": "é"}}, None)
    assert json.loads(header) == {
        "request_id": "id-1", "deadline_ms": 123,
        "invoked_function_arn": 'arn:aws:lambda:us-east-1:000000000000:function:"f"',
        "client_context": {"custom": {"k": "é"}}}


def test_runtimes_come_from_botocore_s_model() -> None:
    model = botocore.session.get_session().get_service_model("lambda")
    assert model_runtimes() == list(model.shape_for("Runtime").enum)
