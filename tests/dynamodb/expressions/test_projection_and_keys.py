"""ProjectionExpression / AttributesToGet and KeyConditionExpression."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb import expressions as ex
from tests.dynamodb.expressions.helpers import B, N, S, error

ITEM = {
    "id": S("k"), "a": N(1), "b": S("x"),
    "m": {"M": {"x": N(1), "y": {"M": {"z": S("deep")}}, "l": {"L": [N(0), N(1)]}}},
    "l": {"L": [S("a"), {"M": {"c": S("c0"), "d": S("d0")}}, S("c")]},
}


def projection(text, names=None):
    ctx = ex.ExpressionContext(names, None)
    result = ex.parse_projection(text, ctx)
    ctx.check_all_used()
    return result


def test_top_level_projection() -> None:
    assert ex.project(projection("a, id, nope"), ITEM) == {"a": N(1), "id": S("k")}


def test_nested_projection_keeps_structure() -> None:
    got = ex.project(projection("m.y.z, m.l[1], l[1].c, #b", {"#b": "b"}), ITEM)
    assert got == {
        "m": {"M": {"y": {"M": {"z": S("deep")}}, "l": {"L": [N(1)]}}},
        "l": {"L": [{"M": {"c": S("c0")}}]},
        "b": S("x"),
    }


def test_list_indexes_compact_in_index_order() -> None:
    assert ex.project(projection("l[2], l[0], l[9]"), ITEM) == {"l": {"L": [S("a"), S("c")]}}


def test_projection_of_missing_or_mistyped_paths_is_omitted() -> None:
    assert ex.project(projection("m.nope, a.b, l.x, m.x[0]"), ITEM) == {}


def test_projection_does_not_mutate() -> None:
    before = repr(ITEM)
    ex.project(projection("m.y.z, l[1].c"), ITEM)
    assert repr(ITEM) == before


@pytest.mark.parametrize(("text", "message"), [
    ("a, a", "Two document paths overlap with each other; must remove or rewrite one of these "
             "paths; path one: [a], path two: [a]"),
    ("m, m.x", "Two document paths overlap with each other; must remove or rewrite one of "
               "these paths; path one: [m], path two: [m, x]"),
    ("l[0], l.x", "Two document paths conflict with each other; must remove or rewrite one of "
                  "these paths; path one: [l, [0]], path two: [l, x]"),
    ("a,", 'Syntax error; token: "<EOF>", near: ","'),
    ("a b", 'Syntax error; token: "b", near: "a b"'),
    ("fn(a)", 'Syntax error; token: "(", near: "fn(a"'),
    ("status", "Attribute name is a reserved keyword; reserved keyword: status"),
    ("#n", "An expression attribute name used in the document path is not defined; "
           "attribute name: #n"),
    ("", "The expression can not be empty;"),
])
def test_projection_errors(text, message) -> None:
    assert error(projection, text) == f"Invalid ProjectionExpression: {message}"


def test_attributes_to_get() -> None:
    got = ex.project(ex.projection_from_attributes_to_get(["a", "status", "nope"]),
                     {"a": N(1), "status": S("ok"), "z": N(2)})
    assert got == {"a": N(1), "status": S("ok")}
    assert error(ex.projection_from_attributes_to_get, ["a", "a"]) == (
        "One or more parameter values were invalid: Duplicate value in attribute name: a")


# --- key conditions ------------------------------------------------------------------------------


def key(text, values, names=None, hash_key="pk", range_key="sk"):
    ctx = ex.ExpressionContext(names, values)
    result = ex.parse_key_condition(text, ctx, hash_key=hash_key, range_key=range_key)
    ctx.check_all_used()
    return result


@pytest.mark.parametrize(("text", "op", "count"), [
    ("pk = :h", None, 0),
    ("pk = :h AND sk = :a", "=", 1), ("sk < :a AND pk = :h", "<", 1),
    ("pk = :h AND sk <= :a", "<=", 1), ("pk = :h AND sk > :a", ">", 1),
    ("pk = :h AND sk >= :a", ">=", 1), ("pk = :h AND sk BETWEEN :a AND :b", "BETWEEN", 2),
    ("pk = :h AND begins_with(sk, :a)", "BEGINS_WITH", 1),
    ("(pk = :h) AND (sk > :a)", ">", 1),
    ("#p = :h and #s > :a", ">", 1),
])
def test_key_conditions(text, op, count) -> None:
    values = {":h": S("H"), ":a": S("a"), ":b": S("b")}
    used = {k: v for k, v in values.items() if k in text}
    names = {"#p": "pk", "#s": "sk"} if "#" in text else None
    condition = key(text, used, names)
    assert condition.hash_value == S("H")
    assert condition.range_op == op and len(condition.range_values) == count


def test_range_matches() -> None:
    between = key("pk = :h AND sk BETWEEN :a AND :b", {":h": S("H"), ":a": N(2), ":b": N(10)})
    assert between.range_matches(N(2)) and between.range_matches(N("9.5"))
    assert not between.range_matches(N(11)) and not between.range_matches(S("5"))
    prefix = key("pk = :h AND begins_with(sk, :p)", {":h": S("H"), ":p": B(b"\x01")})
    assert prefix.range_matches(B(b"\x01\x02")) and not prefix.range_matches(B(b"\x02"))
    assert key("pk = :h", {":h": S("H")}).range_matches(None)


@pytest.mark.parametrize(("text", "message"), [
    ("sk = :a", "Query condition missed key schema element: pk"),
    ("pk > :h", "Query key condition not supported"),
    ("pk = :h AND attr9 = :a", "Query condition missed key schema element: sk"),
    ("pk = :h AND sk = :a AND sk = :b",
     "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition "
     "per key"),
    ("pk = :h OR sk = :a", "Invalid operator used in KeyConditionExpression: OR"),
    ("pk = :h AND NOT sk = :a", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk = :h AND sk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :h AND sk IN (:a)", "Invalid operator used in KeyConditionExpression: IN"),
    ("pk = :h AND contains(sk, :a)", "Invalid operator used in KeyConditionExpression: contains"),
    ("pk = :h AND sk BETWEEN :b AND :a",
     "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
     "than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound "
     "operand: AttributeValue: {S:a}"),
    ("pk = :h AND begins_with(sk, :n)", "Invalid KeyConditionExpression: Incorrect operand "
     "type for operator or function; operator or function: begins_with, operand type: N"),
    ("pk = :h AND size(sk) > :n", "Invalid operator used in KeyConditionExpression: size"),
    ("pk = :h AND sk > pk", "Invalid KeyConditionExpression: A key condition compares a key "
                            "attribute with expression attribute values"),
    ("pk = :h AND sk.x > :a", "Invalid KeyConditionExpression: Key condition may only be "
                              "specified on top-level key attributes"),
    ("pk = :h AND", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", '
                    'near: "AND"'),
    ("", "Invalid KeyConditionExpression: The expression can not be empty;"),
])
def test_key_condition_errors(text, message) -> None:
    values = {":h": S("H"), ":a": S("a"), ":b": S("b"), ":n": N(1)}
    ctx = ex.ExpressionContext(None, values)
    assert error(ex.parse_key_condition, text, ctx, hash_key="pk", range_key="sk") == message


def test_hash_only_table_rejects_range_condition() -> None:
    ctx = ex.ExpressionContext(None, {":h": S("H"), ":a": S("a")})
    assert error(ex.parse_key_condition, "pk = :h AND attr9 = :a", ctx, hash_key="pk",
                 range_key=None) == "Query key condition not supported"


def test_key_value_types_checked_when_schema_types_given() -> None:
    message = ("One or more parameter values were invalid: Condition parameter type does not "
               "match schema type")
    ctx = ex.ExpressionContext(None, {":h": N(1), ":a": S("a")})
    assert error(ex.parse_key_condition, "pk = :h AND sk > :a", ctx, hash_key="pk",
                 range_key="sk", key_types={"pk": "S", "sk": "S"}) == message
    ctx = ex.ExpressionContext(None, {":h": S("x"), ":a": S("a")})
    assert ex.parse_key_condition("pk = :h AND sk > :a", ctx, hash_key="pk", range_key="sk",
                                  key_types={"pk": "S", "sk": "S"}).range_op == ">"
    assert error(ex.key_condition_from_legacy,
                 {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1)]}},
                 hash_key="pk", range_key=None, key_types={"pk": "S"}) == message
