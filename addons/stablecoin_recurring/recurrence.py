# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dates of a recurring invoice template: pure Python, no Odoo.

A schedule is a first date, a unit (day, week, month, year) and a step ``every`` >= 1. Its
``n``-th date (from 0) is ``start + n * every`` units, always counted from the first date,
never from the previous date: a monthly schedule from January 31 falls on February 28 (29 in a
leap year), then March 31, April 30..., never drifting to the 28th. A yearly one from February
29 falls on February 28 in common years and on the 29th again in leap years.

A schedule ends after a number of dates (``count``), on a last date (``until``, inclusive), or
never. Dates are :class:`datetime.date`.

Invariants (checked by ``tests/test_recurrence_pure.py``): the dates strictly increase; the
``n``-th date is the ``n``-th of :func:`dates`; :func:`next_after` of a date of the schedule is
the following date; :func:`due` up to a day returns every date of the schedule after the given
one and up to that day, each once, in order, and none past the end.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

INTERVAL_TYPES = ("daily", "weekly", "monthly", "yearly")
END_TYPES = ("count", "date", "never")

# Guards a loop on bad input: no schedule is asked for more dates than this at once.
MAX_DATES = 100_000


def _step(interval_type, n):
    if interval_type == "daily":
        return relativedelta(days=n)
    if interval_type == "weekly":
        return relativedelta(weeks=n)
    if interval_type == "monthly":
        return relativedelta(months=n)
    if interval_type == "yearly":
        return relativedelta(years=n)
    raise ValueError(f"interval type must be one of {INTERVAL_TYPES}, not {interval_type!r}")


def _check(start, interval_type, interval, end_type, count, until):
    if interval_type not in INTERVAL_TYPES:
        raise ValueError(f"interval type must be one of {INTERVAL_TYPES}, not {interval_type!r}")
    if not isinstance(start, date):
        raise TypeError("start must be a date")
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ValueError(f"interval must be a whole number >= 1, not {interval!r}")
    if end_type not in END_TYPES:
        raise ValueError(f"end type must be one of {END_TYPES}, not {end_type!r}")
    if end_type == "count" and (not isinstance(count, int) or count < 1):
        raise ValueError(f"count must be a whole number >= 1, not {count!r}")
    if end_type == "date" and not isinstance(until, date):
        raise ValueError("an end by date needs the last date")


def nth(start, interval_type, interval, n):
    """The ``n``-th date of the schedule (0 is ``start``), ignoring its end."""
    if n < 0:
        raise ValueError("n must be >= 0")
    return start + _step(interval_type, interval * n)


def _in_range(n, day, end_type, count, until):
    if end_type == "count":
        return n < count
    if end_type == "date":
        return day <= until
    return True


def _index_after(start, interval_type, interval, after):
    """The index of the first date of the schedule strictly after ``after``."""
    if after < start:
        return 0
    # An estimate from the average length of the unit, then corrected: months and years are
    # not all as long, so step by one until exact.
    days = (after - start).days
    per = {"daily": 1, "weekly": 7, "monthly": 30.436875, "yearly": 365.2425}[interval_type]
    n = max(int(days / (per * interval)) - 1, 0)
    while nth(start, interval_type, interval, n) > after and n > 0:
        n -= 1
    while nth(start, interval_type, interval, n) <= after:
        n += 1
    return n


def next_after(start, interval_type, interval, after, end_type="never", count=None, until=None):
    """The first date of the schedule strictly after ``after`` (``None``/``False``: ``start``), or
    ``None`` when the schedule has ended by then."""
    _check(start, interval_type, interval, end_type, count, until)
    n = 0 if not after else _index_after(start, interval_type, interval, after)
    day = nth(start, interval_type, interval, n)
    return day if _in_range(n, day, end_type, count, until) else None


def next_on_or_after(start, interval_type, interval, day, end_type="never", count=None, until=None):
    """The first date of the schedule on or after ``day``, or ``None`` when ended by then."""
    return next_after(
        start, interval_type, interval, day - relativedelta(days=1), end_type, count, until
    )


def dates(start, interval_type, interval, end_type="never", count=None, until=None, limit=None):
    """The dates of the schedule, in order: all of them if it ends, else ``limit`` of them
    (``limit`` also caps an ending schedule)."""
    _check(start, interval_type, interval, end_type, count, until)
    if end_type == "never" and limit is None:
        raise ValueError("a schedule without end needs a limit")
    limit = MAX_DATES if limit is None else min(limit, MAX_DATES)
    out = []
    n = 0
    while len(out) < limit:
        day = nth(start, interval_type, interval, n)
        if not _in_range(n, day, end_type, count, until):
            break
        out.append(day)
        n += 1
    return out


def due(
    start, interval_type, interval, today, after=None, end_type="never", count=None, until=None
):
    """The dates of the schedule strictly after ``after`` (``None``: from ``start``) and on or
    before ``today``, in order: what a run on ``today`` has to invoice when every date up to
    ``after`` was invoiced already (a run that is late gets every missed date)."""
    out = []
    day = next_after(start, interval_type, interval, after, end_type, count, until)
    while day is not None and day <= today and len(out) < MAX_DATES:
        out.append(day)
        day = next_after(start, interval_type, interval, day, end_type, count, until)
    return out


def index_of(start, interval_type, interval, day):
    """The index of ``day`` in the schedule (ignoring its end), or ``None`` if it is not one
    of its dates."""
    if day < start:
        return None
    n = _index_after(start, interval_type, interval, day - relativedelta(days=1))
    return n if nth(start, interval_type, interval, n) == day else None
