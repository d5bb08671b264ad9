"""Lambda Invoke through boto3 against the edge: every outcome with AWS's status, headers
and payload shape (botocore's parser is the judge of the wire format)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import APPS


@pytest.fixture(scope="module")
def fogbank_template() -> str:
    return str(APPS / "lambda_cases")


@pytest.fixture(scope="module")
def lam(fogbank_app):
    return fogbank_app.client("lambda", config=Config(retries={"max_attempts": 0},
                                                      read_timeout=30))


def invoke(lam, app, logical_id: str, event=None, **kwargs):
    reply = lam.invoke(FunctionName=app.function_name(logical_id),
                       Payload=json.dumps(event or {}), **kwargs)
    reply["Body"] = reply["Payload"].read()
    return reply


def test_success_returns_payload_and_context(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "OkFunction", {"n": 1})
    assert reply["StatusCode"] == 200
    assert "FunctionError" not in reply
    assert reply["ExecutedVersion"] == "$LATEST"
    body = json.loads(reply["Body"])
    assert body["event"] == {"n": 1}
    assert body["greeting"] == "hello"
    assert body["function_name"] == fogbank_app.function_name("OkFunction")
    # Ref in environment variables resolves to the real local name, not the logical id
    assert body["slow_function_name"] == fogbank_app.function_name("SlowFunction")
    assert body["memory_limit_in_mb"] == "128"
    assert 0 < body["remaining_ms"] <= 3000
    assert body["endpoint"] == fogbank_app.edge_url


def test_warm_environment_reuses_module_init(lam, fogbank_app):
    first = json.loads(invoke(lam, fogbank_app, "OkFunction")["Body"])
    second = json.loads(invoke(lam, fogbank_app, "OkFunction")["Body"])
    assert first["init_count"] == second["init_count"] == 1
    assert first["request_id"] != second["request_id"]


def test_handled_error_shape(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "ErrorFunction")
    assert reply["StatusCode"] == 200
    assert reply["FunctionError"] == "Unhandled"
    body = json.loads(reply["Body"])
    assert body["errorMessage"] == "order 42 was rejected"
    assert body["errorType"] == "OrderRejected"
    assert isinstance(body["stackTrace"], list) and body["stackTrace"]


def test_timeout(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "TimeoutFunction", {"seconds": 5})
    assert reply["StatusCode"] == 200
    assert reply["FunctionError"] == "Unhandled"
    body = json.loads(reply["Body"])
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    # the environment was recycled: the function still works afterwards
    again = invoke(lam, fogbank_app, "TimeoutFunction", {"seconds": 0})
    assert json.loads(again["Body"]) == {"slept": True}


def test_crash_is_runtime_exit_error_and_server_survives(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "CrashFunction")
    assert reply["FunctionError"] == "Unhandled"
    body = json.loads(reply["Body"])
    assert body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]
    assert invoke(lam, fogbank_app, "OkFunction")["StatusCode"] == 200


def test_throttle_beyond_reserved_concurrency(lam, fogbank_app):
    name = fogbank_app.function_name("SlowFunction")

    def call(_: int):
        try:
            lam.invoke(FunctionName=name, Payload=json.dumps({"seconds": 1.5}))
            return "ok"
        except ClientError as error:
            return error

    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(call, range(3)))
    throttled = [o for o in outcomes if isinstance(o, ClientError)]
    assert outcomes.count("ok") >= 1
    assert throttled, outcomes
    error = throttled[0].response
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_request_payload_too_large(lam, fogbank_app):
    payload = json.dumps({"blob": "x" * (6 * 1024 * 1024)})
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=fogbank_app.function_name("OkFunction"), Payload=payload)
    error = caught.value.response
    assert error["Error"]["Code"] == "RequestTooLargeException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413


def test_response_payload_too_large(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "BigResponseFunction")
    assert reply["FunctionError"] == "Unhandled"
    assert json.loads(reply["Body"])["errorType"] == "Function.ResponseSizeTooLarge"


def test_unknown_function(lam):
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName="no-such-function", Payload=b"{}")
    error = caught.value.response
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_unmodified_boto3_in_function_reaches_the_edge(lam, fogbank_app):
    reply = invoke(lam, fogbank_app, "ClientFunction")
    assert json.loads(reply["Body"]) == "000000000000", reply["Body"]


def test_dry_run(lam, fogbank_app):
    reply = lam.invoke(FunctionName=fogbank_app.function_name("OkFunction"),
                       InvocationType="DryRun")
    assert reply["StatusCode"] == 204


def test_function_logs_have_start_end_report(fogbank_app):
    fogbank_app.invoke("OkFunction", {"marker": "log-me"})
    lines = fogbank_app.logs("OkFunction")
    text = "\n".join(lines)
    assert "START RequestId:" in text
    assert "END RequestId:" in text
    assert "REPORT RequestId:" in text and "Billed Duration" in text
    assert "log-me" in text


def test_stack_and_function_visible_through_apis(fogbank_app):
    cfn = fogbank_app.client("cloudformation")
    stacks = cfn.describe_stacks(StackName=fogbank_app.stack.stack_name)["Stacks"]
    assert stacks[0]["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0]["Outputs"]}
    assert outputs["OkFunctionName"] == fogbank_app.function_name("OkFunction")
    names = {f["FunctionName"] for f in fogbank_app.client("lambda").list_functions()["Functions"]}
    assert fogbank_app.function_name("CrashFunction") in names


def test_caller_identity(fogbank_app):
    assert fogbank_app.client("sts").get_caller_identity()["Account"] == "000000000000"
