"""Malformed input never crashes: every failure is a ValidationException with a message."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.types import validate_value

TOKENS = ["a", "b.c", "l[0]", "l[", "]", "#n", "#x", ":v", ":s", ":l", ":m", "(", ")", ",", "=",
          "<>", "<", "<=", ">", ">=", "+", "-", "AND", "OR", "NOT", "BETWEEN", "IN", "SET",
          "REMOVE", "ADD", "DELETE", "size(", "contains(", "begins_with(", "attribute_type(",
          "attribute_exists(", "if_not_exists(", "list_append(", "status", "1", "#", ":", "$",
          " ", "é", "\n"]
texts = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join),
                  st.text(max_size=30))
NAMES = {"#n": "n", "#x": "x.y"}
VALUES = {":v": {"N": "1"}, ":s": {"S": "s"}, ":l": {"L": []}, ":m": {"SS": ["a"]}}


def survives(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except ValidationException as exc:
        assert exc.message


@settings(max_examples=400, deadline=None)
@given(texts)
def test_parsers_never_crash(text: str) -> None:
    item = {"a": {"N": "1"}, "l": {"L": [{"S": "x"}]}, "n": {"SS": ["a"]}}

    def condition() -> None:
        ex.evaluate(ex.parse_condition(text, ex.ExpressionContext(NAMES, VALUES)), item)

    def update() -> None:
        ex.apply_update(ex.parse_update(text, ex.ExpressionContext(NAMES, VALUES)), item,
                        key_names={"id"})

    def projection() -> None:
        ex.project(ex.parse_projection(text, ex.ExpressionContext(NAMES, None)), item)

    def key() -> None:
        ex.parse_key_condition(text, ex.ExpressionContext(NAMES, VALUES), hash_key="a",
                               range_key="b")

    for call in (condition, update, projection, key):
        survives(call)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.binary(max_size=3)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(
                                   ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS",
                                    "X"]), children, max_size=2)),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_value_validation_never_crashes(value) -> None:
    survives(validate_value, value)


legacy_specs = st.fixed_dictionaries({}, optional={
    "ComparisonOperator": st.sampled_from(["EQ", "NE", "LT", "BETWEEN", "IN", "NULL", "NOT_NULL",
                                           "CONTAINS", "BEGINS_WITH", "BAD", None]),
    "AttributeValueList": st.lists(json_values, max_size=3),
    "Value": json_values, "Exists": st.sampled_from([True, False, None]),
    "Action": st.sampled_from(["PUT", "ADD", "DELETE", "BAD"]),
})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), legacy_specs, max_size=3),
       st.sampled_from([None, "AND", "OR", "XOR"]))
def test_legacy_conversions_never_crash(spec, operator) -> None:
    item = {"a": {"N": "1"}, "b": {"SS": ["x"]}}
    for convert in (ex.condition_from_expected, ex.condition_from_filter):
        try:
            condition = convert(spec, operator)
        except ValidationException as exc:
            assert exc.message
        else:
            ex.evaluate(condition, item)
    try:
        plan = ex.update_from_attribute_updates(spec)
    except ValidationException as exc:
        assert exc.message
    else:
        survives(ex.apply_update, plan, item)
    survives(ex.key_condition_from_legacy, spec, hash_key="a", range_key="b")
