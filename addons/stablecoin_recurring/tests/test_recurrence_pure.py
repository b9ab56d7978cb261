"""Dates of recurring invoice templates (recurrence.py): anchored on the first date, each date
once, none past the end.

Plain pytest: the module is loaded from its file, so these tests need no Odoo.
"""

import importlib.util
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parent.parent / "recurrence.py"
_SPEC = importlib.util.spec_from_file_location("stablecoin_recurring_recurrence", _PATH)
recurrence = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(recurrence)

starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
units = st.sampled_from(recurrence.INTERVAL_TYPES)
steps = st.integers(min_value=1, max_value=14)
offsets = st.integers(min_value=-40, max_value=4000)  # days from the start
# The test machine is shared (and the Odoo run loads it): no timing checks, only properties.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


# -- examples ----------------------------------------------------------------------------------
def test_monthly_from_january_31_keeps_the_month_end():
    got = recurrence.dates(date(2024, 1, 31), "monthly", 1, "count", count=5)
    assert got == [
        date(2024, 1, 31),
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),  # back to the 31st: anchored on the start, not chained
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    got = recurrence.dates(date(2025, 1, 31), "monthly", 1, "count", count=3)
    assert got == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_yearly_from_february_29():
    got = recurrence.dates(date(2024, 2, 29), "yearly", 1, "count", count=5)
    assert got == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


@pytest.mark.parametrize(
    "unit, every, expected",
    [
        ("daily", 3, [date(2025, 12, 30), date(2026, 1, 2), date(2026, 1, 5)]),
        ("weekly", 2, [date(2025, 12, 30), date(2026, 1, 13), date(2026, 1, 27)]),
        ("monthly", 3, [date(2025, 12, 30), date(2026, 3, 30), date(2026, 6, 30)]),
        ("yearly", 2, [date(2025, 12, 30), date(2027, 12, 30), date(2029, 12, 30)]),
    ],
)
def test_every_n_units(unit, every, expected):
    assert recurrence.dates(date(2025, 12, 30), unit, every, limit=3) == expected


def test_end_by_date_is_inclusive_and_by_count_exact():
    start = date(2026, 1, 15)
    assert recurrence.dates(start, "monthly", 1, "date", until=date(2026, 4, 15)) == [
        date(2026, 1, 15),
        date(2026, 2, 15),
        date(2026, 3, 15),
        date(2026, 4, 15),
    ]
    assert recurrence.dates(start, "monthly", 1, "date", until=date(2026, 4, 14))[-1] == date(
        2026, 3, 15
    )
    assert len(recurrence.dates(start, "weekly", 1, "count", count=7)) == 7
    assert recurrence.next_after(start, "monthly", 1, date(2026, 2, 15), "count", count=2) is None
    assert recurrence.next_after(start, "monthly", 1, None, "date", until=date(2026, 1, 1)) is None


def test_due_catches_up_every_missed_date_once():
    start = date(2026, 1, 31)
    # Invoiced up to January 31, no run until May 2: February, March, April, not May.
    got = recurrence.due(start, "monthly", 1, date(2026, 5, 2), after=date(2026, 1, 31))
    assert got == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    # Run again the same day, everything invoiced: nothing.
    assert recurrence.due(start, "monthly", 1, date(2026, 5, 2), after=got[-1]) == []
    # Before the start: nothing yet.
    assert recurrence.due(start, "monthly", 1, date(2026, 1, 30)) == []


def test_index_of():
    start = date(2024, 1, 31)
    assert recurrence.index_of(start, "monthly", 1, date(2024, 2, 29)) == 1
    assert recurrence.index_of(start, "monthly", 1, date(2024, 2, 28)) is None
    assert recurrence.index_of(start, "monthly", 1, date(2023, 12, 31)) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"interval": 0},
        {"interval": -1},
        {"interval": 1.5},
        {"interval": True},
        {"end_type": "count", "count": 0},
        {"end_type": "date", "until": None},
        {"end_type": "sometimes"},
        {"interval_type": "hourly"},
    ],
)
def test_bad_schedules_are_refused(kwargs):
    args = {"interval_type": "monthly", "interval": 1, "end_type": "never"} | kwargs
    with pytest.raises(ValueError):
        recurrence.next_after(
            date(2026, 1, 1),
            args["interval_type"],
            args["interval"],
            date(2026, 3, 1),
            args["end_type"],
            args.get("count"),
            args.get("until"),
        )


def test_a_schedule_without_end_needs_a_limit():
    with pytest.raises(ValueError):
        recurrence.dates(date(2026, 1, 1), "daily", 1)


# -- properties --------------------------------------------------------------------------------
@relaxed
@given(starts, units, steps)
def test_dates_increase_and_are_anchored_on_the_start(start, unit, every):
    got = recurrence.dates(start, unit, every, limit=30)
    assert got[0] == start
    assert all(a < b for a, b in itertools.pairwise(got))
    for n, day in enumerate(got):
        assert day == recurrence.nth(start, unit, every, n)
        if unit == "monthly":
            # The start's day of month, or the month's last day when it has fewer days.
            month_end = (day.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)
            assert day.day == min(start.day, month_end.day)


@relaxed
@given(starts, units, steps, offsets)
def test_next_after_is_the_first_date_past_the_day(start, unit, every, offset):
    day = start + timedelta(days=offset)
    got = recurrence.next_after(start, unit, every, day)
    assert got > day
    n = recurrence.index_of(start, unit, every, got)
    assert n is not None
    assert n == 0 or recurrence.nth(start, unit, every, n - 1) <= day


@relaxed
@given(
    starts,
    units,
    steps,
    st.lists(offsets, min_size=1, max_size=12),
    st.sampled_from(recurrence.END_TYPES),
    st.integers(min_value=1, max_value=40),
    offsets,
)
def test_runs_on_any_days_invoice_each_date_once_and_none_past_the_end(
    start, unit, every, run_offsets, end_type, count, end_offset
):
    """Runs on any days, in order, some missed, some twice the same day: together they give
    every date of the schedule up to the last run, each once, none after the end."""
    until = start + timedelta(days=abs(end_offset))
    end = {"end_type": end_type, "count": count, "until": until}
    last = None
    made = []
    for offset in sorted(run_offsets):
        today = start + timedelta(days=offset)
        for day in recurrence.due(start, unit, every, today, after=last, **end):
            made.append(day)
            last = day
    last_run = start + timedelta(days=max(run_offsets))
    expected = []  # from nth() alone: the n-th dates up to the last run, within the end
    n = 0
    while (day := recurrence.nth(start, unit, every, n)) <= last_run:
        if (end_type == "count" and n >= count) or (end_type == "date" and day > until):
            break
        expected.append(day)
        n += 1
    assert made == expected
    assert len(set(made)) == len(made)
    if end_type == "count":
        assert len(made) <= count
    if end_type == "date":
        assert all(d <= until for d in made)
