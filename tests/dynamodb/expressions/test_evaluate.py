"""Condition evaluation with DynamoDB's semantics: every comparator and function."""

from __future__ import annotations

import pytest

from fogbank.services.dynamodb import expressions as ex
from tests.dynamodb.expressions.helpers import B, N, S, check

ITEM = {
    "s": S("hello"), "n": N("10"), "b": B(b"\x01\x02\x03"), "t": {"BOOL": True},
    "z": {"NULL": True}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02"]}, "l": {"L": [S("a"), N("1"), {"M": {"k": S("v")}}]},
    "m": {"M": {"k": S("v"), "n": N(3)}}, "blank": S(""),
}


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("n = :v", {":v": N("10.0")}, True),          # numeric equality
    ("n = :v", {":v": S("10")}, False),           # different types never equal
    ("n <> :v", {":v": S("10")}, True),
    ("n < :v", {":v": N("9")}, False),
    ("n < :v", {":v": N("100")}, True),           # numeric, not textual
    ("n >= :v", {":v": N("10")}, True),
    ("n > :v", {":v": S("1")}, False),            # cross-type ordering is false
    ("s < :v", {":v": S("help")}, True),
    ("s > :v", {":v": S("hell")}, True),
    ("s <= :v", {":v": S("hello")}, True),
    ("b < :v", {":v": B(b"\x01\x03")}, True),     # bytewise
    ("b > :v", {":v": B(b"\x01\x02")}, True),
    ("t = :v", {":v": {"BOOL": True}}, True),
    ("t < :v", {":v": {"BOOL": True}}, False),
    ("z = :v", {":v": {"NULL": True}}, True),
    ("ss = :v", {":v": {"SS": ["b", "a"]}}, True),  # sets are unordered
    ("ns = :v", {":v": {"NS": ["2.50", "1"]}}, True),
    ("l = :v", {":v": {"L": [S("a"), N("1"), {"M": {"k": S("v")}}]}}, True),
    ("l = :v", {":v": {"L": [N("1"), S("a"), {"M": {"k": S("v")}}]}}, False),  # lists ordered
    ("m = :v", {":v": {"M": {"n": N("3.0"), "k": S("v")}}}, True),
    ("blank = :v", {":v": S("")}, True),
])
def test_comparisons(text, values, expected) -> None:
    assert check(text, ITEM, values=values) is expected


def test_unicode_strings_compare_by_utf8_bytes() -> None:
    # U+FF21 (3 UTF-8 bytes) sorts after U+00E9 (2 bytes), as in code point order
    item = {"s": S("\uff21")}
    assert check("s > :v", item, values={":v": S("\u00e9")})
    assert check("s > :v", {"s": S("\U0001F600")}, values={":v": S("\uffff")})


@pytest.mark.parametrize(("text", "expected"), [
    ("absent = :v", False), ("absent < :v", False), ("absent >= :v", False),
    ("absent <> :v", True),  # AWS: a missing attribute is "not equal"
    ("absent BETWEEN :v AND :w", False), ("absent IN (:v, :w)", False),
    ("NOT absent = :v", True), ("m.nope = :v", False), ("l[7] = :v", False),
])
def test_missing_attributes(text, expected) -> None:
    assert check(text, ITEM, values={":v": N(1), ":w": N(2)}) is expected


def test_no_item_at_all() -> None:
    assert check("attribute_not_exists(id)", None)
    assert not check("attribute_exists(id)", None)
    assert not check("id = :v", None, values={":v": S("x")})


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("n BETWEEN :a AND :b", {":a": N(9), ":b": N(11)}, True),
    ("n BETWEEN :a AND :b", {":a": N(10), ":b": N(10)}, True),
    ("n BETWEEN :a AND :b", {":a": N(11), ":b": N(12)}, False),
    ("s BETWEEN :a AND :b", {":a": S("a"), ":b": S("z")}, True),
    ("s BETWEEN :a AND :b", {":a": N(1), ":b": N(2)}, False),
    ("n IN (:a, :b)", {":a": S("10"), ":b": N("1e1")}, True),
    ("n IN (:a, :b)", {":a": S("10"), ":b": N(11)}, False),
    ("ss IN (:a)", {":a": {"SS": ["b", "a"]}}, True),
])
def test_between_and_in(text, values, expected) -> None:
    assert check(text, ITEM, values=values) is expected


def test_operands_may_be_paths_on_both_sides() -> None:
    item = {"x": N(5), "y": N(7), "lo": N(1), "hi": N(9)}
    assert check("x < y", item)
    assert check("x BETWEEN lo AND hi", item)
    assert check("y IN (x, y)", item)


