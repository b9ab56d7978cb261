"""Settlement arithmetic (settlement.py): exact, and the payment's entry always balances.

Plain pytest: the module is loaded from its file, so these tests need no Odoo (importing
``odoo.addons.stablecoin_invoicing.settlement`` would load the addon and its models).
"""

import dataclasses
import importlib.util
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parent.parent / "settlement.py"
_SPEC = importlib.util.spec_from_file_location("stablecoin_invoicing_settlement", _PATH)
settlement = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(settlement)

MAX_UINT256 = 2**256 - 1
# No timing checks: the tests share two cores with other jobs, and a slow draw or example
# there says nothing of the arithmetic.
untimed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

decimals = st.integers(min_value=0, max_value=6)
units = st.integers(min_value=0, max_value=MAX_UINT256)
minor = st.integers(min_value=0, max_value=10**15)


def amount(minor_units, places):
    """``minor_units`` / 10 ** ``places``, exactly (a string never rounds to a context)."""
    return Decimal(f"{minor_units}e-{places}")


def places_of(value):
    return max(0, -value.as_tuple().exponent)


# -- split_payment -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "paid, requested, due, settled, shortfall, extra",
    [
        (60, 100, "100.00", "60.00", "40.00", 0),  # 60 % paid
        (100, 100, "100.00", "100.00", "0.00", 0),
        (150, 100, "100.00", "100.00", "0.00", 50),  # overpaid: all settled, 50 units extra
        (0, 100, "100.00", "0.00", "100.00", 0),
        (1, 3, "100.00", "33.33", "66.67", 0),
        (2, 3, "100.00", "66.67", "33.33", 0),
        (1, 8, "0.01", "0.00", "0.01", 0),  # 0.00125 rounds down
        (1, 2, "0.01", "0.01", "0.00", 0),  # 0.005 rounds half up
        (1, 2, "1", "1", "0", 0),  # a currency without decimals
        (59_999_999, 100_000_000, "100.00", "60.00", "40.00", 0),
        (60, None, "100.00", "100.00", "0.00", 0),  # no request: the receipt is the amount
        (60, 0, "100.00", "100.00", "0.00", 0),
        # Nothing due (paid already): all of it is paid over, requested or not.
        (60, 60, "0.00", "0.00", "0.00", 60),
        (60, 0, "0.00", "0.00", "0.00", 60),
        (60, None, "0.00", "0.00", "0.00", 60),
    ],
)
def test_split_payment_examples(paid, requested, due, settled, shortfall, extra):
    places = 0 if "." not in due else len(due.split(".")[1])
    got = settlement.split_payment(paid, requested, Decimal(due), places)
    assert got == (Decimal(settled), Decimal(shortfall), extra)


def test_split_payment_rounds_exactly_where_floats_would_not():
    # 18-decimal token units: due * paid / requested is far beyond a float's 53 bits.
    requested = 10**30 + 1
    settled, shortfall, _extra = settlement.split_payment(
        requested // 2 + 1, requested, Decimal("0.01"), 2
    )
    assert (settled, shortfall) == (Decimal("0.01"), Decimal("0.00"))
    settled, shortfall, _extra = settlement.split_payment(
        requested // 2, requested, Decimal("0.01"), 2
    )
    assert (settled, shortfall) == (Decimal("0.00"), Decimal("0.01"))


@pytest.mark.parametrize(
    "args, error",
    [
        ((60, 100, 100.0, 2), TypeError),  # a float amount
        ((60.0, 100, Decimal(100), 2), TypeError),
        ((-1, 100, Decimal(100), 2), ValueError),
        ((60, 100, Decimal(-1), 2), ValueError),
        ((60, 100, Decimal("100.001"), 2), ValueError),  # more places than the currency
        ((60, 100, Decimal("NaN"), 2), ValueError),
        ((60, 100, Decimal(100), -1), ValueError),
    ],
)
def test_split_payment_refuses_invalid_input(args, error):
    with pytest.raises(error):
        settlement.split_payment(*args)


