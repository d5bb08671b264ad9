"""Functions, layers, permissions, concurrency and tags through the dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

from fogbank.services.dispatch import Dispatcher
from tests.lambda_.conftest import ROLE, LambdaHarness

SIMPLE = "def handler(e, c):\n    return 'ok'\n"


def test_create_get_list_delete(lam: LambdaHarness, expect_error) -> None:
    name = lam.create(SIMPLE, Description="demo", Timeout=30, MemorySize=512,
                      Tags={"team": "core"})
    config = lam.call("GetFunctionConfiguration", FunctionName=name)
    assert config["FunctionName"] == name
    assert config["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert (config["Timeout"], config["MemorySize"], config["Description"]) == (30, 512, "demo")
    assert config["State"] == "Active" and config["Version"] == "$LATEST"
    assert config["LastModified"].endswith("+0000")
    got = lam.call("GetFunction", FunctionName=config["FunctionArn"])
    assert got["Configuration"] == config and got["Tags"] == {"team": "core"}
    expect_error("ResourceConflictException", "CreateFunction", FunctionName=name,
                 Runtime="python3.11", Role=ROLE, Handler="app.handler",
                 Code={"S3Bucket": "hot-reload", "S3Key": config["FunctionName"]})
    lam.call("DeleteFunction", FunctionName=name)
    expect_error("ResourceNotFoundException", "GetFunction", FunctionName=name)
    expect_error("ResourceNotFoundException", "DeleteFunction", FunctionName=name)


def test_list_functions_pages_with_marker(lam: LambdaHarness) -> None:
    for _ in range(3):
        lam.create(SIMPLE)
    names: list[str] = []
    marker = None
    while True:
        params = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = lam.call("ListFunctions", **params)
        assert len(page["Functions"]) <= 2
        names.extend(f["FunctionName"] for f in page["Functions"])
        marker = page.get("NextMarker")
        if not marker:
            break
    assert len(names) == len(set(names)) >= 3
    assert names == sorted(names)


def test_validation_errors(lam: LambdaHarness, expect_error) -> None:
    directory = lam.code_dir({"app.py": SIMPLE})
    code = {"S3Bucket": "hot-reload", "S3Key": str(directory)}
    expect_error("ValidationException", "CreateFunction", FunctionName=lam.unique(),
                 Runtime="python3.11", Role=ROLE, Handler="app.handler", Code=code, Timeout=0)
    expect_error("ValidationException", "CreateFunction", FunctionName=lam.unique(),
                 Runtime="python3.11", Role="not-a-role", Handler="app.handler", Code=code)
    expect_error("InvalidParameterValueException", "CreateFunction", FunctionName=lam.unique(),
                 Runtime="cobol", Role=ROLE, Handler="app.handler", Code=code)
    expect_error("InvalidParameterValueException", "CreateFunction", FunctionName=lam.unique(),
                 Runtime="python3.11", Role=ROLE, Handler="app.handler",
                 Code={"S3Bucket": "hot-reload", "S3Key": "relative/dir"})


def test_update_configuration_and_revision_ids(lam: LambdaHarness, expect_error) -> None:
    name = lam.create("import os\ndef handler(e, c):\n    return os.environ.get('MODE')\n")
    assert json.loads(lam.invoke(name)["Payload"]) is None
    before = lam.call("GetFunctionConfiguration", FunctionName=name)
    expect_error("PreconditionFailedException", "UpdateFunctionConfiguration",
                 FunctionName=name, Timeout=5, RevisionId="stale")
    after = lam.call("UpdateFunctionConfiguration", FunctionName=name, Timeout=5,
                     Environment={"Variables": {"MODE": "prod"}},
                     RevisionId=before["RevisionId"])
    assert after["Timeout"] == 5 and after["RevisionId"] != before["RevisionId"]
    assert json.loads(lam.invoke(name)["Payload"]) == "prod"  # warm environment retired


def test_permissions(lam: LambdaHarness, expect_error) -> None:
    name = lam.create(SIMPLE)
    expect_error("ResourceNotFoundException", "GetPolicy", FunctionName=name)
    added = lam.call("AddPermission", FunctionName=name, StatementId="s3",
                     Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                     SourceArn="arn:aws:s3:::bucket", SourceAccount="000000000000")
    statement = json.loads(added["Statement"])
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"]["ArnLike"] == {"AWS:SourceArn": "arn:aws:s3:::bucket"}
    expect_error("ResourceConflictException", "AddPermission", FunctionName=name,
                 StatementId="s3", Action="lambda:InvokeFunction", Principal="*")
    policy = json.loads(lam.call("GetPolicy", FunctionName=name)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    lam.call("RemovePermission", FunctionName=name, StatementId="s3")
    expect_error("ResourceNotFoundException", "RemovePermission", FunctionName=name,
                 StatementId="s3")


def test_concurrency_settings(lam: LambdaHarness, expect_error) -> None:
    name = lam.create(SIMPLE)
    assert lam.call("GetFunctionConcurrency", FunctionName=name) == {}
    assert lam.call("PutFunctionConcurrency", FunctionName=name,
                    ReservedConcurrentExecutions=5) == {"ReservedConcurrentExecutions": 5}
    assert lam.call("GetFunctionConcurrency", FunctionName=name)[
        "ReservedConcurrentExecutions"] == 5
    settings = lam.call("GetAccountSettings")
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] <= 995
    expect_error("InvalidParameterValueException", "PutFunctionConcurrency", FunctionName=name,
                 ReservedConcurrentExecutions=950)
    lam.call("DeleteFunctionConcurrency", FunctionName=name)
    assert lam.call("GetFunctionConcurrency", FunctionName=name) == {}


def test_tags(lam: LambdaHarness) -> None:
    name = lam.create(SIMPLE)
    arn = lam.call("GetFunctionConfiguration", FunctionName=name)["FunctionArn"]
    lam.call("TagResource", Resource=arn, Tags={"a": "1", "b": "2"})
    lam.call("UntagResource", Resource=arn, TagKeys=["a"])
    assert lam.call("ListTags", Resource=arn) == {"Tags": {"b": "2"}}


def test_layer_versions(lam: LambdaHarness, expect_error) -> None:
    directory = lam.code_dir({"python/thing.py": "X = 1\n"})
    content = {"S3Bucket": "hot-reload", "S3Key": str(directory)}
    first = lam.call("PublishLayerVersion", LayerName="tools", Content=content,
                     CompatibleRuntimes=["python3.11"])
    second = lam.call("PublishLayerVersion", LayerName="tools", Content=content,
                      Description="second")
    assert (first["Version"], second["Version"]) == (1, 2)
    assert second["LayerVersionArn"] == second["LayerArn"] + ":2"
    got = lam.call("GetLayerVersionByArn", Arn=first["LayerVersionArn"])
    assert got["CompatibleRuntimes"] == ["python3.11"]
    assert lam.call("GetLayerVersion", LayerName="tools", VersionNumber=2)["Description"] \
        == "second"
    versions = lam.call("ListLayerVersions", LayerName="tools")["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1]
    layers = lam.call("ListLayers", CompatibleRuntime="python3.11")["Layers"]
    latest = {(layer["LayerName"], layer["LatestMatchingVersion"]["Version"])
              for layer in layers}
    assert ("tools", 1) in latest
    lam.call("DeleteLayerVersion", LayerName="tools", VersionNumber=2)
    expect_error("ResourceNotFoundException", "GetLayerVersion", LayerName="tools",
                 VersionNumber=2)
    third = lam.call("PublishLayerVersion", LayerName="tools", Content=content)
    assert third["Version"] == 3  # versions are never reused
    expect_error("InvalidParameterValueException", "UpdateFunctionConfiguration",
                 FunctionName=lam.create(SIMPLE), Layers=[second["LayerVersionArn"]])


def test_functions_survive_a_restart_and_stop_ends_environments(lam: LambdaHarness) -> None:
    name = lam.create("import os\ndef handler(e, c):\n    return os.getpid()\n",
                      Tags={"k": "v"})
    restarted = lam.new_provider()
    try:
        dispatcher = Dispatcher([restarted], region="us-east-1", account_id="000000000000",
                                ids=lam.ids)
        got = lam.run(dispatcher.call("lambda", "GetFunction", {"FunctionName": name}))
        assert got["Tags"] == {"k": "v"}
        result = lam.run(dispatcher.call("lambda", "Invoke", {"FunctionName": name}))
        pid = json.loads(result["Payload"])
    finally:
        lam.run(restarted.stop())
    assert not Path(f"/proc/{pid}").exists()


def test_logs_reach_cloudwatch_with_start_end_report(lam: LambdaHarness) -> None:
    name = lam.create("""
        import logging
        print("module init")
        logger = logging.getLogger()
        def handler(e, c):
            print("inside handler")
            logger.warning("careful")
            return 1
    """)
    lam.invoke(name)
    lam.invoke(name)
    lam.run(lam.provider.logs.flush())
    group = f"/aws/lambda/{name}"
    calls = [(op, params) for service, op, params in lam.client.calls
             if service == "logs" and params.get("logGroupName") == group]
    assert [op for op, _ in calls].count("CreateLogGroup") == 1
    assert [op for op, _ in calls].count("CreateLogStream") == 1
    stream = next(params["logStreamName"] for op, params in calls if op == "CreateLogStream")
    assert stream.split("/[")[1].startswith("$LATEST]") and len(stream.split("]")[1]) == 32
    messages = lam.client.log_messages(stream)
    starts = [m for m in messages if m.startswith("START RequestId: ")]
    reports = [m for m in messages if m.startswith("REPORT RequestId: ")]
    assert len(starts) == 2 and len(reports) == 2
    assert starts[0].endswith(" Version: $LATEST")
    assert messages[0] == "module init"
    assert "inside handler" in messages
    assert any(m.startswith("[WARNING]\t") and m.endswith("\tcareful") for m in messages)
    assert "Init Duration: " in reports[0] and "Init Duration" not in reports[1]
    for part in ("Duration: ", "Billed Duration: ", "Memory Size: 128 MB", "Max Memory Used: "):
        assert part in reports[0]
    ends = [m for m in messages if m.startswith("END RequestId: ")]
    assert len(ends) == 2
    assert messages.index(ends[0]) < messages.index(reports[0])
