"""Every intrinsic function and condition, resolved in an injected scope (no services)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from fogbank.services.cloudformation.engine import Intrinsics, Scope
from fogbank.services.cloudformation.engine.errors import IntrinsicError

RESOURCES = {"Fn": "my-function", "Api": "abc123"}
ATTRIBUTES = {("Fn", "Arn"): "arn:aws:lambda:us-east-1:000000000000:function:my-function",
              ("Api", "RootResourceId"): "root1", ("Api", "Endpoint.Address"): "api.local"}


def make(**overrides: Any) -> Intrinsics:
    scope = Scope(
        parameters={"Stage": "dev", "Subnets": ["a", "b", "c"], "Size": "3"},
        pseudo={"AWS::Region": "eu-west-1", "AWS::AccountId": "000000000000",
                "AWS::StackName": "demo", "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com", "AWS::NotificationARNs": []},
        mappings={"Regions": {"eu-west-1": {"Ami": "ami-1", "Sizes": ["s", "m"]}}},
        conditions={
            "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
            "IsProd": {"Fn::Not": [{"Condition": "IsDev"}]},
            "DevAndEu": {"Fn::And": [{"Condition": "IsDev"},
                                     {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]},
            "ProdOrEu": {"Fn::Or": [{"Condition": "IsProd"},
                                    {"Fn::Equals": ["eu-west-1", {"Ref": "AWS::Region"}]}]},
            "Loop": {"Condition": "Loop"},
        },
        ref_resource=RESOURCES.__getitem__,
        get_att=lambda lid, attr: ATTRIBUTES[(lid, attr)],
        import_value={"shared-vpc": "vpc-123"}.__getitem__,
        resource_ids=frozenset(RESOURCES),
    )
    for key, value in overrides.items():
        setattr(scope, key, value)
    return Intrinsics(scope)


@pytest.mark.parametrize(("value", "expected"), [
    ({"Ref": "Stage"}, "dev"),
    ({"Ref": "Subnets"}, ["a", "b", "c"]),
    ({"Ref": "Fn"}, "my-function"),
    ({"Ref": "AWS::Region"}, "eu-west-1"),
    ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
    ({"Fn::GetAtt": ["Fn", "Arn"]}, ATTRIBUTES[("Fn", "Arn")]),
    ({"Fn::GetAtt": "Api.Endpoint.Address"}, "api.local"),
    ({"Fn::GetAtt": ["Api", {"Ref": "AttrName"}]}, "root1"),
    ({"Fn::Sub": "${AWS::StackName}-${Stage}-${Fn}"}, "demo-dev-my-function"),
    ({"Fn::Sub": "${Fn.Arn}/x"}, ATTRIBUTES[("Fn", "Arn")] + "/x"),
    ({"Fn::Sub": "${!Literal}-${Stage}"}, "${Literal}-dev"),
    ({"Fn::Sub": ["${A}-${B}", {"A": "x", "B": {"Ref": "Stage"}}]}, "x-dev"),
    ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 3]]}, "a-dev-3"),
    ({"Fn::Join": [",", {"Ref": "Subnets"}]}, "a,b,c"),
    ({"Fn::Select": ["1", {"Ref": "Subnets"}]}, "b"),
    ({"Fn::Split": [",", "x,y,,z"]}, ["x", "y", "", "z"]),
    ({"Fn::Select": [2, {"Fn::Split": ["/", "a/b/c"]}]}, "c"),
    ({"Fn::If": ["IsDev", "small", "large"]}, "small"),
    ({"Fn::If": ["IsProd", "small", "large"]}, "large"),
    ({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}, "ami-1"),
    ({"Fn::FindInMap": ["Regions", "us-east-1", "Ami", {"DefaultValue": "ami-0"}]}, "ami-0"),
    ({"Fn::GetAZs": ""}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    ({"Fn::GetAZs": "us-east-2"}, ["us-east-2a", "us-east-2b", "us-east-2c"]),
    ({"Fn::Base64": "hello"}, base64.b64encode(b"hello").decode()),
    ({"Fn::ImportValue": "shared-vpc"}, "vpc-123"),
    ({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
    ({"Fn::Cidr": ["10.0.0.0/24", "2", "6"]}, ["10.0.0.0/26", "10.0.0.64/26"]),
    ({"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}, json.dumps({"a": "dev"},
                                                                separators=(",", ":"))),
    ({"Fn::Length": {"Ref": "Subnets"}}, 3),
    ({"Fn::Equals": ["a", "a"]}, True),
    ({"Fn::Not": [{"Fn::Equals": ["a", "a"]}]}, False),
    ({"Fn::And": [{"Condition": "IsDev"}, {"Condition": "DevAndEu"}]}, True),
    ({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": [1, "1"]}]}, True),
])
def test_intrinsic(value: Any, expected: Any) -> None:
    resolver = make(parameters={"Stage": "dev", "Subnets": ["a", "b", "c"],
                                "AttrName": "RootResourceId"})
    assert resolver.resolve(value) == expected


def test_no_value_removes_keys_and_list_items() -> None:
    resolver = make()
    value = {"Keep": 1, "Drop": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]},
             "List": ["a", {"Fn::If": ["IsDev", {"Ref": "AWS::NoValue"}, "b"]}, "c"]}
    assert resolver.resolve(value) == {"Keep": 1, "List": ["a", "c"]}


def test_nested_values_resolve_recursively() -> None:
    resolver = make()
    value = {"Env": {"Variables": {"FN": {"Fn::GetAtt": ["Fn", "Arn"]}}}, "Tags": [
        {"Key": "stage", "Value": {"Fn::Sub": "${Stage}"}}]}
    assert resolver.resolve(value) == {
        "Env": {"Variables": {"FN": ATTRIBUTES[("Fn", "Arn")]}},
        "Tags": [{"Key": "stage", "Value": "dev"}]}


def test_conditions_evaluate_and_reference_each_other() -> None:
    resolver = make()
    assert resolver.conditions.value("IsDev") is True
    assert resolver.conditions.value("IsProd") is False
    assert resolver.conditions.value("DevAndEu") is True
    assert resolver.conditions.value("ProdOrEu") is True


@pytest.mark.parametrize(("value", "fragment"), [
    ({"Ref": "Nope"}, "Unresolved resource dependencies [Nope]"),
    ({"Fn::GetAtt": ["Nope", "Arn"]}, "undefined resource Nope"),
    ({"Fn::Sub": "${Nope}"}, "Nope"),
    ({"Fn::Select": [5, ["a"]]}, "index 5"),
    ({"Fn::FindInMap": ["Regions", "x", "y"]}, "cannot find"),
    ({"Fn::ImportValue": "missing"}, "missing"),
    ({"Fn::If": ["Undefined", 1, 2]}, "Condition 'Undefined' is not defined"),
    ({"Fn::If": ["Loop", 1, 2]}, "depends on itself"),
    ({"Fn::Join": ["-", "not-a-list"]}, "list"),
    ({"Fn::Transform": {"Name": "AWS::Include"}}, "not supported"),
    ({"Fn::Cidr": ["not-an-ip", 1, 8]}, "Fn::Cidr"),
])
def test_errors_are_template_errors(value: Any, fragment: str) -> None:
    resolver = make()
    if "missing" in fragment:
        resolver.scope.import_value = None
    with pytest.raises(IntrinsicError) as caught:
        resolver.resolve(value)
    assert fragment in str(caught.value)
