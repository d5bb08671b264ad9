"""Parameter history, labels, the 100-version limit, tags and durability."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.ssm.test_parameters import error_of


def test_history_and_labels(ssm: Any) -> None:
    ssm.put_parameter(Name="/p", Value="v1", Type="String", Description="first")
    ssm.put_parameter(Name="/p", Value="v2", Overwrite=True)
    ssm.put_parameter(Name="/p", Value="v3", Overwrite=True)
    out = ssm.label_parameter_version(Name="/p", ParameterVersion=1,
                                      Labels=["prod", "1bad", "awsx", "Good.Label-1"])
    assert out["InvalidLabels"] == ["1bad", "awsx"] and out["ParameterVersion"] == 1
    assert ssm.get_parameter(Name="/p:prod")["Parameter"]["Value"] == "v1"
    # A label moves to the version it is put on.
    assert ssm.label_parameter_version(Name="/p", Labels=["prod"])["ParameterVersion"] == 3
    assert ssm.get_parameter(Name="/p:prod")["Parameter"]["Value"] == "v3"
    history = ssm.get_parameter_history(Name="/p")["Parameters"]
    assert [(h["Version"], h["Value"], h["Labels"]) for h in history] == [
        (1, "v1", ["Good.Label-1"]), (2, "v2", []), (3, "v3", ["prod"])]
    assert history[2]["Description"] == "first"
    err = error_of(ssm.get_parameter, Name="/p:staging")
    assert err["Code"] == "ParameterVersionNotFound"
    out = ssm.unlabel_parameter_version(Name="/p", ParameterVersion=3, Labels=["prod", "nope"])
    assert (out["RemovedLabels"], out["InvalidLabels"]) == (["prod"], ["nope"])
    err = error_of(ssm.label_parameter_version, Name="/p", ParameterVersion=9, Labels=["x"])
    assert err["Code"] == "ParameterVersionNotFound"
    ssm.label_parameter_version(Name="/p", ParameterVersion=2,
                                Labels=[f"l{i}" for i in range(10)])
    err = error_of(ssm.label_parameter_version, Name="/p", ParameterVersion=2, Labels=["l10"])
    assert err["Code"] == "ParameterVersionLabelLimitExceeded"
    pages = ssm.get_paginator("get_parameter_history").paginate(
        Name="/p", PaginationConfig={"PageSize": 2})
    assert [len(page["Parameters"]) for page in pages] == [2, 1]
    err = error_of(ssm.get_parameter_history, Name="/missing")
    assert (err["Code"], err["Message"]) == ("ParameterNotFound", "Parameter /missing not found.")


def test_hundred_versions_drop_the_oldest(ssm: Any) -> None:
    ssm.put_parameter(Name="v", Value="0", Type="String")
    for index in range(1, 101):
        ssm.put_parameter(Name="v", Value=str(index), Overwrite=True)
    pages = ssm.get_paginator("get_parameter_history").paginate(Name="v")
    versions = [h["Version"] for page in pages for h in page["Parameters"]]
    assert versions == list(range(2, 102))
    ssm.label_parameter_version(Name="v", ParameterVersion=2, Labels=["keep"])
    err = error_of(ssm.put_parameter, Name="v", Value="x", Overwrite=True)
    assert err["Code"] == "ParameterMaxVersionLimitExceeded"
    assert "Version 2, the oldest version, can't be deleted" in err["Message"]


def test_tags(ssm: Any) -> None:
    ssm.put_parameter(Name="t", Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="t",
                             Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="t")["TagList"]
    assert tags == [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="t", TagKeys=["a"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter",
                                      ResourceId="t")["TagList"] == [{"Key": "b", "Value": "2"}]
    err = error_of(ssm.list_tags_for_resource, ResourceType="Parameter", ResourceId="none")
    assert (err["Code"], err["Message"]) == ("InvalidResourceId", "Invalid Resource Id")
    err = error_of(ssm.list_tags_for_resource, ResourceType="Document", ResourceId="t")
    assert err["Code"] == "InvalidResourceType"


def test_delete_parameters(ssm: Any) -> None:
    ssm.put_parameter(Name="a", Value="v", Type="String")
    ssm.put_parameter(Name="b", Value="v", Type="String")
    out = ssm.delete_parameters(Names=["a", "zz", "b"])
    assert (out["DeletedParameters"], out["InvalidParameters"]) == (["a", "b"], ["zz"])
    err = error_of(ssm.delete_parameter, Name="a")
    assert (err["Code"], err["Message"]) == ("ParameterNotFound", "Parameter a not found.")


def test_parameters_survive_a_restart(make_cloud: Callable[[], Any]) -> None:
    first = make_cloud()
    first.ssm.put_parameter(Name="/keep", Value="v1", Type="SecureString",
                            Tags=[{"Key": "k", "Value": "v"}])
    first.ssm.put_parameter(Name="/keep", Value="v2", Overwrite=True)
    second = make_cloud()
    got = second.ssm.get_parameter(Name="/keep", WithDecryption=True)["Parameter"]
    assert (got["Value"], got["Version"], got["Type"]) == ("v2", 2, "SecureString")
    assert second.ssm.list_tags_for_resource(ResourceType="Parameter",
                                             ResourceId="/keep")["TagList"] == [
        {"Key": "k", "Value": "v"}]
