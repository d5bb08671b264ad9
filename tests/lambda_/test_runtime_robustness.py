"""The execution layer under stress and abuse: cold-start bursts, environments that die
while idle, huge log lines, exit statuses and tracebacks as the Python runtime reports them."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal

from tests.lambda_.conftest import LambdaHarness

BURST = 200
HANG_GUARD_S = 120.0  # a hang fails the test instead of blocking the run; not a speed check


def payload_of(result: dict) -> object:
    return json.loads(result["Payload"])


def test_a_burst_of_cold_starts_all_complete(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os
        def handler(event, context):
            return os.getpid()
    """, Environment={"Variables": {"PADDING": "p" * 2000}})  # bigger spawn requests

    async def burst() -> list[dict]:
        calls = [lam.dispatcher.call("lambda", "Invoke", {"FunctionName": name,
                                                          "Payload": b"{}"})
                 for _ in range(BURST)]
        return await asyncio.wait_for(asyncio.gather(*calls), HANG_GUARD_S)

    results = lam.run(burst())
    assert all("FunctionError" not in result for result in results)
    assert len({payload_of(result) for result in results}) == BURST  # all cold, all distinct
    assert lam.provider.runtime.environment_count(name) == BURST
    lam.run(retire(lam, name))
    assert lam.provider.runtime.environment_count(name) == 0


async def retire(lam: LambdaHarness, name: str) -> None:
    lam.provider.runtime.retire(name)


def wait_until(lam: LambdaHarness, condition, limit_s: float = 10.0) -> bool:
    """Polls ``condition`` on the event loop (so fogbank hears the zygote meanwhile)."""
    async def poll() -> bool:
        for _ in range(int(limit_s / 0.02)):
            if condition():
                return True
            await asyncio.sleep(0.02)
        return condition()

    return lam.run(poll())


def test_an_environment_that_died_while_idle_is_not_reused(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os
        def handler(event, context):
            return os.getpid()
    """)
    pid = payload_of(lam.invoke(name))
    os.kill(pid, signal.SIGKILL)  # e.g. the OOM killer, or a stray kill
    zygote = lam.provider.runtime.zygote
    assert wait_until(lam, lambda: zygote.exit_reason(pid).done())
    result = lam.invoke(name)
    assert "FunctionError" not in result, result["Payload"]
    assert payload_of(result) != pid


BACKGROUND = """
    import os, threading, time
    ticks = 0

    def tick():
        global ticks
        while True:
            ticks += 1
            time.sleep(0.005)

    def handler(event, context):
        if event.get("start"):
            threading.Thread(target=tick, daemon=True).start()
            time.sleep(0.05)
        return ticks
"""


def test_idle_environments_are_frozen_between_invokes(lam: LambdaHarness) -> None:
    name = lam.create(BACKGROUND)
    assert payload_of(lam.invoke(name, b'{"start": true}')) > 0
    # while idle the thread does not run: one invoke later it has ticked at most a few more
    # times (while thawed), not the ~60 times 0.3 s of idleness would allow
    first = payload_of(lam.invoke(name))
    lam.run(asyncio.sleep(0.3))
    second = payload_of(lam.invoke(name))
    assert second - first < 20


def test_a_frozen_environment_is_still_reaped_and_killed(lam: LambdaHarness) -> None:
    name = lam.create(BACKGROUND)
    lam.invoke(name, b'{"start": true}')
    pid_probe = lam.create("import os\ndef handler(e, c):\n    return os.getpid()\n")
    pid = payload_of(lam.invoke(pid_probe))
    assert wait_until(lam, lambda: process_state(pid) == "T")  # stopped
    far_future_s = lam.provider.ctx.clock.monotonic() + 3600

    async def reap() -> int:
        return lam.provider.runtime.reap_idle(far_future_s)

    assert lam.run(reap()) >= 2
    assert wait_until(lam, lambda: process_state(pid) is None)  # killed and reaped
    assert lam.provider.runtime.environment_count(name) == 0


def process_state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0]
    except FileNotFoundError:
        return None


def test_a_20_mb_log_line_is_truncated_and_does_not_stall(lam: LambdaHarness) -> None:
    name = lam.create("""
        def handler(event, context):
            print("x" * 20_000_000)
            print("after")
            return "done"
    """, Timeout=3, MemorySize=512)
    result = lam.invoke(name, LogType="Tail")
    assert "FunctionError" not in result, result["Payload"]
    assert payload_of(result) == "done"
    lam.run(lam.provider.flush_logs())
    messages = lam.client.log_messages()
    long_line = next(message for message in messages if message.startswith("xxx"))
    assert len(long_line.encode()) <= 256 * 1024
    assert "after" in messages


EXITS = """
    import sys
    def handler(event, context):
        print("leaving")
        if event["how"] == "interrupt":
            raise KeyboardInterrupt("stop")
        sys.exit(event["code"])
"""


def test_sys_exit_reports_the_real_exit_status(lam: LambdaHarness) -> None:
    name = lam.create(EXITS)
    for code, status in ((3, 3), ("farewell", 1), (None, 0)):
        result = lam.invoke(name, json.dumps({"how": "exit", "code": code}).encode(),
                            LogType="Tail")
        error = payload_of(result)
        assert error["errorType"] == "Runtime.ExitError"
        assert error["errorMessage"].endswith(
            f"Error: Runtime exited with error: exit status {status}")
        log = base64.b64decode(result["LogResult"]).decode()
        assert "Traceback" not in log and "SystemExit" not in log
        if isinstance(code, str):
            assert code in log


def test_tracebacks_show_only_the_users_frames(lam: LambdaHarness) -> None:
    name = lam.create(EXITS)
    result = lam.invoke(name, b'{"how": "interrupt"}', LogType="Tail")
    assert payload_of(result)["errorMessage"].endswith("exit status 1")
    log = base64.b64decode(result["LogResult"]).decode()
    assert "Traceback (most recent call last):" in log
    assert 'app.py", line 6, in handler' in log and "KeyboardInterrupt: stop" in log
    assert "bootstrap.py" not in log

    failing = lam.create("""
        def inner():
            raise ValueError("boom")
        def handler(event, context):
            inner()
    """)
    result = lam.invoke(failing, LogType="Tail")
    trace = payload_of(result)["stackTrace"]
    assert [line.split(", in ")[1].split("\n")[0] for line in trace] == ["handler", "inner"]
    assert "bootstrap.py" not in base64.b64decode(result["LogResult"]).decode()


def test_reservations_shrink_the_unreserved_pool(lam: LambdaHarness) -> None:
    reserved_by = lam.create("def handler(event, context):\n    return 1\n")
    unreserved = lam.create("""
        import time
        def handler(event, context):
            time.sleep(1.0)
            return "ok"
    """)
    available = lam.call("GetAccountSettings")["AccountLimit"]["UnreservedConcurrentExecutions"]
    lam.call("PutFunctionConcurrency", FunctionName=reserved_by,
             ReservedConcurrentExecutions=available - 100)
    try:
        settings = lam.call("GetAccountSettings")
        assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 100

        async def burst() -> list[object]:
            calls = [lam.dispatcher.call("lambda", "Invoke", {"FunctionName": unreserved})
                     for _ in range(101)]
            return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True),
                                          HANG_GUARD_S)

        outcomes = lam.run(burst())
        throttled = [o for o in outcomes if isinstance(o, Exception)]
        assert len(throttled) == 1
        assert getattr(throttled[0], "error_code", "") == "TooManyRequestsException"
    finally:
        lam.call("DeleteFunctionConcurrency", FunctionName=reserved_by)
        lam.run(retire(lam, unreserved))
