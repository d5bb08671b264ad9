"""Legacy parameters converted to expression trees, evaluated with the same semantics."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb import expressions as ex
from tests.dynamodb.expressions.helpers import B, N, S, error

ITEM = {"id": S("k"), "n": N(10), "s": S("hello"), "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2"]}, "b": B(b"\x01\x02"), "t": {"BOOL": True},
        "l": {"L": [S("a")]}}


def expected(spec, operator=None, item=ITEM):
    return ex.evaluate(ex.condition_from_expected(spec, operator), item)


def filtered(spec, operator=None, item=ITEM):
    return ex.evaluate(ex.condition_from_filter(spec, operator), item)


def op(name, *values):
    return {"ComparisonOperator": name, "AttributeValueList": list(values)}


def test_expected_exists_forms() -> None:
    assert expected({"n": {"Value": N(10)}})
    assert expected({"n": {"Exists": True, "Value": N("10.0")}})
    assert not expected({"n": {"Value": N(11)}})
    assert expected({"nope": {"Exists": False}})
    assert not expected({"n": {"Exists": False}})
    assert expected({"nope": {"Exists": False}}, item=None)


@pytest.mark.parametrize(("spec", "message"), [
    ({"n": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: n"),
    ({"n": {}}, "Value must be provided when Exists is true for Attribute: n"),
    ({"n": {"Exists": False, "Value": N(1)}},
     "Value cannot be used when Exists is false for Attribute: n"),
    ({"n": {"Exists": True, "ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}},
     "Exists and ComparisonOperator cannot be used together for Attribute: n"),
    ({"n": {"ComparisonOperator": "EQ", "Value": N(1), "AttributeValueList": [N(1)]}},
     "Value and AttributeValueList cannot be used together for Attribute: n"),
    ({"n": op("EQ")}, "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"n": op("BETWEEN", N(1))}, "Invalid number of argument(s) for the BETWEEN "
                                 "ComparisonOperator"),
    ({"n": op("NULL", N(1))}, "Invalid number of argument(s) for the NULL ComparisonOperator"),
    ({"n": op("IN")}, "Invalid number of argument(s) for the IN ComparisonOperator"),
    ({"n": op("LT", {"SS": ["a"]})}, "ComparisonOperator LT is not valid for SS AttributeValue "
                                     "type"),
    ({"n": op("BEGINS_WITH", N(1))}, "ComparisonOperator BEGINS_WITH is not valid for N "
                                     "AttributeValue type"),
    ({"n": op("CONTAINS", {"BOOL": True})}, "ComparisonOperator CONTAINS is not valid for "
                                            "BOOL AttributeValue type"),
])
def test_expected_errors(spec, message) -> None:
    assert error(ex.condition_from_expected, spec, None) == \
        f"One or more parameter values were invalid: {message}"


@pytest.mark.parametrize(("spec", "result"), [
    ({"n": op("EQ", N(10))}, True), ({"n": op("NE", N(10))}, False),
    ({"nope": op("NE", N(10))}, True), ({"n": op("NE", S("10"))}, True),
    ({"n": op("LE", N(10))}, True), ({"n": op("LT", N(10))}, False),
    ({"n": op("GE", N(10))}, True), ({"n": op("GT", N(9))}, True),
    ({"n": op("GT", S("9"))}, False),
    ({"n": op("NOT_NULL")}, True), ({"nope": op("NULL")}, True), ({"n": op("NULL")}, False),
    ({"s": op("CONTAINS", S("ell"))}, True), ({"ss": op("CONTAINS", S("a"))}, True),
    ({"ns": op("CONTAINS", N("2.0"))}, True), ({"ss": op("NOT_CONTAINS", S("a"))}, False),
    ({"ss": op("NOT_CONTAINS", S("z"))}, True),
    ({"s": op("BEGINS_WITH", S("he"))}, True), ({"b": op("BEGINS_WITH", B(b"\x01"))}, True),
    ({"n": op("IN", N(1), N(10))}, True), ({"n": op("IN", N(1))}, False),
    ({"n": op("BETWEEN", N(1), N(10))}, True), ({"n": op("BETWEEN", N(11), N(12))}, False),
    ({"t": op("EQ", {"BOOL": True})}, True), ({"l": op("EQ", {"L": [S("a")]})}, True),
])
def test_filter_operators(spec, result) -> None:
    assert filtered(spec) is result
    assert expected(spec) is result


def test_conditional_operator() -> None:
    both = {"n": op("EQ", N(10)), "s": op("EQ", S("nope"))}
    assert not filtered(both)
    assert not filtered(both, "AND")
    assert filtered(both, "OR")
    assert error(ex.condition_from_filter, {"n": op("EQ", N(10))}, "OR") == (
        "One or more parameter values were invalid: ConditionalOperator can only be used when "
        "Filter or Expected has two or more elements")
    assert "conditionalOperator" in error(ex.condition_from_filter, both, "XOR")


def test_filter_requires_operator() -> None:
    assert "comparisonOperator" in error(ex.condition_from_filter, {"n": {}}, None)
    assert "comparisonOperator" in error(ex.condition_from_filter, {"n": op("LIKE", S("x"))},
                                         None)


def test_legacy_names_are_literal() -> None:
    # reserved words and dots are fine in legacy parameters: they name top-level attributes
    item = {"status": S("ok"), "a.b": N(1)}
    assert filtered({"status": op("EQ", S("ok")), "a.b": op("EQ", N(1))}, item=item)


def test_key_conditions() -> None:
    condition = ex.key_condition_from_legacy(
        {"pk": op("EQ", S("H")), "sk": op("BETWEEN", N(1), N(5))}, hash_key="pk",
        range_key="sk")
    assert condition.hash_value == S("H") and condition.range_op == "BETWEEN"
    assert condition.range_values == [N(1), N(5)]
    begins = ex.key_condition_from_legacy(
        {"pk": op("EQ", S("H")), "sk": op("BEGINS_WITH", S("x"))}, hash_key="pk",
        range_key="sk")
    assert begins.range_op == "BEGINS_WITH"
    assert error(ex.key_condition_from_legacy, {"pk": op("EQ", S("H")), "sk": op("NE", S("x"))},
                 hash_key="pk", range_key="sk") == \
        "Attempted conditional constraint is not an indexable operation"
    assert error(ex.key_condition_from_legacy, {"sk": op("EQ", S("x"))},
                 hash_key="pk", range_key="sk") == \
        "Query condition missed key schema element: pk"
    assert error(ex.key_condition_from_legacy, {"pk": op("GT", S("x"))},
                 hash_key="pk", range_key="sk") == "Query key condition not supported"


def test_attribute_updates() -> None:
    plan = ex.update_from_attribute_updates({
        "a": {"Action": "PUT", "Value": S("new")},
        "n": {"Action": "ADD", "Value": N(5)},
        "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
        "s": {"Action": "DELETE"},
        "fresh": {"Action": "ADD", "Value": {"NS": ["1"]}},
        "d": {"Value": N(1)},  # PUT is the default action
    })
    new, changed = ex.apply_update(plan, ITEM)
    assert new["a"] == S("new") and new["n"] == N(15) and new["ss"] == {"SS": ["b"]}
    assert "s" not in new and new["fresh"] == {"NS": ["1"]} and new["d"] == N(1)
    assert changed == {"a", "n", "ss", "s", "fresh", "d"}


@pytest.mark.parametrize(("spec", "message"), [
    ({"a": {"Action": "PUT"}}, "Only DELETE action is allowed when no attribute value is "
                               "specified"),
    ({"a": {"Action": "ADD"}}, "Only DELETE action is allowed when no attribute value is "
                               "specified"),
    ({"a": {"Action": "ADD", "Value": S("x")}}, "Action ADD is not supported for the type S"),
    ({"a": {"Action": "DELETE", "Value": N(1)}}, "Action DELETE is not supported for the type N"),
])
def test_attribute_update_errors(spec, message) -> None:
    assert error(ex.update_from_attribute_updates, spec) == \
        f"One or more parameter values were invalid: {message}"


def test_attribute_updates_on_keys() -> None:
    plan = ex.update_from_attribute_updates({"id": {"Action": "PUT", "Value": S("x")}})
    assert error(ex.apply_update, plan, ITEM, key_names={"id"}) == (
        "One or more parameter values were invalid: Cannot update attribute id. This attribute "
        "is part of the key")


def test_attribute_updates_add_type_mismatch_at_apply() -> None:
    plan = ex.update_from_attribute_updates({"s": {"Action": "ADD", "Value": N(1)}})
    assert error(ex.apply_update, plan, ITEM) == \
        "An operand in the update expression has an incorrect data type"
