"""Input, InputPath and InputTransformer, with the examples of the EventBridge user guide
("Amazon EventBridge input transformation")."""

from __future__ import annotations

import json

import pytest

from fogbank.services.events.transform import TransformError, check_transformer, render_input

EVENT = {
    "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
    "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 3,
               "tags": {"a": 1}, "list": ["x", "y"]},
}
CONTEXT = {"rule-arn": "arn:aws:events:us-east-1:1:rule/r", "rule-name": "r",
           "event.ingestion-time": "2015-11-11T21:29:55Z"}


def transform(paths, template):
    target = {"InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}
    return render_input(target, EVENT, CONTEXT)


def test_whole_event_constant_input_and_input_path():
    assert json.loads(render_input({}, EVENT, CONTEXT)) == EVENT
    assert render_input({"Input": '{"fixed": true}'}, EVENT, CONTEXT) == '{"fixed": true}'
    assert json.loads(render_input({"InputPath": "$.detail"}, EVENT, CONTEXT)) == EVENT["detail"]
    assert render_input({"InputPath": "$.detail.list[1]"}, EVENT, CONTEXT) == '"y"'


def test_json_template_quotes_strings_outside_and_inlines_inside_quotes():
    out = transform({"instance": "$.detail.instance-id", "state": "$.detail.state",
                     "count": "$.detail.count", "tags": "$.detail.tags"},
                    '{"instance": <instance>, "msg": "<instance> is <state>", "n": <count>,'
                    ' "tags": <tags>}')
    assert json.loads(out) == {"instance": "i-0123456789", "msg": "i-0123456789 is RUNNING",
                               "n": 3, "tags": {"a": 1}}


def test_string_template():
    out = transform({"instance": "$.detail.instance-id", "state": "$.detail.state"},
                    '"instance <instance> is in <state>"')
    assert json.loads(out) == "instance i-0123456789 is in RUNNING"
    plain = transform({"state": "$.detail.state"}, "state: <state>")
    assert plain == "state: RUNNING"


def test_predefined_variables():
    out = transform({}, '{"rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>,'
                        ' "at": "<aws.events.event.ingestion-time>", "event": <aws.events.event>}')
    parsed = json.loads(out)
    assert parsed["rule"] == "r" and parsed["arn"] == CONTEXT["rule-arn"]
    assert parsed["at"] == "2015-11-11T21:29:55Z" and parsed["event"] == EVENT
    as_json = json.loads(transform({}, '{"raw": "<aws.events.event.json>"}'))
    assert json.loads(as_json["raw"]) == EVENT


def test_missing_paths_and_unknown_placeholders():
    out = transform({"nope": "$.detail.missing"}, '{"a": <nope>, "b": "<nope>", "c": "<other>"}')
    assert json.loads(out) == {"a": None, "b": "", "c": "<other>"}


@pytest.mark.parametrize("transformer", [
    {"InputPathsMap": {"aws.events.rule-arn": "$.id"}, "InputTemplate": "x"},
    {"InputPathsMap": {"a": "detail"}, "InputTemplate": "x"},
    {"InputPathsMap": {}},
])
def test_invalid_transformers(transformer):
    with pytest.raises(TransformError):
        check_transformer(transformer)
