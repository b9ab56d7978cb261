"""Exact conversion between token units (integers) and decimal amounts. Never floats."""

from decimal import Context, Decimal, InvalidOperation, localcontext

MAX_UINT256 = 2**256 - 1
# Enough digits for any uint256 at any scale: no rounding ever happens inside this module.
_EXACT = Context(prec=200)


class InvalidAmount(ValueError):
    """The amount cannot be represented exactly in the token's smallest unit."""


def _check_decimals(decimals):
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 36:
        raise InvalidAmount(
            f"Token decimals must be an integer between 0 and 36, not {decimals!r}."
        )


def to_units(amount, decimals):
    """Return the integer number of smallest units for ``amount`` (Decimal, int or str).

    Refuses floats (they are not exact), negative amounts, NaN/infinity, more fractional digits
    than the token has (no silent rounding) and values beyond uint256.
    """
    _check_decimals(decimals)
    if isinstance(amount, (float, bool)):
        raise InvalidAmount("Amounts must be given as Decimal, int or text, never as a float.")
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidAmount(f"{amount!r} is not a number.") from exc
    if not value.is_finite():
        raise InvalidAmount(f"{amount!r} is not a finite amount.")
    if value < 0:
        raise InvalidAmount(f"{amount!r} is negative.")
    with localcontext(_EXACT):
        scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(
            f"{amount} has more than {decimals} decimal places: it cannot be paid exactly."
        )
    units = int(scaled)
    if units > MAX_UINT256:
        raise InvalidAmount(f"{amount} is too large for a token amount.")
    return units


def from_units(units, decimals):
    """Return the exact Decimal value of ``units`` smallest units."""
    _check_decimals(decimals)
    if isinstance(units, bool) or not isinstance(units, int):
        raise InvalidAmount(f"Token units must be an integer, not {units!r}.")
    if not 0 <= units <= MAX_UINT256:
        raise InvalidAmount(f"{units} is out of the uint256 range.")
    with localcontext(_EXACT):
        return Decimal(units).scaleb(-decimals)


def format_units(units, decimals, places=2, grouping=False):
    """``units`` as exact text: ``places`` decimals (the currency's), more only where the units
    need them, so nothing is ever rounded away ("7.77", "7.770001"); with ``grouping`` the
    thousands are separated for reading ("1,037.45"), without it the text is what a wallet
    accepts."""
    amount = from_units(units, decimals)
    with localcontext(_EXACT):  # any uint256, not the default 28 digits
        short = amount.quantize(Decimal(1).scaleb(-min(places, decimals)))
        shown = short if short == amount else amount.normalize()
    return f"{shown:,f}" if grouping else f"{shown:f}"