@untimed
@given(units, st.one_of(st.none(), units), minor, decimals)
def test_split_payment_invariants(paid, requested, due_minor, places):
    due = amount(due_minor, places)
    settled, shortfall, extra = settlement.split_payment(paid, requested, due, places)
    assert settled + shortfall == due
    assert 0 <= settled <= due
    assert places_of(settled) <= places and places_of(shortfall) <= places
    asked = paid if not requested else requested
    if not due:
        assert (settled, shortfall, extra) == (0, 0, paid)  # nothing owed: all paid over
    elif paid >= asked:
        assert (settled, shortfall, extra) == (due, 0, paid - asked)
    else:
        assert extra == 0
        # At most half a smallest unit from the exact proportion, as the ORM's round.
        exact_minor_times_asked = due_minor * paid
        assert abs(int(settled.scaleb(places)) * asked - exact_minor_times_asked) * 2 <= asked


@untimed
@given(units, units, units, minor, decimals)
def test_split_payment_pays_more_for_more(paid_a, paid_b, requested, due_minor, places):
    due = amount(due_minor, places)
    low, high = sorted((paid_a, paid_b))
    assert (
        settlement.split_payment(low, requested, due, places)[0]
        <= settlement.split_payment(high, requested, due, places)[0]
    )


# -- is_tolerated ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shortfall, due, percent, amount_, expected",
    [
        ("1.00", "100.00", "1", "0", True),  # exactly the percentage: tolerated
        ("1.01", "100.00", "1", "0", False),
        ("1.00", "100.00", "0", "1.00", True),  # exactly the amount: tolerated
        ("1.01", "100.00", "0", "1.00", False),
        ("1.01", "100.00", "1", "1.00", False),  # neither
        ("1.01", "100.00", "2", "1.00", True),  # the percentage
        ("0.00", "100.00", "100", "1000", False),  # nothing short: nothing to write off
        ("-1", "100.00", "100", "1000", False),
        ("0.01", "0", "100", "0", False),  # no amount due: no share
        ("0.01", "100.00", "0", "0", False),  # zero settings tolerate nothing...
        # ...but the 1e-9 allowance (PERCENT_EPSILON): up to due * 1e-11 short at 0 %.
        ("0.01", "1000000000.00", "0", "0", True),
        ("0.01", "999999999.99", "0", "0", False),
    ],
)
def test_is_tolerated_examples(shortfall, due, percent, amount_, expected):
    got = settlement.is_tolerated(
        Decimal(shortfall), Decimal(due), Decimal(percent), Decimal(amount_)
    )
    assert got is expected


def test_is_tolerated_compares_the_amount_in_its_own_currency():
    # 1.50 short on the invoice, worth 0.90 in the company's currency where 1.00 is tolerated.
    args = (Decimal("1.50"), Decimal("100.00"), Decimal(0), Decimal("1.00"))
    assert not settlement.is_tolerated(*args)
    assert settlement.is_tolerated(*args, shortfall_in_amount_currency=Decimal("0.90"))
    assert not settlement.is_tolerated(*args, shortfall_in_amount_currency=Decimal("1.01"))


def test_is_tolerated_refuses_floats():
    with pytest.raises(TypeError):
        settlement.is_tolerated(Decimal(1), Decimal(100), 1.5, Decimal(0))


@untimed
@given(minor, minor, minor, st.integers(min_value=0, max_value=10_000), minor, decimals)
def test_a_smaller_shortfall_is_tolerated_too(small, big, due_minor, percent_bp, limit, places):
    small, big = sorted((small + 1, big + 1))
    due, percent = amount(due_minor, places), amount(percent_bp, 2)
    tolerance = amount(limit, places)
    if settlement.is_tolerated(amount(big, places), due, percent, tolerance):
        assert settlement.is_tolerated(amount(small, places), due, percent, tolerance)