@pytest.mark.parametrize(("text", "expected"), [
    ("attribute_exists(s)", True), ("attribute_exists(m.k)", True),
    ("attribute_exists(l[2].k)", True), ("attribute_exists(l[3])", False),
    ("attribute_exists(z)", True),  # NULL is a value
    ("attribute_not_exists(nope)", True), ("attribute_not_exists(m.k)", False),
])
def test_attribute_exists(text, expected) -> None:
    assert check(text, ITEM) is expected


@pytest.mark.parametrize(("path", "type_name"), [
    ("s", "S"), ("n", "N"), ("b", "B"), ("t", "BOOL"), ("z", "NULL"), ("ss", "SS"),
    ("ns", "NS"), ("bs", "BS"), ("l", "L"), ("m", "M"),
])
def test_attribute_type_for_every_type(path, type_name) -> None:
    assert check(f"attribute_type({path}, :t)", ITEM, values={":t": S(type_name)})
    other = "S" if type_name != "S" else "N"
    assert not check(f"attribute_type({path}, :t)", ITEM, values={":t": S(other)})
    assert not check("attribute_type(nope, :t)", ITEM, values={":t": S(type_name)})


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("begins_with(s, :p)", {":p": S("he")}, True),
    ("begins_with(s, :p)", {":p": S("")}, True),
    ("begins_with(s, :p)", {":p": S("lo")}, False),
    ("begins_with(b, :p)", {":p": B(b"\x01\x02")}, True),
    ("begins_with(b, :p)", {":p": B(b"\x02")}, False),
    ("begins_with(n, :p)", {":p": S("1")}, False),   # numbers are not strings
    ("begins_with(nope, :p)", {":p": S("x")}, False),
])
def test_begins_with(text, values, expected) -> None:
    assert check(text, ITEM, values=values) is expected


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("contains(s, :v)", {":v": S("ell")}, True),
    ("contains(s, :v)", {":v": S("xyz")}, False),
    ("contains(b, :v)", {":v": B(b"\x02\x03")}, True),
    ("contains(ss, :v)", {":v": S("a")}, True),
    ("contains(ss, :v)", {":v": S("c")}, False),
    ("contains(ns, :v)", {":v": N("2.50")}, True),
    ("contains(ns, :v)", {":v": S("1")}, False),
    ("contains(bs, :v)", {":v": B(b"\x02")}, True),
    ("contains(l, :v)", {":v": S("a")}, True),
    ("contains(l, :v)", {":v": N("1.0")}, True),
    ("contains(l, :v)", {":v": {"M": {"k": S("v")}}}, True),
    ("contains(l, :v)", {":v": S("v")}, False),
    ("contains(m, :v)", {":v": S("k")}, False),  # maps are not searched
    ("contains(n, :v)", {":v": N("1")}, False),
    ("contains(nope, :v)", {":v": S("a")}, False),
])
def test_contains(text, values, expected) -> None:
    assert check(text, ITEM, values=values) is expected


def test_contains_with_a_path_operand() -> None:
    assert check("contains(ss, m.k)", {"ss": {"SS": ["v"]}, "m": {"M": {"k": S("v")}}})


@pytest.mark.parametrize(("path", "size"), [
    ("s", 5), ("b", 3), ("ss", 2), ("ns", 2), ("bs", 2), ("l", 3), ("m", 2), ("blank", 0),
])
def test_size(path, size) -> None:
    assert check(f"size({path}) = :n", ITEM, values={":n": N(size)})
    assert check(f"size({path}) < :n", ITEM, values={":n": N(size + 1)})


def test_size_of_unicode_string_counts_characters() -> None:
    assert check("size(s) = :n", {"s": S("\u00e9\u00e9")}, values={":n": N(2)})


@pytest.mark.parametrize("path", ["n", "t", "z", "nope"])
def test_size_of_values_without_a_size_makes_comparison_false(path) -> None:
    assert not check(f"size({path}) >= :n", ITEM, values={":n": N(0)})
    assert not check(f"size({path}) = :n", ITEM, values={":n": N(1)})


def test_size_compared_with_size() -> None:
    assert check("size(ss) < size(l)", ITEM)


def test_evaluate_does_not_mutate_item() -> None:
    item = {"a": {"L": [N(1)]}}
    condition = ex.parse_condition("a[0] = :v", ex.ExpressionContext(None, {":v": N(1)}))
    assert ex.evaluate(condition, item)
    assert item == {"a": {"L": [N(1)]}}
