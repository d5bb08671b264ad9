"""Filter policy matching and validation, table-driven, with the examples from the AWS
developer guide ("Amazon SNS subscription filter policies")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fogbank.services.sns.filter_policy import FilterPolicyError, compile_policy


def attrs(**values: Any) -> dict[str, dict[str, str]]:
    """String attributes from str, Number from int/float, String.Array from list."""
    out: dict[str, dict[str, str]] = {}
    for name, value in values.items():
        if isinstance(value, list):
            out[name] = {"DataType": "String.Array", "StringValue": json.dumps(value)}
        elif isinstance(value, (int, float)):
            out[name] = {"DataType": "Number", "StringValue": str(value)}
        elif isinstance(value, bytes):
            out[name] = {"DataType": "Binary", "BinaryValue": "AAA="}
        else:
            out[name] = {"DataType": "String", "StringValue": value}
    return out


ATTRIBUTE_CASES = [
    # exact string
    ({"store": ["example_corp"]}, attrs(store="example_corp"), True),
    ({"store": ["example_corp"]}, attrs(store="Example_Corp"), False),
    ({"store": ["example_corp"]}, attrs(), False),
    ({"customer_interests": ["rugby", "football", "baseball"]},
     attrs(customer_interests="football"), True),
    # String.Array: any element
    ({"customer_interests": ["rugby"]}, attrs(customer_interests=["soccer", "rugby"]), True),
    ({"customer_interests": ["rugby"]}, attrs(customer_interests=["soccer"]), False),
    # String.Array values that are not arrays (AWS accepts them)
    ({"price": [100, 500]}, {"price": {"DataType": "String.Array", "StringValue": "100"}},
     True),
    ({"price": [100]}, {"price": {"DataType": "String.Array",
                                  "StringValue": "one hundred"}}, False),
    # numbers (Number attributes; 5 decimal digits of precision)
    ({"price_usd": [100]}, attrs(price_usd=100.0), True),
    ({"price_usd": [100]}, attrs(price_usd="100"), False),
    ({"price_usd": [{"numeric": ["=", 301.5]}]}, attrs(price_usd=301.5), True),
    ({"price_usd": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price_usd=150), True),
    ({"price_usd": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price_usd=0), False),
    ({"price_usd": [{"numeric": [">=", 10]}]}, attrs(price_usd=10), True),
    ({"price_usd": [{"numeric": ["<", 10]}]}, attrs(price_usd=10), False),
    ({"price_usd": [{"numeric": ["<", 10]}]}, attrs(price_usd="5"), False),
    ({"n": [1.000001]}, attrs(n=1.000004), True),
    ({"n": [{"numeric": [">", 5]}]}, attrs(n=[1, 7]), True),
    # prefix / suffix / equals-ignore-case
    ({"customer_interests": [{"prefix": "bas"}]}, attrs(customer_interests="baseball"), True),
    ({"customer_interests": [{"prefix": "bas"}]}, attrs(customer_interests="rugby"), False),
    ({"customer_interests": [{"suffix": "ball"}]}, attrs(customer_interests="baseball"), True),
    ({"customer_interests": [{"suffix": "ball"}]}, attrs(customer_interests="rugby"), False),
    ({"customer_interests": [{"equals-ignore-case": "tennis"}]},
     attrs(customer_interests="TeNnis"), True),
    # anything-but
    ({"customer_interests": [{"anything-but": ["rugby", "tennis"]}]},
     attrs(customer_interests="baseball"), True),
    ({"customer_interests": [{"anything-but": ["rugby", "tennis"]}]},
     attrs(customer_interests="rugby"), False),
    ({"customer_interests": [{"anything-but": "rugby"}]}, attrs(), False),
    ({"price": [{"anything-but": [100, 500]}]}, attrs(price=100), False),
    ({"price": [{"anything-but": [100, 500]}]}, attrs(price=200), True),
    ({"event": [{"anything-but": {"prefix": "order-"}}]}, attrs(event="order-cancelled"), False),
    ({"event": [{"anything-but": {"prefix": "order-"}}]}, attrs(event="data-entry"), True),
    ({"event": [{"anything-but": {"suffix": "-x"}}]}, attrs(event="a-x"), False),
    ({"event": [{"anything-but": {"equals-ignore-case": ["A", "b"]}}]}, attrs(event="B"),
     False),
    ({"event": [{"anything-but": {"equals-ignore-case": ["A", "b"]}}]}, attrs(event="c"),
     True),
    # exists
    ({"store": [{"exists": True}]}, attrs(store="x"), True),
    ({"store": [{"exists": True}]}, attrs(other="x"), False),
    ({"store": [{"exists": False}]}, attrs(other="x"), True),
    ({"store": [{"exists": False}]}, attrs(store="x"), False),
    # Binary attributes are ignored
    ({"blob": [{"exists": True}]}, attrs(blob=b"\x00"), False),
    # AND across keys, OR within a key
    ({"store": ["a"], "event": ["x", "y"]}, attrs(store="a", event="y"), True),
    ({"store": ["a"], "event": ["x", "y"]}, attrs(store="a", event="z"), False),
    ({"store": ["a"], "event": ["x", {"exists": False}]}, attrs(store="a"), True),
    # $or
    ({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]},
                                            {"namespace": ["AWS/EC2"]}]},
     attrs(source="aws.cloudwatch", namespace="AWS/EC2"), True),
    ({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]},
                                            {"namespace": ["AWS/EC2"]}]},
     attrs(source="aws.cloudwatch", namespace="AWS/ES"), False),
    ({"$or": [{"a": ["1"]}, {"b": ["2"]}]}, attrs(b="2"), True),
]


@pytest.mark.parametrize(("policy", "attributes", "expected"), ATTRIBUTE_CASES)
def test_attribute_policies(policy, attributes, expected):
    compiled = compile_policy(json.dumps(policy), "MessageAttributes")
    assert compiled.matches(attributes, "ignored body") is expected


BODY_CASES = [
    ({"store": ["example_corp"]}, {"store": "example_corp"}, True),
    ({"customer": {"interests": ["rugby"]}}, {"customer": {"interests": ["soccer", "rugby"]}},
     True),
    ({"customer": {"interests": ["rugby"]}}, {"customer": {"interests": "golf"}}, False),
    ({"customer": {"interests": ["rugby"]}}, {"customer": "rugby"}, False),
    ({"a": {"b": {"c": [{"numeric": [">", 1]}]}}}, {"a": {"b": {"c": 2}}}, True),
    ({"a": {"b": {"c": [{"exists": False}]}}}, {"a": {}}, True),
    ({"a": {"b": [{"exists": False}]}}, {}, True),
    ({"price": [100]}, {"price": 100}, True),
    ({"price": ["100"]}, {"price": 100}, False),
    ({"flag": [True]}, {"flag": True}, True),
    ({"flag": [True]}, {"flag": "true"}, False),
    ({"missing": [None]}, {"missing": None}, True),
    ({"missing": [None]}, {}, False),
    ({"items": {"kind": ["x"]}}, {"items": [{"kind": "y"}, {"kind": "x"}]}, True),
    ({"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}, {"b": {"c": "2"}}, True),
    ({"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}, {"b": {"c": "3"}}, False),
    ({"name": [{"prefix": "ord"}]}, {"name": "order"}, True),
    ({"customer": [{"exists": True}]}, {"customer": {"id": 1}}, False),
    ({"customer": [{"exists": True}]}, {"customer": "x"}, True),
]


@pytest.mark.parametrize(("policy", "body", "expected"), BODY_CASES)
def test_body_policies(policy, body, expected):
    compiled = compile_policy(json.dumps(policy), "MessageBody")
    assert compiled.matches({}, json.dumps(body)) is expected


def test_body_policy_ignores_non_json_and_attributes():
    compiled = compile_policy('{"a": ["1"]}', "MessageBody")
    assert not compiled.matches({"a": {"DataType": "String", "StringValue": "1"}}, "not json")
    assert not compiled.matches({}, '["a"]')


ERROR_CASES = [
    ('{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}',
     "MessageAttributes",
     "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"),
    (json.dumps({"a": list(range(10)), "b": list(range(16))}), "MessageAttributes",
     "Invalid parameter: FilterPolicy: Filter policy is too complex"),
    ('{"a": {"b": ["1"]}}', "MessageAttributes",
     "Invalid parameter: Filter policy scope MessageAttributes does not support nested"
     " filter policy"),
    ('{"a": "1"}', "MessageAttributes",
     'Invalid parameter: FilterPolicy: "a" must be an object or an array'),
    ('{"a": [{"wildcard": "x*"}]}', "MessageAttributes",
     "Invalid parameter: FilterPolicy: Unrecognized match type wildcard"),
    ('{"a": [{"exists": "yes"}]}', "MessageAttributes",
     "Invalid parameter: FilterPolicy: exists match pattern must be either true or false."),
    ('{"a": [["x"]]}', "MessageAttributes",
     "Invalid parameter: FilterPolicy: Match value must be String, number, true, false,"
     " or null"),
    ('{"a": [{"numeric": ["<", "x"]}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Value of < must be numeric"),
    ('{"a": [{"numeric": ["!", 1]}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized numeric range"
     " operator: !"),
    ('{"a": [{"numeric": [">", 10, "<", 5]}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top"),
    ('{"a": [{"numeric": ["<", 10, ">", 5]}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Too many elements in numeric"
     " expression"),
    ('{"a": [{"numeric": [">", 1, ">", 5]}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Bad numeric range operator: >"),
    ('{"a": [{"numeric": []}]}', "MessageAttributes",
     "Invalid parameter: Attributes Reason: FilterPolicy: Invalid member in numeric match: ]"),
    ("{not json", "MessageAttributes", "Invalid parameter: FilterPolicy: failed to parse JSON."),
]


@pytest.mark.parametrize(("policy", "scope", "message"), ERROR_CASES)
def test_invalid_policies(policy, scope, message):
    with pytest.raises(FilterPolicyError) as caught:
        compile_policy(policy, scope)
    assert str(caught.value).startswith(message)


def test_complexity_counts_or_branches_and_nesting_depth():
    # AWS's example: (1 x 2) + (1 x 2) = 4 combinations, well under 150.
    compile_policy(json.dumps({"source": ["aws.cloudwatch"],
                               "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
                                       {"namespace": ["AWS/EC2", "AWS/ES"]}]}))
    # AWS's nested example: 3 x 4 x 2 x 3 = 72 (values times the key's depth).
    nested = {"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}},
              "key_d": {"key_e": ["v1", "v2", "v3"]}}
    compile_policy(json.dumps(nested), "MessageBody")
    too_deep = {"key_a": {"key_b": {"key_c": list(range(10))}},
                "key_d": {"key_e": list(range(3))}}
    with pytest.raises(FilterPolicyError, match="too complex"):
        compile_policy(json.dumps(too_deep), "MessageBody")


def test_nested_keys_do_not_count_towards_the_five_key_limit():
    policy = {"state": ["SUCCESS"], "severity": [{"exists": True}],
              "message": [{"exists": True}],
              "finding": {"standard_control": [{"exists": True}], "region": [{"exists": True}],
                          "account": [{"exists": True}]}}
    compile_policy(json.dumps(policy), "MessageBody")