# -- cross_currency_lines ----------------------------------------------------------------------
def test_cross_currency_example():
    # Invoice 100.00 EUR due, 110.00 USD in the company's books; 60 % of the quoted tokens
    # arrive, worth 65.00 USD today; the 40.00 EUR short is tolerated.
    settled, shortfall, _extra = settlement.split_payment(60, 100, Decimal("100.00"), 2)
    tolerance, exchange = settlement.cross_currency_lines(
        Decimal("110.00"), Decimal("100.00"), settled, shortfall, True, Decimal("65.00"), 0, 2
    )
    assert (tolerance, exchange) == (Decimal("44.00"), Decimal("1.00"))  # 66.00 - 65.00: a loss
    tolerance, exchange = settlement.cross_currency_lines(
        Decimal("110.00"), Decimal("100.00"), settled, shortfall, False, Decimal("67.50"), 0, 2
    )
    assert (tolerance, exchange) == (Decimal("0.00"), Decimal("-1.50"))  # a gain


def test_cross_currency_overpayment():
    # 150 units for 100 asked: all 100.00 settled (110.00), 50 units extra worth 55.50.
    settled, shortfall, extra = settlement.split_payment(150, 100, Decimal("100.00"), 2)
    assert extra == 50
    tolerance, exchange = settlement.cross_currency_lines(
        Decimal("110.00"), Decimal("100.00"), settled, shortfall, False, Decimal("166.50"), 55, 2
    )
    assert (tolerance, exchange) == (Decimal("0.00"), Decimal("-1.50"))


def test_cross_currency_nothing_due():
    assert settlement.cross_currency_lines(0, 0, 0, 0, False, Decimal("1.00"), 0, 2) == (
        Decimal("0.00"),
        Decimal("-1.00"),
    )


@untimed
@given(
    units,
    units,
    minor,
    decimals,
    minor,
    decimals,
    st.booleans(),
    minor,
    minor,
)
def test_the_payment_entry_balances(
    paid,
    requested,
    due_minor,
    inv_places,
    due_company_minor,
    comp_places,
    tolerated,
    paid_company_minor,
    extra_company_minor,
):
    due, due_company = amount(due_minor, inv_places), amount(due_company_minor, comp_places)
    settled, shortfall, extra = settlement.split_payment(paid, requested, due, inv_places)
    tolerated = tolerated and shortfall > 0
    paid_company = amount(paid_company_minor, comp_places)
    extra_company = amount(extra_company_minor, comp_places) if extra else Decimal(0)
    tolerance, exchange = settlement.cross_currency_lines(
        due_company, due, settled, shortfall, tolerated, paid_company, extra_company, comp_places
    )
    settled_company = settlement.company_share(settled, due, due_company, comp_places)
    debit = paid_company + tolerance + exchange
    credit = settled_company + tolerance + extra_company
    assert debit == credit
    assert places_of(tolerance) <= comp_places and places_of(exchange) <= comp_places
    if tolerated:
        assert tolerance == settlement.company_share(shortfall, due, due_company, comp_places)
        # Settled and written off together clear the receivable, give or take one rounding.
        assert abs(settled_company + tolerance - due_company) <= Decimal(1).scaleb(-comp_places)
    else:
        assert tolerance == 0
    if paid_company == settled_company + extra_company:
        assert exchange == 0


# -- unique tags -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "token_decimals, currency_decimals, cap, room",
    [
        (6, 2, 999, 999),
        (6, 2, None, 4999),
        (18, 2, 999, 999),
        (18, 2, None, (10**16 - 1) // 2),
        (3, 2, 999, 4),
        (2, 2, 999, 0),
        (0, 2, 999, 0),
        (6, 0, None, 499_999),
        (6, 2, 0, 0),
    ],
)
def test_unique_tag_room_examples(token_decimals, currency_decimals, cap, room):
    assert settlement.unique_tag_room(token_decimals, currency_decimals, cap) == room


def test_unique_tag_room_default_cap():
    assert settlement.unique_tag_room(6, 2) == 999
    assert settlement.unique_tag_room(18, 2) == 999
    assert settlement.unique_tag_room(2, 2) == 0


