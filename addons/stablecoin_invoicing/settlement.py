# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settlement arithmetic of a token receipt paying an invoice: pure Python, no Odoo.

:func:`plan` is the one entry point :meth:`stablecoin.transfer._settlement` books a receipt
by: it takes every input (the amounts due, the tokens paid and asked, the company's
underpayment tolerance, fees an intermediary withheld) and returns the booking
:class:`Plan`: the invoice-currency amount the receipt settles, the shortfall and whether it
is written off, the tokens paid over, and the payment's write-off lines (tolerated shortfall
or fees, exchange difference) as plain data, which the model only turns into journal item
values. The rules it applies are the functions below it (:func:`split_payment`,
:func:`is_tolerated`, :func:`cross_currency_lines`, :func:`company_share`), tested on their
own. Also the small "tag" that makes an amount asked on a shared address unique
(:func:`unique_tag_room`, :func:`pick_tag`).

Only ``int`` and :class:`~decimal.Decimal` go in (a ``float`` is refused) and every result is
exact: sums and products are computed without rounding, and a quotient is rounded once, half
away from zero ("half-up", as Odoo's ``res.currency.round``) to the currency's decimals. A
currency's rounding is taken to be ``10 ** -decimals``. Converting between currencies at a
rate stays in the ORM: :func:`plan` asks its caller's ``convert`` (Odoo's ``_convert``, which
rounds to the target currency) for each amount it needs in another currency.

Invariants (checked by ``tests/test_settlement.py``):

* :func:`plan`: ``settled + shortfall == due`` (``due`` taken as 0 when negative) and
  ``0 <= settled <= due``; ``extra_units > 0`` only when nothing is short; ``tolerated``
  only when something is short, and then exactly one ``tolerance`` or ``fee`` line, none
  otherwise (``fee`` when the fees withheld cover the shortfall, else only when
  :func:`is_tolerated` says so); in one currency no exchange line, the shortfall's line in
  the token's currency is the shortfall itself; across currencies the payment's entry
  balances (below), an exchange line is never zero, a loss is a debit and a gain a credit.
  Paying more never settles less.
* :func:`split_payment`: ``settled + shortfall == due`` and ``0 <= settled <= due``; both have
  at most the invoice currency's decimals; ``extra_units > 0`` only when nothing is short;
  with nothing due, ``extra_units == paid_units`` (a receipt is never income by default).
* :func:`cross_currency_lines`: the payment's journal entry balances, exactly (to
  ``comp_decimals``), when ``paid_company`` and ``extra_company`` are amounts of the company
  currency (at most ``comp_decimals`` places)::

      paid_company + tolerance_company + exchange
          == settled_company + tolerance_company + extra_company

  (debits: the payment, the tolerated write-off, a loss on exchange; credit: the receivable
  counterpart, settled plus written off plus overpaid), where
  ``settled_company = company_share(settled, due, due_company, comp_decimals)``.
* :func:`unique_tag_room`: adding a tag ``0 <= t <= room`` smallest token units to an amount
  that is a whole number of the currency's smallest unit (as the request's ``_units_for``
  makes the amounts asked) never changes that amount rounded to the currency's decimals.
"""

import decimal
from dataclasses import dataclass
from decimal import Decimal

# The currencies :func:`plan` asks its ``convert`` to convert between.
INVOICE, TOKEN, COMPANY = "invoice", "token", "company"
# The kinds of write-off lines of a plan.
TOLERANCE, FEE, EXCHANGE_LOSS, EXCHANGE_GAIN = "tolerance", "fee", "exchange_loss", "exchange_gain"

# The allowance on the tolerated percentage: ``shortfall / due * 100 <= percent + 1e-9``. The
# comparison is exact and needs none: it is the epsilon of the float rule this one replaced,
# kept so that the same shortfalls stay tolerated (the floats misjudged only a hair from the
# boundary). It lets a zero percentage tolerate up to ``due * 1e-11``.
PERCENT_EPSILON = Decimal("1e-9")
# Sums, differences and products of finite decimals are exact in this context; anything
# inexact (a division) raises instead of rounding silently.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def _dec(value, name):
    """``value`` (an int or a finite Decimal) as a Decimal; a float or anything else raises."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{name} must be an int or a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be finite")
    return value


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def _decimals(value, name):
    if _int(value, name) < 0:
        raise ValueError(f"{name} must be >= 0")
    return value


def _from_minor(minor, decimals):
    """``minor`` smallest units of a currency with ``decimals`` places, exactly."""
    digits = tuple(int(c) for c in str(abs(minor)))
    return Decimal((1 if minor < 0 else 0, digits, -decimals))


