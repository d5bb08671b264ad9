"""validate() reports every problem at once, each with its resource and property path."""

from __future__ import annotations

from pathlib import Path

from fogbank.templates import validate

SAM_APP = Path(__file__).parent / "sam_app"

BROKEN = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/missing
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE: !Ref NoSuchTable
  LoopA:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !GetAtt LoopB.TopicName
  LoopB:
    Type: AWS::SNS::Topic
    DependsOn: [LoopA, Ghost]
    Properties:
      TopicName: loop-b
  Queue:
    Type: AWS::SQS::Queue
    Condition: NotDefined
    Properties:
      VisibilityTimeout: [30]
Outputs:
  Url:
    Value: !Sub "https://${NoSuchApi}.example.com"
"""


def test_good_template_has_no_problems() -> None:
    assert validate(SAM_APP) == []
    assert validate(SAM_APP, {"Stage": "prod"}) == []


def test_every_problem_is_reported_with_its_location(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(BROKEN)
    problems = validate(tmp_path, {"Stage": "test", "Extra": "x"})
    located = {(p.logical_id, p.path) for p in problems}
    text = "\n".join(str(p) for p in problems)
    assert ("HelloFunction", "Resources.HelloFunction.Properties.CodeUri") in located, text
    assert ("HelloFunction",
            "Resources.HelloFunction.Properties.Environment.Variables.TABLE") in located, text
    assert any("Circular dependency" in p.message and p.logical_id in ("LoopA", "LoopB")
               for p in problems), text
    assert ("LoopB", "Resources.LoopB.DependsOn[1]") in located, text
    assert ("Queue", "Resources.Queue.Condition") in located, text
    assert ("Queue", "Resources.Queue.Properties.VisibilityTimeout") in located, text
    assert (None, "Outputs.Url.Value.Fn::Sub") in located, text
    assert any("AllowedValues" in p.message for p in problems), text
    assert any("[Extra] do not exist" in p.message for p in problems), text


def test_malformed_yaml_is_one_problem_with_a_line(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("Resources:\n  A: [\n")
    (problem,) = validate(tmp_path)
    assert "line" in problem.message


def test_sam_translator_errors_are_collected_per_resource(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  One:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: code, Handler: a.b, Runtime: python3.12,"
        " Events: {E: {Type: NoSuchEvent}}}\n"
        "  Two:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: [not, a, string]}\n")
    problems = validate(tmp_path)
    ids = {p.logical_id for p in problems}
    assert {"One", "Two"} <= ids, problems
    assert all(p.message.startswith("SAM:") for p in problems if p.logical_id in ("One", "Two"))


def test_missing_parameter_values_are_reported(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Parameters:\n  Name: {Type: String}\n  Size: {Type: Number, Default: abc}\n"
        "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref Name}\n")
    messages = [p.message for p in validate(tmp_path)]
    assert "Parameters: [Name] must have values" in messages
    assert any("must be a number" in m for m in messages)