@untimed
@given(
    st.integers(min_value=0, max_value=24),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=0, max_value=10**20),
    st.data(),
)
def test_a_tag_within_the_room_keeps_the_rounded_amount(token_dec, currency_dec, whole, data):
    room = settlement.unique_tag_room(token_dec, currency_dec, cap=None)
    step = 10 ** max(0, token_dec - currency_dec)
    base = whole * step  # a whole number of the currency's smallest unit
    tag = data.draw(st.integers(min_value=0, max_value=room))
    shown = settlement.round_half_up(amount(base + tag, token_dec), currency_dec)
    assert shown == settlement.round_half_up(amount(base, token_dec), currency_dec)
    if token_dec > currency_dec:
        # The room is the largest: one unit more can round up (exactly half does).
        beyond = settlement.round_half_up(amount(base + room + 1, token_dec), currency_dec)
        assert beyond != shown
    assert room == settlement.unique_tag_room(token_dec, currency_dec, cap=None)
    assert settlement.unique_tag_room(token_dec, currency_dec) == min(room, 999)


@pytest.mark.parametrize(
    "base, taken, room, tag",
    [
        (1000, set(), 999, 0),
        (1000, {1000}, 999, 1),
        (1000, {1000, 1001, 1003}, 999, 2),
        (1000, {999, 1002}, 999, 0),  # amounts of other bases do not matter
        (1000, {1000, 1001}, 1, None),  # the room is full
        (1000, {1000}, 0, None),
        (1000, set(), 0, 0),
    ],
)
def test_pick_tag_examples(base, taken, room, tag):
    assert settlement.pick_tag(base, taken, room) == tag


@untimed
@given(
    st.integers(min_value=0, max_value=MAX_UINT256),
    st.sets(st.integers(min_value=0, max_value=40)),
    st.integers(min_value=0, max_value=40),
)
def test_pick_tag_is_the_smallest_free(base, taken_tags, room):
    taken = {base + t for t in taken_tags}
    tag = settlement.pick_tag(base, taken, room)
    if tag is None:
        assert all(base + t in taken for t in range(room + 1))
    else:
        assert 0 <= tag <= room and base + tag not in taken
        assert all(base + t in taken for t in range(tag))


# -- plan: the booking of a receipt ------------------------------------------------------------
INVOICE, TOKEN, COMPANY = settlement.INVOICE, settlement.TOKEN, settlement.COMPANY
WRITTEN_OFF = (settlement.TOLERANCE, settlement.FEE)
EXCHANGE = (settlement.EXCHANGE_LOSS, settlement.EXCHANGE_GAIN)


def round_fraction(value, places):
    """``value`` (a Fraction) rounded half away from zero to ``places``, as a Decimal."""
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))
    return -amount(whole, places) if value < 0 else amount(whole, places)


class Converter:
    """Odoo's ``_convert`` stand-in for the pure tests: ``rates`` (Fractions, per unit of a
    common reference) and the currencies' ``places``; records its calls."""

    def __init__(self, rates, places):
        self.rates, self.places, self.calls = rates, places, []

    def __call__(self, amount, source, target):
        assert isinstance(amount, Decimal)
        self.calls.append((amount, source, target))
        value = Fraction(amount) * self.rates[target] / self.rates[source]
        return round_fraction(value, self.places[target])


def plan_args(**overrides):
    args = {
        "due": Decimal("100.00"),
        "due_company": Decimal("100.00"),
        "paid_units": 100_000_000,
        "token_decimals": 6,
        "requested_units": 100_000_000,
        "same_currency": True,
        "inv_decimals": 2,
        "comp_decimals": 2,
        "convert": Converter(
            {INVOICE: 1, TOKEN: 1, COMPANY: 1}, dict.fromkeys((INVOICE, TOKEN, COMPANY), 2)
        ),
    }
    args.update(overrides)
    return args


