"""UpdateExpression: parsing rules and DynamoDB's update semantics for every clause."""

from __future__ import annotations

import copy

import pytest

from fogbank.services.dynamodb import expressions as ex
from tests.dynamodb.expressions.helpers import N, S, error, update

BASE = {
    "id": S("k"), "n": N(5), "s": S("x"),
    "l": {"L": [S("a"), S("b"), S("c")]},
    "m": {"M": {"x": N(1), "deep": {"M": {"y": N(2)}}}},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": [b"\x01"]},
}


def item():
    return copy.deepcopy(BASE)


def parse(text, names=None, values=None):
    return ex.parse_update(text, ex.ExpressionContext(names, values))


# --- SET -----------------------------------------------------------------------------------------


def test_set_value_and_arithmetic() -> None:
    new, changed = update("SET a = :v, n = n + :one, s2 = n - :ten", item(),
                          values={":v": S("new"), ":one": N(1), ":ten": N("10.5")})
    assert new["a"] == S("new") and new["n"] == N(6) and new["s2"] == N("-5.5")
    assert changed == {"a", "n", "s2"}


def test_set_operands_read_the_item_before_the_update() -> None:
    new, _ = update("SET n = :v, dup = n", item(), values={":v": N(100)})
    assert new["dup"] == N(5) and new["n"] == N(100)


def test_swap_two_attributes() -> None:
    new, _ = update("SET a = b, b = a", {"a": N(1), "b": N(2)})
    assert new == {"a": N(2), "b": N(1)}


def test_arithmetic_precision_is_38_digits() -> None:
    big = "9" * 37
    new, _ = update("SET n = :a + :b", {}, values={":a": N(big), ":b": N("0.1")})
    assert new["n"] == N(big + ".1")
    assert error(update, "SET n = :a + :b", {}, values={":a": N(big), ":b": N("0.01")}) == \
        "Attempting to store more than 38 significant digits in a Number"
    assert error(update, "SET n = :a + :a", {}, values={":a": N("9E125")}) == \
        "Number overflow. Attempting to store a number with magnitude larger than supported range"


