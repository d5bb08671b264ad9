"""Published versions and aliases: snapshots that keep running their own code."""

from __future__ import annotations

import json

from tests.lambda_.conftest import ROLE, LambdaHarness, zip_bytes


def _code(value: str) -> bytes:
    return zip_bytes({"app.py": f"def handler(e, c):\n    return [{value!r}, c.function_version,"
                                f" c.invoked_function_arn]\n"})


def test_publish_invoke_and_alias(lam: LambdaHarness, expect_error) -> None:
    name = lam.unique()
    created = lam.call("CreateFunction", FunctionName=name, Runtime="python3.11", Role=ROLE,
                       Handler="app.handler", Code={"ZipFile": _code("one")}, Publish=True)
    assert created["Version"] == "1"
    assert created["FunctionArn"].endswith(f":function:{name}:1")
    assert lam.call("PublishVersion", FunctionName=name)["Version"] == "1"  # unchanged
    lam.call("UpdateFunctionCode", FunctionName=name, ZipFile=_code("two"))
    assert lam.call("PublishVersion", FunctionName=name, Description="v2")["Version"] == "2"
    lam.call("UpdateFunctionCode", FunctionName=name, ZipFile=_code("three"))

    v1 = lam.call("Invoke", FunctionName=name, Qualifier="1", Payload=b"{}")
    assert v1["ExecutedVersion"] == "1"
    assert json.loads(v1["Payload"])[:2] == ["one", "1"]
    assert json.loads(lam.invoke(name)["Payload"])[:2] == ["three", "$LATEST"]

    alias = lam.call("CreateAlias", FunctionName=name, Name="live", FunctionVersion="2")
    assert alias["AliasArn"].endswith(f":function:{name}:live")
    live = lam.call("Invoke", FunctionName=f"{name}:live", Payload=b"{}")
    assert live["ExecutedVersion"] == "2"
    value, version, invoked_arn = json.loads(live["Payload"])
    assert (value, version) == ("two", "2") and invoked_arn.endswith(":live")
    expect_error("ResourceConflictException", "DeleteFunction", FunctionName=name,
                 Qualifier="2")
    lam.call("UpdateAlias", FunctionName=name, Name="live", FunctionVersion="1")
    assert lam.call("GetAlias", FunctionName=name, Name="live")["FunctionVersion"] == "1"
    assert [a["Name"] for a in lam.call("ListAliases", FunctionName=name)["Aliases"]] == ["live"]
    versions = lam.call("ListVersionsByFunction", FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    lam.call("DeleteFunction", FunctionName=name, Qualifier="2")
    expect_error("ResourceNotFoundException", "Invoke", FunctionName=name, Qualifier="2",
                 Payload=b"{}")
    expect_error("ResourceNotFoundException", "CreateAlias", FunctionName=name, Name="x",
                 FunctionVersion="9")
    lam.call("DeleteAlias", FunctionName=name, Name="live")
    expect_error("ResourceNotFoundException", "GetAlias", FunctionName=name, Name="live")
    lam.call("DeleteFunction", FunctionName=name)
    expect_error("ResourceNotFoundException", "GetFunction", FunctionName=name)


def test_alias_routing_weights_and_list_all_versions(lam: LambdaHarness) -> None:
    name = lam.unique()
    lam.call("CreateFunction", FunctionName=name, Runtime="python3.11", Role=ROLE,
             Handler="app.handler", Code={"ZipFile": _code("one")}, Publish=True)
    lam.call("UpdateFunctionCode", FunctionName=name, ZipFile=_code("two"), Publish=True)
    lam.call("CreateAlias", FunctionName=name, Name="canary", FunctionVersion="1",
             RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
    result = lam.call("Invoke", FunctionName=name, Qualifier="canary", Payload=b"{}")
    assert result["ExecutedVersion"] == "2"
    listed = lam.call("ListFunctions", FunctionVersion="ALL", MaxItems=10000)["Functions"]
    assert {f["Version"] for f in listed if f["FunctionName"] == name} == {"$LATEST", "1", "2"}