def test_plan_of_an_exact_payment_in_one_currency_converts_nothing():
    convert = Converter(
        {INVOICE: 1, TOKEN: 1, COMPANY: 1}, dict.fromkeys((INVOICE, TOKEN, COMPANY), 2)
    )
    got = settlement.plan(**plan_args(convert=convert))
    assert (got.settled, got.shortfall, got.extra_units, got.tolerated) == (
        Decimal("100.00"),
        Decimal("0.00"),
        0,
        False,
    )
    assert got.write_offs == ()
    assert convert.calls == []  # the matcher's usual receipt asks Odoo for no rate


def test_plan_is_immutable():
    got = settlement.plan(**plan_args())
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.settled = Decimal(0)
    assert isinstance(got.write_offs, tuple)


@pytest.mark.parametrize(
    "name, value",
    [
        ("due", 100.0),
        ("due_company", 100.0),
        ("paid_units", 1e8),
        ("requested_for", 100.0),
        ("fee", 1.5),
    ],
)
def test_plan_refuses_floats(name, value):
    with pytest.raises(TypeError):
        settlement.plan(**plan_args(**{"paid_units": 60_000_000, name: value}))


def test_plan_refuses_a_float_conversion():
    args = plan_args(
        paid_units=60_000_000,
        same_currency=False,
        convert=lambda amount, source, target: float(amount),
    )
    with pytest.raises(TypeError):
        settlement.plan(**args)


def test_plan_tolerates_a_shortfall_within_the_company_amount():
    # 1.50 short; the company tolerates 2.00 of its currency, worth 1.50 of the invoice's.
    convert = Converter(
        {INVOICE: 3, TOKEN: 3, COMPANY: 4}, dict.fromkeys((INVOICE, TOKEN, COMPANY), 2)
    )
    tolerance = settlement.Tolerance(Decimal(0), Decimal("2.00"))
    got = settlement.plan(**plan_args(paid_units=98_500_000, tolerance=tolerance, convert=convert))
    assert (got.settled, got.shortfall, got.tolerated) == (Decimal("98.50"), Decimal("1.50"), True)
    assert got.write_offs == (
        settlement.WriteOff(settlement.TOLERANCE, Decimal("2.00"), Decimal("1.50")),
    )
    tight = settlement.Tolerance(Decimal(0), Decimal("1.99"))
    got = settlement.plan(**plan_args(paid_units=98_500_000, tolerance=tight, convert=convert))
    assert (got.tolerated, got.write_offs) == (False, ())


def test_plan_books_a_shortfall_the_fees_cover_as_the_fee():
    # Tolerated or not, a shortfall the intermediary's fees cover is their cost.
    for tolerance in (None, settlement.Tolerance(Decimal(100), Decimal(0))):
        got = settlement.plan(
            **plan_args(paid_units=98_500_000, fee=Decimal("1.50"), tolerance=tolerance)
        )
        assert got.write_offs == (
            settlement.WriteOff(settlement.FEE, Decimal("1.50"), Decimal("1.50")),
        )
    got = settlement.plan(**plan_args(paid_units=98_499_999, fee=Decimal("1.50")))
    assert (got.shortfall, got.tolerated, got.write_offs) == (Decimal("1.50"), True, got.write_offs)
    got = settlement.plan(**plan_args(paid_units=98_490_000, fee=Decimal("1.50")))
    assert (got.shortfall, got.tolerated, got.write_offs) == (Decimal("1.51"), False, ())


def test_plan_across_currencies():
    # Invoice 100.00 EUR due, 110.00 USD in the books (company USD); 60 % of the quoted tokens
    # (a USD stablecoin) arrive, worth 65.00 USD today; the 40.00 EUR short is tolerated (50 %).
    convert = Converter(
        {INVOICE: Fraction(10), TOKEN: Fraction(11), COMPANY: Fraction(11)},
        dict.fromkeys((INVOICE, TOKEN, COMPANY), 2),
    )
    args = plan_args(
        due_company=Decimal("110.00"),
        paid_units=65_000_000,
        requested_units=108_333_334,
        same_currency=False,
        tolerance=settlement.Tolerance(Decimal(50), Decimal(0)),
        convert=convert,
    )
    got = settlement.plan(**args)
    assert (got.settled, got.shortfall, got.tolerated) == (Decimal("60.00"), Decimal("40.00"), True)
    assert got.write_offs == (
        settlement.WriteOff(settlement.TOLERANCE, Decimal("44.00"), Decimal("44.00")),
        settlement.WriteOff(settlement.EXCHANGE_LOSS, Decimal("1.00"), Decimal("1.00")),
    )


