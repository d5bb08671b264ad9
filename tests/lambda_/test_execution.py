"""Invoking functions: warm reuse, errors as the Python runtime reports them, limits."""

from __future__ import annotations

import asyncio
import base64
import json

from fogbank.core.errors import ServiceError
from tests.lambda_.conftest import LambdaHarness

COUNTER = """
    import os
    count = 0

    def handler(event, context):
        global count
        count += 1
        return {"count": count, "pid": os.getpid(), "event": event,
                "request_id": context.aws_request_id,
                "remaining_ms": context.get_remaining_time_in_millis(),
                "memory": context.memory_limit_in_mb, "name": context.function_name,
                "arn": context.invoked_function_arn, "stream": context.log_stream_name}
"""


def payload_of(result: dict) -> dict:
    return json.loads(result["Payload"])


def test_cold_then_warm_invoke_reuses_the_module(lam: LambdaHarness) -> None:
    name = lam.create(COUNTER)
    first = lam.invoke(name, b'{"n": 1}')
    second = lam.invoke(name, b'{"n": 2}')
    assert first["StatusCode"] == 200 and "FunctionError" not in first
    assert first["ExecutedVersion"] == "$LATEST"
    one, two = payload_of(first), payload_of(second)
    assert (one["count"], two["count"]) == (1, 2)
    assert one["pid"] == two["pid"]
    assert two["event"] == {"n": 2}
    assert one["memory"] == "128" and one["name"] == name
    assert one["arn"].endswith(f":function:{name}")
    assert 0 < one["remaining_ms"] <= 3000
    assert one["stream"].split("]")[0].endswith("[$LATEST")


def test_empty_payload_is_an_empty_event(lam: LambdaHarness) -> None:
    name = lam.create(COUNTER)
    assert payload_of(lam.invoke(name, b""))["event"] == {}


def test_concurrent_invokes_spawn_environments_up_to_the_reserved_limit(
        lam: LambdaHarness) -> None:
    name = lam.create("""
        import os, time
        def handler(event, context):
            time.sleep(event["sleep"])
            return os.getpid()
    """)
    lam.call("PutFunctionConcurrency", FunctionName=name, ReservedConcurrentExecutions=2)

    async def three_at_once() -> list:
        calls = [lam.dispatcher.call("lambda", "Invoke",
                                     {"FunctionName": name, "Payload": b'{"sleep": 0.5}'})
                 for _ in range(3)]
        return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = lam.run(three_at_once())
    throttled = [o for o in outcomes if isinstance(o, ServiceError)]
    served = [json.loads(o["Payload"]) for o in outcomes if isinstance(o, dict)]
    assert len(served) == 2 and len(set(served)) == 2
    assert len(throttled) == 1
    error = throttled[0]
    assert error.error_code == "TooManyRequestsException"
    assert type(error).status == 429
    assert error.message == "Rate Exceeded."
    assert error.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_zero_reserved_concurrency_throttles_every_invoke(lam: LambdaHarness,
                                                          expect_error) -> None:
    name = lam.create(COUNTER)
    lam.call("PutFunctionConcurrency", FunctionName=name, ReservedConcurrentExecutions=0)
    expect_error("TooManyRequestsException", "Invoke", FunctionName=name, Payload=b"{}")


def test_an_init_past_the_init_limit_goes_on_within_the_function_timeout(
        lam: LambdaHarness) -> None:
    """AWS runs a too-slow init again inside the invoke, under the function's Timeout: the
    invoke fails only if that is exceeded too (here the 10 s limit is scaled to 0.2 s)."""
    slow_init = """
        import time
        time.sleep(0.6)
        def handler(event, context):
            return "ready"
    """
    manager = lam.provider.runtime
    manager.init_timeout_s, saved = 0.2, manager.init_timeout_s
    try:
        within = lam.create(slow_init, Timeout=3)
        assert payload_of(lam.invoke(within)) == "ready"
        beyond = lam.create(slow_init.replace("0.6", "1.5"), Timeout=1)
        result = lam.invoke(beyond)
        assert result["FunctionError"] == "Unhandled"
        assert payload_of(result)["errorType"] == "Sandbox.Timedout"
    finally:
        manager.init_timeout_s = saved


