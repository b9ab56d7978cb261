"""When a failed due-date charge is tried again, when its notices go out, and what a wallet
lacks for it (autopay.py).

Plain pytest: the module is loaded from its file, so these tests need no Odoo.
"""

import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "autopay.py"
_SPEC = importlib.util.spec_from_file_location("stablecoin_payment_provider_autopay", _PATH)
autopay = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(autopay)

FAILED = datetime(2026, 3, 31, 9, 30)


def test_three_attempts_one_then_three_days_apart():
    assert autopay.ATTEMPTS == 3
    assert autopay.next_attempt(1, FAILED) == FAILED + timedelta(days=1)
    assert autopay.next_attempt(2, FAILED) == FAILED + timedelta(days=3)
    assert autopay.next_attempt(3, FAILED) is None
    assert autopay.next_attempt(4, FAILED) is None
    with pytest.raises(ValueError):
        autopay.next_attempt(0, FAILED)


@pytest.mark.parametrize(
    ("today", "noticed", "expected"),
    [
        (date(2026, 3, 28), 0, None),  # three days before: too early
        (date(2026, 3, 29), 0, 2),
        (date(2026, 3, 29), 2, None),  # sent already
        (date(2026, 3, 30), 2, 1),
        (date(2026, 3, 30), 0, 1),  # the two-day notice was missed: not sent late
        (date(2026, 3, 30), 1, None),
        (date(2026, 3, 31), 0, None),  # the due date: the charge itself
        (date(2026, 4, 1), 0, None),
    ],
)
def test_notices_two_days_and_one_day_before_each_once(today, noticed, expected):
    assert autopay.notice_due(date(2026, 3, 31), today, noticed) == expected


def test_shortfalls_name_what_is_below_the_amount():
    assert autopay.shortfalls(100, balance=100, allowance=10**30, chargeable=500) == {}
    assert autopay.shortfalls(100, balance=99, allowance=100, chargeable=0) == {
        autopay.SHORT_BALANCE: 99,
        autopay.SHORT_MANDATE: 0,
    }
    assert autopay.shortfalls(100, balance=500, allowance=0, chargeable=100) == {
        autopay.SHORT_ALLOWANCE: 0
    }
    with pytest.raises(ValueError):
        autopay.shortfalls(0, balance=1, allowance=1, chargeable=1)