def test_plan_of_a_receipt_when_nothing_is_due_is_all_credit():
    # A second identical send on a paid EUR invoice: no exchange line, the whole receipt is
    # extra (the payment's receivable counterpart: the customer's credit).
    convert = Converter(
        {INVOICE: Fraction(10), TOKEN: Fraction(12), COMPANY: Fraction(12)},
        dict.fromkeys((INVOICE, TOKEN, COMPANY), 2),
    )
    for due in ("0.00", "-5.00"):
        args = plan_args(
            due=Decimal(due),
            due_company=Decimal(due),
            paid_units=120_000_000,
            requested_units=120_000_000,
            requested_for=Decimal("100.00"),
            same_currency=False,
            convert=convert,
        )
        got = settlement.plan(**args)
        assert (got.settled, got.shortfall, got.extra_units) == (0, 0, 120_000_000)
        assert got.write_offs == ()


@pytest.mark.parametrize(
    "requested, requested_for, due, asked",
    [
        (100_000_000, None, "100.00", 100_000_000),
        (100_000_000, "100.00", "100.00", 100_000_000),
        (100_000_000, "100.00", "60.00", 60_000_000),  # paid in part since: the same rate
        (100_000_000, "300.00", "100.00", 33_333_333),  # rounded down
        (100_000_000, "0.00", "100.00", 0),
        (None, "100.00", "60.00", None),
    ],
)
def test_requested_now(requested, requested_for, due, asked):
    requested_for = Decimal(requested_for) if requested_for else None
    assert settlement.requested_now(requested, requested_for, Decimal(due), 2) == asked


rates = st.fractions(min_value=Fraction(1, 10**4), max_value=10**4)


