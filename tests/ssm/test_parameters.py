"""Parameter Store through botocore's own serializer and parser (JSON protocol)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fogbank.core.clock import ManualClock


def error_of(call: Callable[..., Any], **params: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]  # type: ignore[no-any-return]


def test_put_get_overwrite_and_versions(ssm: Any, clock: ManualClock) -> None:
    assert ssm.put_parameter(Name="/app/url", Value="one", Type="String")["Version"] == 1
    err = error_of(ssm.put_parameter, Name="/app/url", Value="two", Type="String")
    assert err["Code"] == "ParameterAlreadyExists"
    assert err["Message"] == ("The parameter already exists. To overwrite this value, set the"
                              " overwrite option in the request to true.")
    clock.advance(60)
    out = ssm.put_parameter(Name="/app/url", Value="two", Overwrite=True)
    assert out == {"Version": 2, "Tier": "Standard", "ResponseMetadata": out["ResponseMetadata"]}
    got = ssm.get_parameter(Name="/app/url")["Parameter"]
    assert got["Value"] == "two" and got["Type"] == "String" and got["Version"] == 2
    assert got["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/url"
    assert got["DataType"] == "text"
    assert got["LastModifiedDate"].timestamp() == clock.now()
    assert ssm.get_parameter(Name="/app/url:1")["Parameter"]["Value"] == "one"
    assert ssm.get_parameter(Name="/app/url:1")["Parameter"]["Selector"] == ":1"
    err = error_of(ssm.get_parameter, Name="/app/url:7")
    assert err["Code"] == "ParameterVersionNotFound"
    assert err["Message"] == ("Systems Manager could not find version 7 of /app/url. Verify"
                              " the version and try again.")
    err = error_of(ssm.get_parameter, Name="/nope")
    assert (err["Code"], err["Message"]) == ("ParameterNotFound", "Parameter /nope not found.")


def test_type_is_required_when_creating(ssm: Any) -> None:
    err = error_of(ssm.put_parameter, Name="p", Value="v")
    assert err == {"Code": "ValidationException", "Message":
                   "A parameter type is required when you create a parameter."}
    err = error_of(ssm.put_parameter, Name="p", Value="v", Type="Text")
    assert err["Message"].startswith("1 validation error detected: Value 'Text' at 'type'")


@pytest.mark.parametrize(("name", "code"), [
    ("bad name", "ValidationException"),
    ("a/b", "ValidationException"),
    ("/a//b", "ValidationException"),
    ("ssm-thing", "ValidationException"),
    ("/SSM/x", "ValidationException"),
    ("aws-thing", "AccessDeniedException"),
    ("/aws/service/x", "AccessDeniedException"),
    ("/" + "/".join(["l"] * 16), "HierarchyLevelLimitExceededException"),
])
def test_name_rules(ssm: Any, name: str, code: str) -> None:
    err = error_of(ssm.put_parameter, Name=name, Value="v", Type="String")
    assert err["Code"] == code
    if name == "aws-thing":
        assert err["Message"] == "No access to reserved parameter name: aws-thing."


def test_fifteen_levels_are_allowed(ssm: Any) -> None:
    name = "/" + "/".join(["l"] * 15)
    assert ssm.put_parameter(Name=name, Value="v", Type="String")["Version"] == 1


def test_top_level_names_ignore_a_leading_slash(ssm: Any) -> None:
    ssm.put_parameter(Name="/with-slash", Value="v", Type="String")
    arn = ssm.get_parameter(Name="with-slash")["Parameter"]["ARN"]
    assert arn == "arn:aws:ssm:us-east-1:000000000000:parameter/with-slash"
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="with-slash",
                             Tags=[{"Key": "k", "Value": "v"}])
    assert ssm.list_tags_for_resource(ResourceType="Parameter",
                                      ResourceId="/with-slash")["TagList"] == [
        {"Key": "k", "Value": "v"}]
    ssm.delete_parameter(Name="with-slash")
    assert ssm.get_parameters(Names=["/with-slash"])["InvalidParameters"] == ["/with-slash"]


def test_tags_and_overwrite_cannot_be_combined(ssm: Any) -> None:
    err = error_of(ssm.put_parameter, Name="t", Value="v", Type="String", Overwrite=True,
                   Tags=[{"Key": "a", "Value": "b"}])
    assert err["Message"].startswith("Invalid request: tags and overwrite can't be used")


def test_securestring_values(ssm: Any) -> None:
    ssm.put_parameter(Name="/db/pw", Value="hunter2", Type="SecureString")
    ssm.put_parameter(Name="/db/pw2", Value="x", Type="SecureString", KeyId="alias/mine")
    plain = ssm.get_parameter(Name="/db/pw", WithDecryption=True)["Parameter"]["Value"]
    assert plain == "hunter2"
    hidden = ssm.get_parameter(Name="/db/pw")["Parameter"]["Value"]
    assert hidden != "hunter2" and base64.b64decode(hidden)
    described = {p["Name"]: p for p in ssm.describe_parameters()["Parameters"]}
    assert described["/db/pw"]["KeyId"] == "alias/aws/ssm"
    assert described["/db/pw2"]["KeyId"] == "alias/mine"
    ssm.put_parameter(Name="/s", Value="x", Type="String", KeyId="k")
    assert "KeyId" not in ssm.describe_parameters(ParameterFilters=[
        {"Key": "Name", "Values": ["/s"]}])["Parameters"][0]
    by_path = ssm.get_parameters_by_path(Path="/db", WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in by_path] == ["hunter2", "x"]


def test_tiers_and_value_sizes(ssm: Any) -> None:
    err = error_of(ssm.put_parameter, Name="big", Value="x" * 4097, Type="String")
    assert err["Message"].startswith("Standard tier parameters support a maximum parameter"
                                     " value of 4096 characters.")
    assert ssm.put_parameter(Name="big", Value="x" * 8192, Type="String",
                             Tier="Advanced")["Tier"] == "Advanced"
    err = error_of(ssm.put_parameter, Name="big2", Value="x" * 8193, Type="String",
                   Tier="Advanced")
    assert err["Code"] == "ValidationException"
    err = error_of(ssm.put_parameter, Name="big", Value="y", Overwrite=True, Tier="Standard")
    assert "can't downgrade a parameter from the advanced-parameter tier" in err["Message"]
    assert ssm.put_parameter(Name="big", Value="y", Overwrite=True)["Tier"] == "Advanced"
    assert ssm.put_parameter(Name="auto", Value="x" * 5000, Type="String",
                             Tier="Intelligent-Tiering")["Tier"] == "Advanced"


def test_allowed_pattern_and_data_type(ssm: Any) -> None:
    ssm.put_parameter(Name="n", Value="123", Type="String", AllowedPattern=r"^\d+$")
    err = error_of(ssm.put_parameter, Name="n", Value="abc", Overwrite=True)
    assert err == {"Code": "ParameterPatternMismatchException", "Message":
                   r"Parameter value, cannot be validated against allowedPattern: ^\d+$"}
    err = error_of(ssm.put_parameter, Name="d", Value="v", Type="String", DataType="Text")
    assert err["Message"] == ("The following data type is not supported: Text (Data type"
                              " names are all lowercase.)")
    ssm.put_parameter(Name="ami", Value="ami-12345678", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="ami")["Parameter"]["DataType"] == "aws:ec2:image"


def test_get_parameters_reports_invalid_names(ssm: Any) -> None:
    ssm.put_parameter(Name="a", Value="1", Type="String")
    out = ssm.get_parameters(Names=["a", "missing", "a:5", "a"])
    assert [p["Name"] for p in out["Parameters"]] == ["a"]
    assert out["InvalidParameters"] == ["missing", "a:5"]
    err = error_of(ssm.get_parameters, Names=[f"n{i}" for i in range(11)])
    assert err["Code"] == "ValidationException"


def test_get_parameters_by_path(ssm: Any) -> None:
    for name in ("/app/a", "/app/b", "/app/sub/c", "/app/sub/deep/d", "/other/x", "top"):
        ssm.put_parameter(Name=name, Value=name, Type="String")
    ssm.put_parameter(Name="/app/s", Value="s", Type="SecureString")
    one_level = ssm.get_parameters_by_path(Path="/app")["Parameters"]
    assert [p["Name"] for p in one_level] == ["/app/a", "/app/b", "/app/s"]
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/app", Recursive=True, PaginationConfig={"PageSize": 2})
    names = [p["Name"] for page in pages for p in page["Parameters"]]
    assert names == ["/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deep/d"]
    typed = ssm.get_parameters_by_path(Path="/app", Recursive=True, ParameterFilters=[
        {"Key": "Type", "Values": ["SecureString"]}])["Parameters"]
    assert [p["Name"] for p in typed] == ["/app/s"]
    assert [p["Name"] for p in ssm.get_parameters_by_path(Path="/")["Parameters"]] == ["top"]
    err = error_of(ssm.get_parameters_by_path, Path="/app", ParameterFilters=[
        {"Key": "Name", "Values": ["x"]}])
    assert err["Code"] == "InvalidFilterKey"
    err = error_of(ssm.get_parameters_by_path, Path="app")
    assert err["Code"] == "ValidationException"
    err = error_of(ssm.get_parameters_by_path, Path="/app", MaxResults=11)
    assert err["Code"] == "ValidationException"


def test_describe_parameters_filters_and_pages(ssm: Any) -> None:
    for index in range(7):
        ssm.put_parameter(Name=f"/svc/p{index}", Value="v", Type="String")
    ssm.put_parameter(Name="/svc/deep/x", Value="v", Type="StringList",
                      Tags=[{"Key": "env", "Value": "prod"}], Description="the x")
    pages = list(ssm.get_paginator("describe_parameters").paginate(
        PaginationConfig={"PageSize": 3}))
    assert len(pages) == 3
    assert sum(len(page["Parameters"]) for page in pages) == 8

    def names(**params: Any) -> list[str]:
        return [p["Name"] for p in ssm.describe_parameters(**params)["Parameters"]]

    assert names(ParameterFilters=[{"Key": "Path", "Values": ["/svc/deep"]}]) == ["/svc/deep/x"]
    assert len(names(ParameterFilters=[{"Key": "Path", "Values": ["/svc"]}])) == 7
    assert len(names(ParameterFilters=[{"Key": "Path", "Option": "Recursive",
                                        "Values": ["/svc"]}])) == 8
    assert names(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith",
                                    "Values": ["svc/p1"]}]) == ["/svc/p1"]
    assert names(ParameterFilters=[{"Key": "Name", "Option": "Contains",
                                    "Values": ["deep"]}]) == ["/svc/deep/x"]
    assert names(ParameterFilters=[{"Key": "tag:env"}]) == ["/svc/deep/x"]
    assert names(ParameterFilters=[{"Key": "tag:env", "Values": ["dev"]}]) == []
    assert names(ParameterFilters=[{"Key": "Type", "Values": ["StringList"]}]) == [
        "/svc/deep/x"]
    assert names(Filters=[{"Key": "Name", "Values": ["/svc/p6"]}]) == ["/svc/p6"]
    described = ssm.describe_parameters(ParameterFilters=[
        {"Key": "Name", "Values": ["/svc/deep/x"]}])["Parameters"][0]
    assert described["Description"] == "the x" and described["Tier"] == "Standard"
    err = error_of(ssm.describe_parameters, Filters=[{"Key": "Name", "Values": ["a"]}],
                   ParameterFilters=[{"Key": "Name", "Values": ["a"]}])
    assert err["Message"] == "You can use either Filters or ParameterFilters in a single request."
    err = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Label", "Values": ["a"]}])
    assert err["Code"] == "InvalidFilterKey"
    err = error_of(ssm.describe_parameters, ParameterFilters=[
        {"Key": "Path", "Option": "Contains", "Values": ["/a"]}])
    assert err["Code"] == "InvalidFilterOption"
    err = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Tier",
                                                               "Values": ["Gold"]}])
    assert err["Code"] == "InvalidFilterValue"


@pytest.mark.parametrize(("filters", "message"), [
    ([{"Key": "tag:" + "t" * 129}], "Member must have length less than or equal to 132"),
    ([{"Key": "Name", "Values": ["t" * 1025]}],
     "Member must have length less than or equal to 1024"),
    ([{"Key": "Name", "Option": "over 10 chars"}, {"Key": "key"}],
     "2 validation errors detected:"),
    ([{"Key": "Name"}], "The following filter values are missing : null for filter key Name"),
    ([{"Key": "Name", "Values": ["a"]}, {"Key": "Name", "Values": ["b"]}],
     "The following filter is duplicated in the request: Name."),
    ([{"Key": "Path", "Values": ["/aws"]}],
     "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\""),
    ([{"Key": "Path", "Values": ["test"]}],
     "The parameter doesn't meet the parameter name requirements."),
    ([{"Key": "Path", "Values": ["/###"]}],
     "The parameter doesn't meet the parameter name requirements."),
    ([{"Key": "Path", "Option": "Equals", "Values": ["/a"]}],
     "Valid options include: [Recursive, OneLevel]."),
])
def test_describe_parameter_filter_errors(ssm: Any, filters: list[dict[str, Any]],
                                          message: str) -> None:
    assert message in error_of(ssm.describe_parameters, ParameterFilters=filters)["Message"]


def test_reserved_prefix_messages(ssm: Any) -> None:
    err = error_of(ssm.put_parameter, Name="SSM_TEST", Value="v", Type="String")
    assert err["Message"] == ("Parameter name: can't be prefixed with \"aws\" or \"ssm\""
                              " (case-insensitive).")
    err = error_of(ssm.put_parameter, Name="/ssm/path", Value="v", Type="String")
    assert err["Message"].startswith("Parameter name: can't be prefixed with \"ssm\"")
    err = error_of(ssm.put_parameter, Name="e", Value="", Type="String")
    assert err["Message"] == ("1 validation error detected: Value '' at 'value' failed to"
                              " satisfy constraint: Member must have length greater than or"
                              " equal to 1.")


def test_long_labels_are_rejected(ssm: Any) -> None:
    ssm.put_parameter(Name="l", Value="v", Type="String")
    err = error_of(ssm.label_parameter_version, Name="l", Labels=["a" * 101])
    assert err["Code"] == "ValidationException"
    out = ssm.label_parameter_version(Name="l", Labels=["ssmabc", "abc/123", "ok"])
    assert out["InvalidLabels"] == ["ssmabc", "abc/123"]