def test_timeout_kills_the_environment(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os, time
        def handler(event, context):
            if event.get("sleep"):
                print("going to sleep")
                time.sleep(10)
            return os.getpid()
    """, Timeout=1)
    before = payload_of(lam.invoke(name))
    result = lam.invoke(name, b'{"sleep": true}', LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = payload_of(result)
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert error["errorMessage"].startswith("RequestId: ")
    log = base64.b64decode(result["LogResult"]).decode()
    assert "going to sleep" in log
    assert "Task timed out after 1.00 seconds" in log
    after = payload_of(lam.invoke(name))
    assert after != before  # a fresh environment


def test_os_exit_is_a_runtime_exit_error_and_the_next_invoke_is_fresh(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os
        def handler(event, context):
            if event.get("exit"):
                os._exit(1)
            return "ok"
    """)
    result = lam.invoke(name, b'{"exit": true}')
    assert result["FunctionError"] == "Unhandled"
    error = payload_of(result)
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Error: Runtime exited with error: exit status 1")
    assert payload_of(lam.invoke(name)) == "ok"


def test_segfault_is_a_runtime_exit_error(lam: LambdaHarness) -> None:
    name = lam.create("""
        import os, signal
        def handler(event, context):
            os.kill(os.getpid(), signal.SIGSEGV)
    """)
    error = payload_of(lam.invoke(name))
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Runtime exited with error: signal: segmentation fault")


def test_memory_over_the_limit_is_out_of_memory(lam: LambdaHarness) -> None:
    name = lam.create("""
        import time
        def handler(event, context):
            block = bytearray(256 * 1024 * 1024)
            block[::4096] = b"x" * len(block[::4096])
            time.sleep(0.5)
            return len(block)
    """, MemorySize=128)
    result = lam.invoke(name)
    assert result["FunctionError"] == "Unhandled"
    error = payload_of(result)
    assert error["errorType"] == "Runtime.OutOfMemory"
    assert error["errorMessage"].endswith("Runtime exited with error: signal: killed")


def test_handled_exception_has_the_runtime_error_shape(lam: LambdaHarness) -> None:
    name = lam.create("""
        def handler(event, context):
            raise ValueError("bad input")
    """)
    result = lam.invoke(name, LogType="Tail")
    assert result["FunctionError"] == "Unhandled"
    error = payload_of(result)
    assert error["errorMessage"] == "bad input"
    assert error["errorType"] == "ValueError"
    assert error["requestId"]
    assert any("app.py" in frame and "in handler" in frame for frame in error["stackTrace"])
    log = base64.b64decode(result["LogResult"]).decode()
    assert "[ERROR] ValueError: bad input" in log


def test_import_errors_are_runtime_faults(lam: LambdaHarness) -> None:
    missing = lam.create("import not_a_module\ndef handler(e, c):\n    return 1\n")
    error = payload_of(lam.invoke(missing))
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == (
        "Unable to import module 'app': No module named 'not_a_module'")
    no_handler = lam.create("def other(e, c):\n    return 1\n")
    error = payload_of(lam.invoke(no_handler))
    assert error["errorType"] == "Runtime.HandlerNotFound"