def _minor(amount, decimals, name):
    """``amount`` in smallest units; it must have at most ``decimals`` places."""
    num, den = amount.as_integer_ratio()
    minor, rest = divmod(num * 10**decimals, den)
    if rest:
        raise ValueError(f"{name} ({amount}) has more than {decimals} decimal places")
    return minor


def _div_half_up(num, den):
    """``num / den`` (ints, ``den != 0``) rounded to an int, half away from zero."""
    if den < 0:
        num, den = -num, -den
    quotient, rest = divmod(abs(num), den)
    if 2 * rest >= den:
        quotient += 1
    return -quotient if num < 0 else quotient


def _round_ratio(num, den, decimals):
    """``num / den`` (ints, ``den != 0``) rounded half away from zero to ``decimals``."""
    return _from_minor(_div_half_up(num * 10**decimals, den), decimals)


def round_half_up(amount, decimals):
    """``amount`` rounded half away from zero to ``decimals`` places (``res.currency.round``)."""
    num, den = _dec(amount, "amount").as_integer_ratio()
    return _round_ratio(num, den, _decimals(decimals, "decimals"))


def split_payment(paid_units, requested_units, due, inv_decimals):
    """Split a receipt of ``paid_units`` against a request of ``requested_units`` (token units).

    ``due`` is the invoice's amount due (invoice currency, ``due >= 0``, at most
    ``inv_decimals`` places). Returns ``(settled, shortfall, extra_units)``:

    * ``paid_units >= requested_units``: all of ``due`` is settled, nothing is short and
      ``extra_units = paid_units - requested_units`` were paid over;
    * less: ``settled = due * paid_units / requested_units`` rounded half-up to
      ``inv_decimals``, ``shortfall = due - settled``, ``extra_units = 0``.

    ``requested_units`` ``None`` or ``<= 0`` means no request (the model: no quote): the
    receipt is taken as the amount asked, so it settles ``due`` with no extra.

    ``due`` 0 (paid already, e.g. by the first of two identical sends): nothing is settled
    and all of ``paid_units`` is extra, the customer's credit, whatever was requested.
    """
    paid_units = _int(paid_units, "paid_units")
    if paid_units < 0:
        raise ValueError("paid_units must be >= 0")
    if requested_units is None or _int(requested_units, "requested_units") <= 0:
        requested_units = paid_units
    inv_decimals = _decimals(inv_decimals, "inv_decimals")
    due = _dec(due, "due")
    if due < 0:
        raise ValueError("due must be >= 0")
    due_minor = _minor(due, inv_decimals, "due")
    if not due_minor:
        return due, _from_minor(0, inv_decimals), paid_units
    if paid_units >= requested_units:
        return due, _from_minor(0, inv_decimals), paid_units - requested_units
    settled_minor = _div_half_up(due_minor * paid_units, requested_units)
    return (
        _from_minor(settled_minor, inv_decimals),
        _from_minor(due_minor - settled_minor, inv_decimals),
        0,
    )


def is_tolerated(shortfall, due, percent, amount, shortfall_in_amount_currency=None):
    """Whether a ``shortfall`` on ``due`` (invoice currency) is written off under the
    company's underpayment tolerance (``stablecoin_tolerance_amount`` and ``_percent``).

    True when ``shortfall > 0`` and either

    * the shortfall is at most ``amount`` (``<=``, not strict; zero tolerates nothing).
      ``amount`` is the company's tolerance in its currency and
      ``shortfall_in_amount_currency`` the shortfall converted to that currency, both rounded
      to it as ``_convert`` and a Monetary field are; without it, ``shortfall`` and ``amount``
      share a currency;
    * or ``shortfall / due * 100 <= percent + 1e-9`` (see :data:`PERCENT_EPSILON`: a zero
      percentage still tolerates a shortfall up to ``due * 1e-11``); never when ``due`` is 0.

    A company without a write-off account tolerates nothing: the caller checks that before.
    """
    shortfall = _dec(shortfall, "shortfall")
    due = _dec(due, "due")
    percent = _dec(percent, "percent")
    amount = _dec(amount, "amount")
    if shortfall <= 0:
        return False
    in_amount_currency = (
        shortfall
        if shortfall_in_amount_currency is None
        else _dec(shortfall_in_amount_currency, "shortfall_in_amount_currency")
    )
    if in_amount_currency <= amount:
        return True
    if not due:
        return False
    # shortfall / due * 100 <= percent + eps, multiplied out by due (flipping if negative).
    left = _EXACT.multiply(shortfall, 100)
    right = _EXACT.multiply(_EXACT.add(percent, PERCENT_EPSILON), due)
    return left <= right if due > 0 else left >= right