@untimed
@given(
    due_minor=st.integers(min_value=-(10**6), max_value=10**15),
    due_company_minor=minor,
    paid=units,
    requested=st.one_of(st.none(), units),
    requested_for_minor=st.one_of(st.none(), minor),
    places=st.tuples(decimals, decimals, decimals),
    token_decimals=st.integers(min_value=0, max_value=18),
    same_currency=st.booleans(),
    currency_rates=st.tuples(rates, rates, rates),
    tolerance=st.one_of(st.none(), st.tuples(st.integers(min_value=0, max_value=10_000), minor)),
    fee_minor=st.one_of(st.none(), minor),
)
def test_plan_invariants(
    due_minor,
    due_company_minor,
    paid,
    requested,
    requested_for_minor,
    places,
    token_decimals,
    same_currency,
    currency_rates,
    tolerance,
    fee_minor,
):
    inv_places, comp_places, token_cur_places = places
    if same_currency:
        token_cur_places = inv_places
        currency_rates = (currency_rates[0], currency_rates[0], currency_rates[2])
    convert = Converter(
        dict(zip((INVOICE, TOKEN, COMPANY), currency_rates, strict=True)),
        {INVOICE: inv_places, TOKEN: token_cur_places, COMPANY: comp_places},
    )
    due = amount(due_minor, inv_places) if due_minor >= 0 else -amount(-due_minor, inv_places)
    due_company = amount(due_company_minor, comp_places)
    if tolerance is not None:
        tolerance = settlement.Tolerance(amount(tolerance[0], 2), amount(tolerance[1], comp_places))
    fee = amount(fee_minor, inv_places) if fee_minor is not None else None
    got = settlement.plan(
        due=due,
        due_company=due_company,
        paid_units=paid,
        token_decimals=token_decimals,
        requested_units=requested,
        requested_for=(
            amount(requested_for_minor, inv_places) if requested_for_minor is not None else None
        ),
        same_currency=same_currency,
        inv_decimals=inv_places,
        comp_decimals=comp_places,
        convert=convert,
        tolerance=tolerance,
        fee=fee,
    )
    due = max(due, Decimal(0))
    assert got.due == due
    # The receipt's split of what is due.
    assert got.settled + got.shortfall == due
    assert 0 <= got.settled <= due
    assert places_of(got.settled) <= inv_places and places_of(got.shortfall) <= inv_places
    if got.extra_units:
        assert got.shortfall == 0
    assert (got.settled, got.shortfall, got.extra_units) == settlement.split_payment(
        paid, got.requested_units, due, inv_places
    )
    # What is written off: one line exactly when tolerated, the fee's when it covers it.
    written_off = [line for line in got.write_offs if line.kind in WRITTEN_OFF]
    exchange = [line for line in got.write_offs if line.kind in EXCHANGE]
    assert len(written_off) + len(exchange) == len(got.write_offs)
    assert len(written_off) == (1 if got.tolerated else 0)
    if got.tolerated:
        assert got.shortfall > 0
    fee_covers = fee is not None and 0 < got.shortfall <= fee
    if fee_covers:
        assert got.tolerated and written_off[0].kind == settlement.FEE
    elif got.shortfall > 0:
        expected = tolerance is not None and settlement.is_tolerated(
            got.shortfall,
            due,
            tolerance.percent,
            tolerance.amount,
            shortfall_in_amount_currency=convert(got.shortfall, INVOICE, COMPANY),
        )
        assert got.tolerated is expected
        if got.tolerated:
            assert written_off[0].kind == settlement.TOLERANCE
    for line in got.write_offs:
        assert places_of(line.balance) <= comp_places
        assert places_of(line.amount_currency) <= token_cur_places
    if same_currency:
        # Odoo books the exchange difference itself; the shortfall is the written-off line.
        assert not exchange
        if got.tolerated:
            assert written_off[0].amount_currency == got.shortfall
            assert written_off[0].balance == convert(got.shortfall, INVOICE, COMPANY)
        return
    # Across currencies the payment's entry balances, exactly.
    paid_company = convert(amount(paid, token_decimals), TOKEN, COMPANY)
    extra_company = (
        convert(amount(got.extra_units, token_decimals), TOKEN, COMPANY) if got.extra_units else 0
    )
    settled_company = settlement.company_share(got.settled, due, due_company, comp_places)
    tolerance_company = written_off[0].balance if got.tolerated else 0
    difference = sum(Fraction(line.balance) for line in exchange)
    # Summed as fractions: a Decimal sum rounds to 28 digits, and a receipt can have 78.
    debit = Fraction(paid_company) + Fraction(tolerance_company) + difference
    credit = Fraction(settled_company) + Fraction(tolerance_company) + Fraction(extra_company)
    assert debit == credit
    assert len(exchange) <= 1
    for line in exchange:
        assert line.balance != 0
        assert (line.balance > 0) == (line.kind == settlement.EXCHANGE_LOSS)
    for line in got.write_offs:
        assert line.amount_currency == convert(line.balance, COMPANY, TOKEN)


@untimed
@given(units, units, st.one_of(st.none(), units), minor, decimals, st.booleans())
def test_plan_pays_more_for_more(paid_a, paid_b, requested, due_minor, places, same_currency):
    low, high = sorted((paid_a, paid_b))
    convert = Converter(
        {INVOICE: 1, TOKEN: 1, COMPANY: 2}, dict.fromkeys((INVOICE, TOKEN, COMPANY), places)
    )

    def settled(paid):
        args = plan_args(
            due=amount(due_minor, places),
            due_company=amount(due_minor * 2, places),
            paid_units=paid,
            requested_units=requested,
            same_currency=same_currency,
            inv_decimals=places,
            comp_decimals=places,
            convert=convert,
        )
        return settlement.plan(**args).settled

    assert settled(low) <= settled(high)
