"""Exact conversion between token units and decimals: never a float, never a rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import InvalidAmount, format_units, from_units, to_units
from odoo.addons.stablecoin_wallet.chain.units import MAX_UINT256


@pytest.mark.parametrize(
    "amount, decimals, units",
    [
        ("1", 6, 1_000_000),
        ("0.000001", 6, 1),
        ("1234.56", 6, 1_234_560_000),
        (Decimal("1234.560000"), 6, 1_234_560_000),
        (7, 0, 7),
        ("0.1", 18, 10**17),
        ("0", 6, 0),
    ],
)
def test_to_units_examples(amount, decimals, units):
    assert to_units(amount, decimals) == units


def test_huge_amounts_keep_every_digit():
    # 28 digits is Decimal's default precision: a naive scaleb would round this.
    amount = "123456789012345678901234567890.123456"
    assert to_units(amount, 6) == 123456789012345678901234567890123456
    assert str(from_units(MAX_UINT256, 18)).replace(".", "").lstrip("0") == str(MAX_UINT256)


@pytest.mark.parametrize(
    "amount, message",
    [
        (0.1, "float"),
        ("1.0000001", "decimal places"),
        ("-1", "negative"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("ten", "not a number"),
        (str(MAX_UINT256 + 1), "too large"),
    ],
)
def test_inexact_or_invalid_amounts_are_refused(amount, message):
    with pytest.raises(InvalidAmount, match=message):
        to_units(amount, 6)


@pytest.mark.parametrize("decimals", [-1, 37, 6.0, "6", True])
def test_invalid_decimals_are_refused(decimals):
    with pytest.raises(InvalidAmount, match="decimals"):
        to_units("1", decimals)


@pytest.mark.parametrize("units", [-1, MAX_UINT256 + 1, 1.5, "100"])
def test_from_units_refuses_non_uint256(units):
    with pytest.raises(InvalidAmount):
        from_units(units, 6)


@given(st.integers(min_value=0, max_value=MAX_UINT256), st.integers(min_value=0, max_value=36))
def test_round_trip_is_exact(units, decimals):
    value = from_units(units, decimals)
    assert isinstance(value, Decimal)
    assert to_units(value, decimals) == units
    assert to_units(str(value), decimals) == units


@given(
    units=st.integers(min_value=0, max_value=10**30),
    decimals=st.integers(min_value=0, max_value=18),
    places=st.integers(min_value=0, max_value=4),
)
def test_format_units_is_exact_and_groups_only_for_reading(units, decimals, places):
    plain = format_units(units, decimals, places)
    grouped = format_units(units, decimals, places, grouping=True)
    # Nothing rounded away: the text is the exact amount, with grouping or without.
    assert Decimal(plain) == from_units(units, decimals)
    assert grouped.replace(",", "") == plain
    # At least the currency's places (when the token has them), more only where needed.
    fraction = plain.partition(".")[2]
    assert len(fraction) >= min(places, decimals)


def test_format_units_examples():
    # Found by hypothesis: beyond 28 digits Decimal's default context refused to quantize.
    assert format_units(10**31, 0, 0) == str(10**31)
    assert format_units(MAX_UINT256, 6, 2, grouping=True).replace(",", "") == str(
        from_units(MAX_UINT256, 6)
    )
    assert format_units(1_037_450_000, 6, 2, grouping=True) == "1,037.45"
    assert format_units(1_037_450_000, 6, 2) == "1037.45"
    assert format_units(7_770_001, 6, 2) == "7.770001"
    assert format_units(7_770_000, 6, 2) == "7.77"
    assert format_units(0, 6, 2) == "0.00"