def test_arithmetic_on_non_numbers() -> None:
    assert error(update, "SET x = s + :one", item(), values={":one": N(1)}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(update, "SET x = n + :s", item(), values={":s": S("1")}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator or function: +, operand type: S")
    assert error(update, "SET x = nope + :one", item(), values={":one": N(1)}) == \
        "The provided expression refers to an attribute that does not exist in the item"


def test_if_not_exists() -> None:
    new, _ = update("SET n = if_not_exists(n, :z) + :one, c = if_not_exists(c, :z) + :one",
                    item(), values={":z": N(0), ":one": N(1)})
    assert new["n"] == N(6) and new["c"] == N(1)
    new, _ = update("SET m.x = if_not_exists(m.nope, m.deep.y)", item())
    assert new["m"]["M"]["x"] == N(2)
    assert error(parse, "SET a = if_not_exists(:v, :v)", values={":v": N(1)}) == (
        "Invalid UpdateExpression: Operator or function requires a document path; "
        "operator or function: if_not_exists")


def test_list_append() -> None:
    new, _ = update("SET l = list_append(l, :more), l2 = list_append(:more, l)", item(),
                    values={":more": {"L": [S("z")]}})
    assert [v["S"] for v in new["l"]["L"]] == ["a", "b", "c", "z"]
    assert [v["S"] for v in new["l2"]["L"]] == ["z", "a", "b", "c"]
    new, _ = update("SET e = list_append(if_not_exists(e, :empty), :more)", item(),
                    values={":more": {"L": [N(1)]}, ":empty": {"L": []}})
    assert new["e"] == {"L": [N(1)]}
    assert error(update, "SET l = list_append(s, :more)", item(),
                 values={":more": {"L": []}}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(parse, "SET l = list_append(l, :m)", values={":m": {"M": {}}}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator or function: list_append, operand type: M")


def test_nested_set_requires_the_parent() -> None:
    new, _ = update("SET m.deep.z = :v, m.#new = :v", item(), {"#new": "new key"},
                    {":v": N(7)})
    assert new["m"]["M"]["deep"]["M"]["z"] == N(7) and new["m"]["M"]["new key"] == N(7)
    for text in ("SET nope.a = :v", "SET s.a = :v", "SET m.nope.a = :v", "SET m[0] = :v",
                 "SET l.a = :v", "SET nope[0] = :v"):
        assert error(update, text, item(), values={":v": N(1)}) == \
            "The document path provided in the update expression is invalid for update", text


def test_set_list_index_replaces_or_appends() -> None:
    new, _ = update("SET l[1] = :v", item(), values={":v": S("B")})
    assert [v["S"] for v in new["l"]["L"]] == ["a", "B", "c"]
    new, _ = update("SET l[10] = :v, l[20] = :w", item(), values={":v": S("x"), ":w": S("y")})
    assert [v["S"] for v in new["l"]["L"]] == ["a", "b", "c", "x", "y"]
    # added in order of element number, not of appearance
    new, _ = update("SET l[20] = :w, l[10] = :v", item(), values={":v": S("x"), ":w": S("y")})
    assert [v["S"] for v in new["l"]["L"]] == ["a", "b", "c", "x", "y"]


def test_update_never_mutates_its_input() -> None:
    original = item()
    update("SET m.deep.y = :v, l[0] = :v REMOVE m.x ADD ss :s DELETE ns :n", original,
           values={":v": N(9), ":s": {"SS": ["q"]}, ":n": {"NS": ["1"]}})
    assert original == BASE


# --- REMOVE --------------------------------------------------------------------------------------


def test_remove_attributes_and_nested() -> None:
    new, changed = update("REMOVE s, m.deep.y, nope, m.nope", item())
    assert "s" not in new and new["m"]["M"]["deep"] == {"M": {}}
    assert changed == {"s", "m", "nope"}


def test_remove_list_indexes_refer_to_the_original_list() -> None:
    new, _ = update("REMOVE l[0], l[2]", item())
    assert new["l"] == {"L": [S("b")]}
    new, _ = update("REMOVE l[5]", item())
    assert len(new["l"]["L"]) == 3


def test_remove_with_missing_parent_is_invalid() -> None:
    assert error(update, "REMOVE nope.a", item()) == \
        "The document path provided in the update expression is invalid for update"


# --- ADD -----------------------------------------------------------------------------------------


def test_add_numbers_and_sets() -> None:
    new, _ = update("ADD n :one, c :one, ss :s, ns :n, fresh :s", item(),
                    values={":one": N(1), ":s": {"SS": ["b", "c"]}, ":n": {"NS": ["3"]}})
    assert new["n"] == N(6) and new["c"] == N(1)
    assert new["ss"] == {"SS": ["a", "b", "c"]} and new["ns"] == {"NS": ["1", "2", "3"]}
    assert new["fresh"] == {"SS": ["b", "c"]}


def test_add_type_errors() -> None:
    assert error(update, "ADD ss :n", item(), values={":n": N(1)}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(update, "ADD ns :s", item(), values={":s": {"SS": ["x"]}}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(parse, "ADD a :v", values={":v": S("x")}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND")
    assert error(parse, "ADD a :v", values={":v": {"L": []}}).endswith(
        "operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND")


def test_add_into_nested_map() -> None:
    new, _ = update("ADD m.x :one, m.c :one", item(), values={":one": N(2)})
    assert new["m"]["M"]["x"] == N(3) and new["m"]["M"]["c"] == N(2)


# --- DELETE --------------------------------------------------------------------------------------


def test_delete_from_sets() -> None:
    new, _ = update("DELETE ss :s, ns :n, nope :s", item(),
                    values={":s": {"SS": ["a", "zz"]}, ":n": {"NS": ["1", "2"]}})
    assert new["ss"] == {"SS": ["b"]}
    assert "ns" not in new  # removing the last element removes the attribute
    assert "nope" not in new


def test_delete_type_errors() -> None:
    assert error(update, "DELETE ss :n", item(), values={":n": {"NS": ["1"]}}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(update, "DELETE s :n", item(), values={":n": {"SS": ["x"]}}) == \
        "An operand in the update expression has an incorrect data type"
    assert error(parse, "DELETE ss :v", values={":v": N(1)}) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND")


# --- grammar and static errors -------------------------------------------------------------------


def test_all_clauses_any_order_case_insensitive() -> None:
    new, changed = update("delete ss :d add n :one remove s set a = :one", item(),
                          values={":d": {"SS": ["a"]}, ":one": N(1)})
    assert new["ss"] == {"SS": ["b"]} and new["n"] == N(6) and "s" not in new
    assert new["a"] == N(1) and changed == {"ss", "n", "s", "a"}


@pytest.mark.parametrize("clause", ["SET", "REMOVE", "ADD", "DELETE"])
def test_each_clause_only_once(clause) -> None:
    body = {"SET": "a = :v", "REMOVE": "a", "ADD": "a :v", "DELETE": "a :s"}[clause]
    other = {"SET": "b = :v", "REMOVE": "b", "ADD": "b :v", "DELETE": "b :s"}[clause]
    assert error(parse, f"{clause} {body} {clause} {other}",
                 values={":v": N(1), ":s": {"SS": ["x"]}}) == (
        f'Invalid UpdateExpression: The "{clause}" section can only be used once in an update '
        "expression;")


@pytest.mark.parametrize(("text", "one", "two"), [
    ("SET a = :v REMOVE a.b", "[a]", "[a, b]"),
    ("SET a = :v, a = :v", "[a]", "[a]"),
    ("REMOVE a[1] SET a[1] = :v", "[a, [1]]", "[a, [1]]"),
    ("SET a.b.c = :v ADD a.b :v", "[a, b, c]", "[a, b]"),
])
def test_overlapping_paths(text, one, two) -> None:
    assert error(parse, text, values={":v": N(1)}) == (
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        f"rewrite one of these paths; path one: {one}, path two: {two}")


def test_conflicting_paths() -> None:
    assert error(parse, "SET a.b = :v, a[0] = :v", values={":v": N(1)}) == (
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these paths; path one: [a, b], path two: [a, [0]]")


def test_sibling_paths_do_not_overlap() -> None:
    parse("SET a.b = :v, a.c = :v, l[0] = :v, l[1] = :v", values={":v": N(1)})


@pytest.mark.parametrize(("text", "message"), [
    # messages seen from AWS in public bug reports
    ("ADD hits : incr", 'Syntax error; token: ":", near: "hits : incr"'),
    ("INVALID SYNTAX HERE", 'Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
    ("SET a = :v, #, b = :v", 'Syntax error; token: "#", near: ", #,"'),
    ("SET a = :v updated = :v", 'Syntax error; token: "updated", near: ":v updated ="'),
    ("SET", 'Syntax error; token: "<EOF>", near: "SET"'),
    ("SET a :v", 'Syntax error; token: ":v", near: "a :v"'),
    ("SET a = b + c + d", 'Syntax error; token: "+", near: "c + d"'),
    ("SET a = :v,", 'Syntax error; token: "<EOF>", near: ","'),
    ("UPSERT a = :v", 'Syntax error; token: "UPSERT", near: "UPSERT a"'),
    ("ADD a b", 'Syntax error; token: "b", near: "a b"'),
    ("REMOVE a = :v", 'Syntax error; token: "=", near: "a = :v"'),
    ("SET a = size(b)", "The function is not allowed in an update expression; function: size"),
    ("SET a = contains(b, :v)",
     "The function is not allowed in an update expression; function: contains"),
    ("SET a = nope(b)", "Invalid function name; function: nope"),
    ("SET a = list_append(:v)", "Incorrect number of operands for operator or function; "
                                "operator or function: list_append, number of operands: 1"),
    ("SET status = :v", "Attribute name is a reserved keyword; reserved keyword: status"),
    ("SET #x = :v", "An expression attribute name used in the document path is not defined; "
                    "attribute name: #x"),
    ("SET a = :nope", "An expression attribute value used in expression is not defined; "
                      "attribute value: :nope"),
    ("", "The expression can not be empty;"),
])
def test_update_parse_errors(text, message) -> None:
    assert error(parse, text, values={":v": {"L": []}}) == f"Invalid UpdateExpression: {message}"


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["SET id = :v", "REMOVE id", "ADD id :v", "SET #k = :v"])
def test_key_attributes_cannot_be_updated(text) -> None:
    names = {"#k": "id"} if "#k" in text else None
    values = {":v": N(1)} if ":v" in text else None
    message = ("One or more parameter values were invalid: Cannot update attribute id. "
               "This attribute is part of the key")
    assert error(update, text, item(), names, values, key_names={"id", "sk"}) == message
    ctx = ex.ExpressionContext(names, values)
    assert error(ex.parse_update, text, ctx, key_names={"id"}) == message


def test_non_key_update_with_key_names() -> None:
    new, _ = update("SET idx = :v", item(), values={":v": N(1)}, key_names={"id"})
    assert new["idx"] == N(1)


def test_updated_parts_projection() -> None:
    ctx = ex.ExpressionContext(None, {":v": N(9)})
    plan = ex.parse_update("SET m.x = :v, l[1] = :v, n = :v", ctx)
    new, _ = ex.apply_update(plan, item())
    updated = ex.projection_of_paths(plan.target_paths())
    assert ex.project(updated, new) == {"m": {"M": {"x": N(9)}}, "l": {"L": [N(9)]}, "n": N(9)}
    assert ex.project(updated, item()) == {"m": {"M": {"x": N(1)}}, "l": {"L": [S("b")]},
                                           "n": N(5)}