def company_share(part, due, due_company, comp_decimals):
    """The company-currency value of ``part`` of ``due`` at the invoice's own rate:
    ``due_company * part / due`` rounded half-up to ``comp_decimals`` (0 when ``due`` is 0)."""
    part = _dec(part, "part")
    due = _dec(due, "due")
    due_company = _dec(due_company, "due_company")
    comp_decimals = _decimals(comp_decimals, "comp_decimals")
    if not due:
        return _from_minor(0, comp_decimals)
    num_c, den_c = due_company.as_integer_ratio()
    num_p, den_p = part.as_integer_ratio()
    num_d, den_d = due.as_integer_ratio()
    return _round_ratio(num_c * num_p * den_d, den_c * den_p * num_d, comp_decimals)


def cross_currency_lines(
    due_company,
    due,
    settled,
    shortfall,
    tolerated,
    paid_company,
    extra_company,
    comp_decimals,
):
    """The company-currency write-offs of a payment in a token of another currency than the
    invoice: ``(tolerance_company, exchange)``.

    ``due`` / ``due_company``: the invoice's amount due in its currency and in the company's;
    ``settled``, ``shortfall``, ``tolerated``: from :func:`split_payment` and
    :func:`is_tolerated`; ``paid_company`` / ``extra_company``: the receipt and its overpaid
    part converted to the company currency. As the model computes them::

        settled_company   = round(due_company * settled / due)
        tolerance_company = round(due_company * shortfall / due) if tolerated else 0
        needed            = settled_company + tolerance_company + extra_company
        exchange          = round(needed - paid_company - tolerance_company)

    ``exchange > 0`` is a loss (the payment is worth less than what it settles), ``< 0`` a
    gain; the model books no exchange line when it is zero.
    """
    paid_company = _dec(paid_company, "paid_company")
    extra_company = _dec(extra_company, "extra_company")
    settled_company = company_share(settled, due, due_company, comp_decimals)
    tolerance_company = (
        company_share(shortfall, due, due_company, comp_decimals)
        if tolerated
        else _from_minor(0, comp_decimals)
    )
    needed = _EXACT.add(_EXACT.add(settled_company, tolerance_company), extra_company)
    exchange = round_half_up(
        _EXACT.subtract(_EXACT.subtract(needed, paid_company), tolerance_company), comp_decimals
    )
    return tolerance_company, exchange


def unique_tag_room(token_decimals, currency_decimals, cap=999):
    """The largest tag ``t`` such that adding up to ``t`` smallest token units to an amount
    that is a whole number of the currency's smallest unit never changes it once rounded
    (half-up) to ``currency_decimals``: ``(10 ** (token_decimals - currency_decimals) - 1) // 2``,
    at most ``cap`` (``None``: no cap); 0 when the token has no more decimals than the
    currency."""
    token_decimals = _decimals(token_decimals, "token_decimals")
    currency_decimals = _decimals(currency_decimals, "currency_decimals")
    if token_decimals <= currency_decimals:
        return 0
    room = (10 ** (token_decimals - currency_decimals) - 1) // 2
    return room if cap is None else max(0, min(room, _int(cap, "cap")))


def pick_tag(base_units, taken, room):
    """The smallest tag ``t`` in ``0..room`` with ``base_units + t`` not in ``taken`` (a set
    of amounts in token units), or None when every one is taken."""
    base_units = _int(base_units, "base_units")
    for tag in range(_int(room, "room") + 1):
        if base_units + tag not in taken:
            return tag
    return None


# -- the booking plan --------------------------------------------------------------------------
@dataclass(frozen=True)
class Tolerance:
    """A company's underpayment tolerance: a shortfall up to ``percent`` of the amount due, or
    up to ``amount`` of the company's currency, is written off (see :func:`is_tolerated`)."""

    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class WriteOff:
    """One write-off line of the payment: ``kind`` (:data:`TOLERANCE`, :data:`FEE`,
    :data:`EXCHANGE_LOSS`, :data:`EXCHANGE_GAIN`), ``balance`` in the company's currency
    (positive: a debit) and ``amount_currency`` in the token's currency."""

    kind: str
    balance: Decimal
    amount_currency: Decimal


@dataclass(frozen=True)
class Plan:
    """How a receipt is booked on an invoice: the ``due`` it was weighed against (invoice
    currency, at least 0) and the ``requested_units`` asked for it (:func:`requested_now`),
    ``settled`` and ``shortfall`` (``settled + shortfall == due``), the ``extra_units`` paid
    over (token units), whether the shortfall is ``tolerated`` (written off: a
    :data:`TOLERANCE` or :data:`FEE` line) and the payment's ``write_offs``."""

    due: Decimal
    requested_units: int | None
    settled: Decimal
    shortfall: Decimal
    extra_units: int
    tolerated: bool
    write_offs: tuple[WriteOff, ...]


