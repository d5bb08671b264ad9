"""AttributeValue validation, number normalisation, comparison and item size."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.types import (
    compare,
    item_size_bytes,
    normalize_number,
    validate_item,
    validate_value,
    values_equal,
)

INVALID = "One or more parameter values were invalid: "


def message(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationException) as info:
        call(*args, **kwargs)
    return info.value.message


@pytest.mark.parametrize(("text", "normal"), [
    ("1.50", "1.5"), ("-0", "0"), ("0.000", "0"), ("1e2", "100"), ("1E+2", "100"),
    ("+5", "5"), ("007", "7"), (".5", "0.5"), ("5.", "5"), ("-1.2300e-3", "-0.00123"),
    ("100", "100"), ("12345678901234567890123456789012345678",
                     "12345678901234567890123456789012345678"),
    ("1E125", "1" + "0" * 125), ("9.9999999999999999999999999999999999999E+125",
                                 "99999999999999999999999999999999999999" + "0" * 88),
    ("1E-130", "0." + "0" * 129 + "1"), ("-1E-130", "-0." + "0" * 129 + "1"),
    ("1000000000000000000000000000000000000000000", "1" + "0" * 42),  # 1 significant digit
])
def test_normalize_number(text, normal) -> None:
    assert normalize_number(text) == normal


@pytest.mark.parametrize(("text", "error"), [
    ("123456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("1.000000000000000000000000000000000000001",
     "Attempting to store more than 38 significant digits in a Number"),
    ("1E126", "Number overflow. Attempting to store a number with magnitude larger than "
              "supported range"),
    ("-1E126", "Number overflow. Attempting to store a number with magnitude larger than "
               "supported range"),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than "
               "supported range"),
    ("abc", "A value provided cannot be converted into a number"),
    ("", "A value provided cannot be converted into a number"),
    ("1e", "A value provided cannot be converted into a number"),
    (" 1", "A value provided cannot be converted into a number"),
    ("NaN", "A value provided cannot be converted into a number"),
    ("Infinity", "A value provided cannot be converted into a number"),
    ("0x10", "A value provided cannot be converted into a number"),
    ("1,000", "A value provided cannot be converted into a number"),
])
def test_number_errors(text, error) -> None:
    assert message(normalize_number, text) == error


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d == 0 or -130 <= d.adjusted() < 126))
def test_normalized_numbers_are_stable_and_equal(value) -> None:
    digits = value.as_tuple().digits
    if len("".join(map(str, digits)).strip("0")) > 38:
        return
    normal = normalize_number(str(value))
    assert normalize_number(normal) == normal
    assert "e" not in normal.lower()
    assert values_equal({"N": normal}, {"N": str(value)})


@pytest.mark.parametrize(("value", "error"), [
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported "
         "datatypes"),
    ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, must "
                           "contain exactly one of the supported datatypes"),
    ({"SS": []}, INVALID + "An string set  may not be empty"),
    ({"NS": []}, INVALID + "An number set  may not be empty"),
    ({"BS": []}, INVALID + "Binary sets should not be empty"),
    ({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
    ({"NS": ["1", "1.0"]}, INVALID + "Input collection [1, 1.0] contains duplicates."),
    ({"BS": [b"x", b"x"]}, INVALID + "Input collection [x, x] contains duplicates."),
    ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
    ({"N": "1e200"}, "Number overflow. Attempting to store a number with magnitude larger "
                     "than supported range"),
    ({"NS": ["1", "x"]}, "A value provided cannot be converted into a number"),
    ({"M": {"a": {"L": [{"SS": []}]}}}, INVALID + "An string set  may not be empty"),
    ({"X": "1"}, "Supplied AttributeValue is empty, must contain exactly one of the supported "
                 "datatypes"),
])
def test_invalid_values(value, error) -> None:
    assert message(validate_value, value) == error


def test_nesting_limit() -> None:
    value: dict = {"S": "x"}
    for _ in range(33):
        value = {"L": [value]}
    assert "32 nesting levels" in message(validate_value, value)


def test_validate_item_normalises_numbers_and_allows_empty_strings() -> None:
    item = {"a": {"N": "1.50"}, "s": {"S": ""}, "b": {"B": b""},
            "m": {"M": {"x": {"NS": ["01", "2.0"]}}}, "t": {"BOOL": False}, "z": {"NULL": True}}
    validate_item(item)
    assert item["a"] == {"N": "1.5"} and item["m"]["M"]["x"] == {"NS": ["1", "2"]}


def test_compare() -> None:
    assert compare({"N": "9"}, {"N": "10"}) == -1
    assert compare({"N": "-1.5"}, {"N": "-1.50"}) == 0
    assert compare({"S": "b"}, {"S": "a"}) == 1
    assert compare({"S": "\u00e9"}, {"S": "\uff21"}) == -1  # UTF-8 byte order
    assert compare({"B": b"\x01\xff"}, {"B": b"\x02"}) == -1
    assert compare({"S": "1"}, {"N": "1"}) is None
    assert compare({"BOOL": True}, {"BOOL": True}) is None


def test_values_equal() -> None:
    assert values_equal({"NS": ["1", "2"]}, {"NS": ["2", "1.0"]})
    assert values_equal({"M": {"a": {"N": "1"}}}, {"M": {"a": {"N": "1.0"}}})
    assert not values_equal({"L": [{"N": "1"}]}, {"L": [{"N": "1"}, {"N": "1"}]})
    assert not values_equal({"S": "1"}, {"N": "1"})


@pytest.mark.parametrize(("item", "size"), [
    ({"a": {"S": "abc"}}, 1 + 3),
    ({"name": {"S": "\u00e9"}}, 4 + 2),                     # UTF-8 bytes
    ({"a": {"B": b"12345"}}, 1 + 5),
    ({"a": {"BOOL": True}, "b": {"NULL": True}}, 2 + 2),
    ({"a": {"N": "1"}}, 1 + 2),                              # 1 digit -> 1 + 1 byte
    ({"a": {"N": "123456"}}, 1 + 4),                         # 6 digits -> 3 + 1
    ({"a": {"N": "-12345"}}, 1 + 5),                         # 5 digits -> 3 + 1, sign +1
    ({"a": {"N": "1000000"}}, 1 + 2),                        # trailing zeros are trimmed
    ({"a": {"SS": ["ab", "c"]}}, 1 + 3),
    ({"a": {"L": [{"S": "x"}, {"N": "1"}]}}, 1 + 3 + (1 + 1) + (1 + 2)),
    ({"a": {"M": {"k": {"S": "vv"}}}}, 1 + 3 + 1 + 1 + 2),
    ({"a": {"L": []}}, 1 + 3),
])
def test_item_size(item, size) -> None:
    assert item_size_bytes(item) == size


def test_400kb_item_boundary_is_countable() -> None:
    assert item_size_bytes({"p": {"S": "x" * (400 * 1024 - 1)}}) == 400 * 1024


# -- the write path's fused validation and size (validate_item_sized) ----------------------

from decimal import Decimal as _Decimal  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

from fogbank.services.dynamodb import types as _types  # noqa: E402


@given(_st.decimals(allow_nan=False, allow_infinity=False, places=None)
       .filter(lambda d: abs(d) < _Decimal("1e30") and (d == 0 or abs(d) > _Decimal("1e-30")))
       .map(lambda d: format(d, "f")))
def test_canonical_numbers_take_the_short_cut_with_the_same_answer(text: str) -> None:
    try:
        slow: str | Exception = _types.format_number(_types.parse_number(text))
    except Exception as error:  # noqa: BLE001 - the same error is expected
        slow = error
    try:
        fast: str | Exception = _types.normalize_number(text)
    except Exception as error:  # noqa: BLE001
        fast = error
    if isinstance(slow, Exception):
        assert type(fast) is type(slow) and str(fast) == str(slow)
    else:
        assert fast == slow


def test_validate_item_sized_agrees_with_validate_then_size() -> None:
    import copy
    item = {"pk": {"S": "a"}, "n": {"N": "1.50"}, "m": {"M": {"x": {"N": "2"}}},
            "é": {"S": "ü"}, "b": {"B": b"xx"}, "ns": {"NS": ["1", "2.50"]},
            "null": {"NULL": True}}
    slow = copy.deepcopy(item)
    _types.validate_item(slow)
    assert _types.validate_item_sized(item) == _types.item_size_bytes(slow)
    assert item == slow and item["n"] == {"N": "1.5"}
    for bad in ({"a": {}}, {"a": {"S": 1}}, {"a": {"N": "x"}}, {"a": {"S": "x", "N": "1"}}):
        errors = []
        for check in (_types.validate_item, _types.validate_item_sized):
            try:
                check(copy.deepcopy(bad))
            except Exception as error:  # noqa: BLE001
                errors.append((type(error), str(error)))
        assert len(errors) == 2 and errors[0] == errors[1]
