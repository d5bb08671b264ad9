"""The sortable key encoding orders numbers, strings and binaries exactly as DynamoDB."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fogbank.services.dynamodb.keys import encode_key_value, encode_number, prefix_upper_bound

numbers = st.decimals(min_value=Decimal("-1e30"), max_value=Decimal("1e30"), allow_nan=False,
                      allow_infinity=False, places=None).map(lambda d: d.normalize())
LARGEST = "9.9999999999999999999999999999999999999E+125"
tiny_and_huge = st.sampled_from(["1E-130", "-1E-130", LARGEST, "-" + LARGEST, "0", "-0",
                                 "1.5", "1.50", "15", "-15", "-1.5", "0.001", "-0.001"])


@given(st.lists(st.one_of(numbers.map(str), tiny_and_huge), min_size=2, max_size=20))
def test_number_bytes_sort_numerically(texts):
    by_bytes = sorted(texts, key=encode_number)
    assert [Decimal(t) for t in by_bytes] == sorted(Decimal(t) for t in texts)


def test_equal_numbers_encode_equal():
    assert encode_number("1.50") == encode_number("1.5") == encode_number("15E-1")
    assert encode_number("-0") == encode_number("0")


@given(st.lists(st.text(), min_size=2, max_size=10))
def test_strings_sort_by_utf8_bytes(texts):
    encoded = sorted(texts, key=lambda t: encode_key_value({"S": t}))
    assert encoded == sorted(texts, key=lambda t: t.encode("utf-8"))


@given(st.binary(max_size=6), st.binary(max_size=6))
def test_prefix_upper_bound(prefix, other):
    upper = prefix_upper_bound(prefix)
    if other.startswith(prefix):
        assert upper is None or other < upper
    elif other > prefix:
        assert upper is not None and other >= upper
