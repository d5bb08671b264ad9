"""Every CloudFormation short tag becomes its long form; dates stay strings."""

from __future__ import annotations

import pytest

from fogbank.templates import TemplateError, parse_template_text

TEMPLATE = """
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Thing:
    Type: AWS::Test::Thing
    Properties:
      Ref: !Ref Param
      SubScalar: !Sub "${AWS::Region}-x"
      SubList: !Sub ["${A}-y", {A: !Ref Param}]
      GetAttDotted: !GetAtt Fn.Arn
      GetAttNested: !GetAtt Api.RootResource.Id
      GetAttList: !GetAtt [Fn, Arn]
      Join: !Join [",", [a, b]]
      Select: !Select [0, !Split [",", "a,b"]]
      If: !If [Cond, yes-value, !Ref AWS::NoValue]
      Equals: !Equals [a, b]
      And: !And [!Condition C1, !Not [!Condition C2]]
      Or: !Or [!Equals [a, a], !Condition C1]
      Map: !FindInMap [M, K1, K2]
      Azs: !GetAZs ""
      B64: !Base64 hello
      Import: !ImportValue shared-export
      Cidr: !Cidr ["10.0.0.0/16", 4, 8]
      Transform: !Transform {Name: "AWS::Include", Parameters: {Location: s3://b/k}}
      Date: 2012-10-17
"""


def test_every_short_tag_becomes_long_form() -> None:
    template = parse_template_text(TEMPLATE)
    props = template["Resources"]["Thing"]["Properties"]
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert props["Ref"] == {"Ref": "Param"}
    assert props["SubScalar"] == {"Fn::Sub": "${AWS::Region}-x"}
    assert props["SubList"] == {"Fn::Sub": ["${A}-y", {"A": {"Ref": "Param"}}]}
    assert props["GetAttDotted"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert props["GetAttNested"] == {"Fn::GetAtt": ["Api", "RootResource.Id"]}
    assert props["GetAttList"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert props["Join"] == {"Fn::Join": [",", ["a", "b"]]}
    assert props["Select"] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
    assert props["If"] == {"Fn::If": ["Cond", "yes-value", {"Ref": "AWS::NoValue"}]}
    assert props["Equals"] == {"Fn::Equals": ["a", "b"]}
    assert props["And"] == {"Fn::And": [{"Condition": "C1"}, {"Fn::Not": [{"Condition": "C2"}]}]}
    assert props["Or"] == {"Fn::Or": [{"Fn::Equals": ["a", "a"]}, {"Condition": "C1"}]}
    assert props["Map"] == {"Fn::FindInMap": ["M", "K1", "K2"]}
    assert props["Azs"] == {"Fn::GetAZs": ""}
    assert props["B64"] == {"Fn::Base64": "hello"}
    assert props["Import"] == {"Fn::ImportValue": "shared-export"}
    assert props["Cidr"] == {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}
    assert props["Transform"] == {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}}
    assert props["Date"] == "2012-10-17"


def test_json_templates_parse() -> None:
    template = parse_template_text('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}')
    assert template["Resources"]["A"]["Type"] == "AWS::SNS::Topic"


def test_malformed_yaml_reports_the_line() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template_text("Resources:\n  A:\n    Type: [unclosed\n  B: x\n")
    message = caught.value.problems[0].message
    assert "not valid YAML" in message and "line" in message


def test_malformed_json_reports_the_line() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template_text('{\n "Resources": {,}\n}')
    assert "line 2" in caught.value.problems[0].message


def test_a_template_must_be_a_mapping() -> None:
    with pytest.raises(TemplateError):
        parse_template_text("- just\n- a list\n")


def test_duplicate_keys_are_rejected_with_their_line() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template_text("Resources:\n  A: {Type: X}\n  A: {Type: Y}\n")
    message = caught.value.problems[0].message
    assert "duplicate key 'A'" in message and "line 3" in message