def requested_now(requested_units, requested_for, due, inv_decimals):
    """The token units a request asks for what is ``due`` now: ``requested_units`` priced
    ``requested_for`` (invoice currency; ``None``: priced ``due`` itself); when that differs
    from ``due`` (paid in part since), the same rate applied to ``due``, rounded down:
    ``requested_units * due // requested_for`` (0 when ``requested_for <= 0``). ``None``
    without a request."""
    if requested_units is None:
        return None
    requested_units = _int(requested_units, "requested_units")
    if requested_for is None:
        return requested_units
    due_minor = _minor(_dec(due, "due"), inv_decimals, "due")
    for_minor = _minor(_dec(requested_for, "requested_for"), inv_decimals, "requested_for")
    if for_minor == due_minor:
        return requested_units
    return requested_units * due_minor // for_minor if for_minor > 0 else 0


def plan(
    *,
    due,
    due_company,
    paid_units,
    token_decimals,
    requested_units,
    same_currency,
    inv_decimals,
    comp_decimals,
    convert,
    requested_for=None,
    tolerance=None,
    fee=None,
):
    """The booking :class:`Plan` of a receipt of ``paid_units`` (token units, the token has
    ``token_decimals``) paying an invoice.

    ``due`` / ``due_company``: what is open on the invoice, in its currency (at most
    ``inv_decimals`` places; taken as 0 when negative) and in the company's (at most
    ``comp_decimals``), as Odoo's receivable lines say. ``requested_units``: what the
    invoice's request asks, priced ``requested_for`` (see :func:`requested_now`); ``None``:
    no request, the receipt settles what is due. ``same_currency``: the token's currency is
    the invoice's (Odoo then books the exchange difference itself; the lines here carry only
    the written-off shortfall). ``tolerance``: the company's :class:`Tolerance` (``None``:
    nothing is tolerated, the company has no write-off account). ``fee``: what an
    intermediary withheld from the receipt, in the invoice's currency (``None``: nothing to
    book it to); a shortfall it covers is booked as the fee, tolerance or not.

    ``convert(amount, source, target)``: ``amount`` (a Decimal) of currency ``source``
    (:data:`INVOICE`, :data:`TOKEN`, :data:`COMPANY`) in ``target``, rounded to it, as a
    Decimal: Odoo's ``_convert`` at the booking date. Called only for the amounts needed.
    """
    due = max(_dec(due, "due"), Decimal(0))
    due_company = _dec(due_company, "due_company")
    inv_decimals = _decimals(inv_decimals, "inv_decimals")
    comp_decimals = _decimals(comp_decimals, "comp_decimals")
    token_decimals = _decimals(token_decimals, "token_decimals")
    requested = requested_now(requested_units, requested_for, due, inv_decimals)
    settled, shortfall, extra_units = split_payment(paid_units, requested, due, inv_decimals)
    fee_covered = fee is not None and 0 < shortfall <= _dec(fee, "fee")
    # The shortfall in the company's currency: the tolerance's amount is stated in it, and in
    # one currency it is the written-off line's balance.
    short_company = None
    if shortfall > 0 and (tolerance is not None or (same_currency and fee_covered)):
        short_company = _dec(convert(shortfall, INVOICE, COMPANY), "converted shortfall")
    tolerated = fee_covered or (
        tolerance is not None
        and is_tolerated(
            shortfall,
            due,
            tolerance.percent,
            tolerance.amount,
            shortfall_in_amount_currency=short_company,
        )
    )
    kind = FEE if fee_covered else TOLERANCE
    lines = []
    if same_currency:
        if tolerated:
            lines.append(WriteOff(kind, short_company, shortfall))
    else:
        paid_company = _dec(
            convert(_from_minor(paid_units, token_decimals), TOKEN, COMPANY), "converted paid"
        )
        extra_company = (
            _dec(convert(_from_minor(extra_units, token_decimals), TOKEN, COMPANY), "extra")
            if extra_units
            else _from_minor(0, comp_decimals)
        )
        tolerance_company, exchange = cross_currency_lines(
            due_company,
            due,
            settled,
            shortfall,
            tolerated,
            paid_company,
            extra_company,
            comp_decimals,
        )
        if tolerated:
            back = _dec(convert(tolerance_company, COMPANY, TOKEN), "converted write-off")
            lines.append(WriteOff(kind, tolerance_company, back))
        if exchange:
            back = _dec(convert(exchange, COMPANY, TOKEN), "converted exchange")
            lines.append(WriteOff(EXCHANGE_LOSS if exchange > 0 else EXCHANGE_GAIN, exchange, back))
    return Plan(
        due=due,
        requested_units=requested,
        settled=settled,
        shortfall=shortfall,
        extra_units=extra_units,
        tolerated=tolerated,
        write_offs=tuple(lines),
    )
