"""ConditionExpression parsing: precedence, paths, reserved words, syntax and context errors."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb import expressions as ex
from tests.dynamodb.expressions.helpers import N, S, check, error

ITEM = {"a": N(1), "b": N(2), "c": N(3)}
V = {":one": N(1), ":two": N(2), ":three": N(3), ":nine": N(9)}


def parse(text, names=None, values=None, kind="ConditionExpression"):
    return ex.parse_condition(text, ex.ExpressionContext(names, values), kind=kind)


# --- precedence --------------------------------------------------------------------------------


def test_and_binds_tighter_than_or() -> None:
    # true OR (false AND false) -> true; (true OR false) AND false would be false
    assert check("a = :one OR b = :nine AND c = :nine", ITEM, values=V)
    assert not check("(a = :one OR b = :nine) AND c = :nine", ITEM, values=V)


def test_not_binds_tighter_than_and() -> None:
    # (NOT a = 1) AND b = 2 -> false ; NOT (a = 1 AND b = 9) -> true
    assert not check("NOT a = :one AND b = :two", ITEM, values=V)
    assert check("NOT (a = :one AND b = :nine)", ITEM, values=V)


def test_not_binds_tighter_than_or() -> None:
    assert check("NOT a = :nine OR b = :nine", ITEM, values=V)
    assert not check("NOT (a = :one OR b = :nine)", ITEM, values=V)


def test_double_not_and_nested_parentheses() -> None:
    assert check("NOT NOT ((a = :one))", ITEM, values=V)


def test_keywords_are_case_insensitive() -> None:
    assert check("a = :one and b between :one AnD :three or not c in (:nine)", ITEM, values=V)


def test_tree_shape_reflects_precedence() -> None:
    condition = parse("a = :one OR b = :two AND NOT c = :three", values=V)
    assert condition.text() == "(a = :one) OR ((b = :two) AND (NOT (c = :three)))"


def test_comparators_are_not_associative() -> None:
    assert error(parse, "a = b = c") == \
        'Invalid ConditionExpression: Syntax error; token: "=", near: "b = c"'


# --- paths ---------------------------------------------------------------------------------------


def test_nested_paths_with_names_and_indexes() -> None:
    item = {"m": {"M": {"list": {"L": [N(0), {"M": {"deep": S("x")}}]}}}}
    assert check("m.#l[1].deep = :x", item, {"#l": "list"}, {":x": S("x")})
    assert not check("m.#l[2].deep = :x", item, {"#l": "list"}, {":x": S("x")})
    assert not check("m.#l.deep = :x", item, {"#l": "list"}, {":x": S("x")})


def test_name_with_dot_is_one_attribute() -> None:
    item = {"a.b": N(1), "a": {"M": {"b": N(2)}}}
    assert check("#ab = :one", item, {"#ab": "a.b"}, {":one": N(1)})
    assert check("a.b = :two", item, values={":two": N(2)})


def test_path_index_must_be_a_number() -> None:
    assert error(parse, "a[x] = :v", values={":v": N(1)}) == \
        'Invalid ConditionExpression: Syntax error; token: "x", near: "[x]"'


def test_path_depth_limit() -> None:
    text = "a" + ".b" * 32 + " = :v"
    assert "too many nesting levels" in error(parse, text, values={":v": N(1)})


# --- reserved words ------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["status", "Status", "NAME", "size", "data", "year"])
def test_reserved_words_rejected_bare(word: str) -> None:
    assert error(parse, f"{word} = :v", values={":v": N(1)}) == (
        "Invalid ConditionExpression: Attribute name is a reserved keyword; "
        f"reserved keyword: {word}")


def test_reserved_word_inside_nested_path() -> None:
    assert error(parse, "a.status = :v", values={":v": N(1)}).endswith(
        "reserved keyword: status")


def test_reserved_word_through_name_placeholder_is_fine() -> None:
    assert check("#s = :v", {"status": N(1)}, {"#s": "status"}, {":v": N(1)})


def test_reserved_words_list_is_awss() -> None:
    from fogbank.services.dynamodb.expressions.reserved_words import RESERVED_WORDS
    assert len(RESERVED_WORDS) == 573
    assert {"ABORT", "ZONE", "TTL", "STATUS", "SIZE"} <= RESERVED_WORDS


def test_function_name_is_not_a_reserved_word() -> None:
    assert check("size(a) = :v", {"a": S("x")}, values={":v": N(1)})


# --- syntax errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("a = ", 'Syntax error; token: "<EOF>", near: "="'),
    ("a = :v :v", 'Syntax error; token: ":v", near: ":v :v"'),
    ("a $ :v", 'Syntax error; token: "$", near: "a $ :v"'),
    ("(a = :v", 'Syntax error; token: "<EOF>", near: ":v"'),
    ("a = :v)", 'Syntax error; token: ")", near: ":v)"'),
    ("a BETWEEN :v :v", 'Syntax error; token: ":v", near: ":v :v"'),
    ("a IN :v", 'Syntax error; token: ":v", near: "IN :v"'),
    ("a", 'Syntax error; token: "<EOF>", near: "a"'),
    ("a = AND", 'Syntax error; token: "AND", near: "= AND"'),
    ("a = # ", 'Syntax error; token: "#", near: "= #"'),
    ("1a = :v", 'Syntax error; token: "1", near: "1a"'),
])
def test_syntax_errors(text: str, message: str) -> None:
    assert error(parse, text, values={":v": N(1)}) == f"Invalid ConditionExpression: {message}"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_expression(text: str) -> None:
    assert error(parse, text) == "Invalid ConditionExpression: The expression can not be empty;"


def test_kind_names_the_expression_in_messages() -> None:
    assert error(parse, "a =", kind="FilterExpression").startswith(
        "Invalid FilterExpression: Syntax error")


# --- functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("foo(a)", "Invalid function name; function: foo"),
    ("if_not_exists(a, :v) = :v",
     "The function is not allowed in a condition expression; function: if_not_exists"),
    ("list_append(a, :v) = :v",
     "The function is not allowed in a condition expression; function: list_append"),
    ("attribute_exists(a) = :v",
     "The function is not allowed to be used this way in an expression; "
     "function: attribute_exists"),
    ("size(a)", "The function is not allowed to be used this way in an expression; "
                "function: size"),
    ("attribute_exists(:v)",
     "Operator or function requires a document path; operator or function: attribute_exists"),
    ("attribute_not_exists(:v)", "Operator or function requires a document path; "
                                 "operator or function: attribute_not_exists"),
    ("attribute_type(:v, :v)",
     "Operator or function requires a document path; operator or function: attribute_type"),
    ("size(:v) = :v", "Operator or function requires a document path; "
                      "operator or function: size"),
    ("attribute_exists(a, b)", "Incorrect number of operands for operator or function; "
                               "operator or function: attribute_exists, number of operands: 2"),
    ("begins_with(a)", "Incorrect number of operands for operator or function; "
                       "operator or function: begins_with, number of operands: 1"),
    ("contains(a, b, c)", "Incorrect number of operands for operator or function; "
                          "operator or function: contains, number of operands: 3"),
    ("size(a, b) = :v", "Incorrect number of operands for operator or function; "
                        "operator or function: size, number of operands: 2"),
])
def test_function_errors(text: str, message: str) -> None:
    assert error(parse, text, values={":v": N(1)}) == f"Invalid ConditionExpression: {message}"


def test_begins_with_operand_type_checked_against_values() -> None:
    assert error(parse, "begins_with(a, :v)", values={":v": N(1)}) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N")


def test_attribute_type_checks() -> None:
    assert error(parse, "attribute_type(a, :v)", values={":v": N(1)}) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: attribute_type, operand type: N")
    assert error(parse, "attribute_type(a, :v)", values={":v": S("STRING")}) == (
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
        "valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }")


def test_between_bounds_checked() -> None:
    assert error(parse, "a BETWEEN :five AND :one",
                 values={":five": N(5), ":one": N(1)}) == (
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
        "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
        "operand: AttributeValue: {N:1}")
    assert error(parse, "a BETWEEN :one AND :s", values={":s": S("x"), ":one": N(1)}) == (
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
        "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
        "AttributeValue: {S:x}")
    # numeric, not textual: 9 < 10
    assert parse("a BETWEEN :nine AND :ten", values={":nine": N(9), ":ten": N(10)})


def test_in_operand_limit() -> None:
    values = {f":v{i}": N(i) for i in range(101)}
    hundred = ", ".join(f":v{i}" for i in range(100))
    assert parse(f"a IN ({hundred})", values={k: values[k] for k in list(values)[:100]})
    text = "a IN (" + ", ".join(values) + ")"
    assert error(parse, text, values=values) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; "
        "number of operands: 101")


# --- ExpressionAttributeNames / Values -----------------------------------------------------------


def test_undefined_name_and_value() -> None:
    assert error(parse, "#x = :v", values={":v": N(1)}) == (
        "Invalid ConditionExpression: An expression attribute name used in the document path "
        "is not defined; attribute name: #x")
    assert error(parse, "a = :nope", values={":v": N(1)}) == (
        "Invalid ConditionExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :nope")
    assert error(parse, "a = :nope") == (
        "Invalid ConditionExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :nope")


def test_unused_names_and_values_across_expressions() -> None:
    ctx = ex.ExpressionContext({"#a": "a", "#b": "b"}, {":v": N(1), ":w": N(2)})
    ex.parse_condition("#a = :v", ctx)
    assert error(ctx.check_all_used) == \
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
    ex.parse_projection("#b", ctx)
    assert error(ctx.check_all_used) == \
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    ex.parse_update("SET x = :w", ctx)
    ctx.check_all_used()


def test_unused_lists_every_key() -> None:
    ctx = ex.ExpressionContext(None, {":a": N(1), ":b": N(2), ":c": N(3)})
    ex.parse_condition("x = :b", ctx)
    assert error(ctx.check_all_used).endswith("keys: {:a, :c}")


@pytest.mark.parametrize(("names", "values", "message"), [
    ({}, None, "ExpressionAttributeNames must not be empty"),
    (None, {}, "ExpressionAttributeValues must not be empty"),
    ({"n": "x"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
    (None, {"v": N(1)}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
    (None, {":v": {"NS": []}}, "ExpressionAttributeValues contains invalid value: One or more "
                               "parameter values were invalid: An number set  may not be empty "
                               "for key :v"),
    (None, {":v": {"N": "x"}}, "ExpressionAttributeValues contains invalid value: A value "
                               "provided cannot be converted into a number for key :v"),
])
def test_context_validation(names, values, message) -> None:
    assert error(ex.ExpressionContext, names, values) == message


def test_parameter_mixing() -> None:
    assert error(ex.check_parameter_mix, {"AttributesToGet": ["a"], "Expected": None},
                 {"ProjectionExpression": "a", "ConditionExpression": None}) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}")
    ex.check_parameter_mix({"AttributesToGet": None}, {"ProjectionExpression": "a"})


def test_attribute_maps_need_an_expression() -> None:
    assert error(ex.check_attributes_need_expressions, None, {":v": N(1)},
                 {"ConditionExpression": None}) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "ConditionExpression is null")
    assert error(ex.check_attributes_need_expressions, {"#n": "n"}, None,
                 {"UpdateExpression": None, "ConditionExpression": None}) == (
        "ExpressionAttributeNames can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null")
    ex.check_attributes_need_expressions({"#n": "n"}, None, {"ConditionExpression": "x"})


# --- caching -------------------------------------------------------------------------------------


def test_parse_is_cached_by_text_and_names() -> None:
    from fogbank.services.dynamodb.expressions.conditions import parse_condition_cached
    text = "cached_attr_x = :v AND #n > :w"
    names = {"#n": "cached_n"}
    parse(text, names, {":v": N(1), ":w": N(2)})
    before = parse_condition_cached.cache_info()
    condition = parse(text, names, {":v": S("other"), ":w": N(3)})
    after = parse_condition_cached.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    # values are bound per request
    assert ex.evaluate(condition, {"cached_attr_x": S("other"), "cached_n": N(4)})
    parse(text, {"#n": "different"}, {":v": N(1), ":w": N(2)})
    assert parse_condition_cached.cache_info().misses == after.misses + 1


def test_cached_parse_still_checks_values_per_request() -> None:
    parse("cached_b BETWEEN :lo AND :hi", values={":lo": N(1), ":hi": N(5)})
    assert "upper bound" in error(parse, "cached_b BETWEEN :lo AND :hi",
                                  values={":lo": N(9), ":hi": N(5)})
    assert "not defined" in error(parse, "cached_b BETWEEN :lo AND :hi", values={":lo": N(9)})


# --- limits --------------------------------------------------------------------------------------


def test_expression_size_limit_counts_raw_utf8_bytes() -> None:
    at_limit = "a = :v" + " " * (4096 - 6)
    assert parse(at_limit, values={":v": N(1)})
    over = "a = :v" + " " * (4097 - 6)
    assert error(parse, over, values={":v": N(1)}) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 4097")
    assert "expression size: 4098" in error(parse, "a = :v" + " " * 4090 + "\u00e9",
                                            values={":v": N(1)})


def test_operator_limit() -> None:
    # 150 comparisons joined by 149 ANDs = 299 operators; one more comparison -> 301
    fine = " AND ".join(["a = :v"] * 150)
    assert parse(fine, values={":v": N(1)})
    too_many = " AND ".join(["a = :v"] * 151)
    assert error(parse, too_many, values={":v": N(1)}) == (
        "Invalid ConditionExpression: The expression contains too many operators; "
        "operator count: 301")