def test_unserialisable_result_is_a_marshal_error(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return object()\n")
    error = payload_of(lam.invoke(name))
    assert error["errorType"] == "Runtime.MarshalError"


def test_request_payload_limits(lam: LambdaHarness, expect_error) -> None:
    name = lam.create(COUNTER)
    error = expect_error("RequestTooLargeException", "Invoke", FunctionName=name,
                         Payload=b'"' + b"x" * 6291456 + b'"')
    assert type(error).status == 413
    assert error.message == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
    error = expect_error("InvalidRequestContentException", "Invoke", FunctionName=name,
                         Payload=b"{not json")
    assert error.message.startswith("Could not parse request body into json: ")


def test_response_payload_over_6mb_is_a_function_error(lam: LambdaHarness) -> None:
    name = lam.create("def handler(e, c):\n    return 'x' * 6_300_000\n")
    result = lam.invoke(name)
    assert result["StatusCode"] == 200 and result["FunctionError"] == "Unhandled"
    assert payload_of(result)["errorType"] == "Function.ResponseSizeTooLarge"


def test_unknown_function(lam: LambdaHarness, expect_error) -> None:
    error = expect_error("ResourceNotFoundException", "Invoke", FunctionName="nope",
                         Payload=b"{}")
    assert type(error).status == 404
    assert error.message == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")


def test_event_invocation_runs_in_the_background_and_retries(lam: LambdaHarness,
                                                             tmp_path) -> None:
    marker = tmp_path / "calls.txt"
    name = lam.create(f"""
        def handler(event, context):
            with open({str(marker)!r}, "a") as out:
                out.write(context.aws_request_id + "\\n")
            if event.get("fail"):
                raise RuntimeError("try again")
            return 1
    """)
    ok = lam.invoke(name, b"{}", InvocationType="Event")
    assert ok["StatusCode"] == 202 and ok["Payload"] == b""
    failing = lam.invoke(name, b'{"fail": true}', InvocationType="Event")
    assert failing["StatusCode"] == 202

    async def settle() -> None:
        for _ in range(200):
            if marker.exists() and len(marker.read_text().splitlines()) >= 4:
                await asyncio.sleep(0.2)  # no fifth attempt may follow
                return
            await asyncio.sleep(0.05)

    lam.run(settle())
    lines = marker.read_text().splitlines()
    assert len(lines) == 4  # one success + one failure with AWS's two retries
    assert len(set(lines)) == 2  # retries keep the request id
    assert lam.provider.store.pending_events() == []


def test_dry_run(lam: LambdaHarness) -> None:
    name = lam.create(COUNTER)
    assert lam.invoke(name, InvocationType="DryRun")["StatusCode"] == 204


def test_non_python_runtime_cannot_be_invoked(lam: LambdaHarness, expect_error) -> None:
    name = lam.unique()
    directory = lam.code_dir({"index.js": "exports.handler = async () => 1;"})
    lam.call("CreateFunction", FunctionName=name, Runtime="nodejs20.x",
             Role="arn:aws:iam::000000000000:role/r", Handler="index.handler",
             Code={"S3Bucket": "hot-reload", "S3Key": str(directory)})
    error = expect_error("InvalidRuntimeException", "Invoke", FunctionName=name, Payload=b"{}")
    assert "Python" in error.message


def test_idle_environments_are_reaped(lam: LambdaHarness) -> None:
    name = lam.create(COUNTER)
    assert payload_of(lam.invoke(name))["count"] == 1
    assert lam.provider.runtime.environment_count(name) == 1
    far_future_s = lam.provider.ctx.clock.monotonic() + 3600

    async def reap() -> int:
        return lam.provider.runtime.reap_idle(far_future_s)

    assert lam.run(reap()) >= 1
    assert lam.provider.runtime.environment_count(name) == 0
    assert payload_of(lam.invoke(name))["count"] == 1


def test_event_payload_limit(lam: LambdaHarness, expect_error) -> None:
    name = lam.create(COUNTER)
    expect_error("RequestTooLargeException", "Invoke", FunctionName=name,
                 InvocationType="Event", Payload=b'"' + b"x" * (1024 * 1024) + b'"')


def test_init_output_and_errors_are_logged(lam: LambdaHarness) -> None:
    name = lam.create("print('loading')\nimport missing_module_xyz\n")
    result = lam.invoke(name, LogType="Tail")
    log = base64.b64decode(result["LogResult"]).decode()
    assert log.startswith("loading\n")
    assert "[ERROR] Runtime.ImportModuleError: Unable to import module 'app'" in log
    assert "Init Duration: " in log


def test_large_payloads_round_trip(lam: LambdaHarness) -> None:
    name = lam.create("def handler(event, context):\n    return event\n")
    big = json.dumps({"blob": "y" * (5 * 1024 * 1024)}).encode()
    result = lam.invoke(name, big)
    assert "FunctionError" not in result
    assert result["Payload"] == big
