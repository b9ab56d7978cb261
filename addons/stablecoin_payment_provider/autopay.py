# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Charge on due date*: when a failed charge is tried again, when the notices before a charge
go out, and what a payer's wallet lacks for it.

Pure: dates and integers (amounts in the token's smallest units) in and out; no ORM, no network.
"""

from datetime import timedelta

# Attempts in all (the first on the due date, then the retries).
ATTEMPTS = 3
# The wait after the 1st, then the 2nd failed attempt.
RETRY_DELAYS = (timedelta(days=1), timedelta(days=3))
# The notices before a charge: this many days before the due date.
NOTICE_DAYS = (2, 1)

assert len(RETRY_DELAYS) == ATTEMPTS - 1

# What a charge can lack, in the order the notice names them.
SHORT_BALANCE = "balance"
SHORT_ALLOWANCE = "allowance"
SHORT_MANDATE = "mandate"


def next_attempt(attempts, failed_at):
    """When to try again after ``attempts`` attempts (1 or more), the last failed at
    ``failed_at`` (a datetime); ``None`` when that was the last."""
    if attempts < 1:
        raise ValueError("attempts: at least one attempt was made")
    if attempts >= ATTEMPTS:
        return None
    return failed_at + RETRY_DELAYS[attempts - 1]


def notice_due(due_date, today, noticed=0):
    """The notice to send ``today`` for a charge on ``due_date``: the number of days before it
    (one of ``NOTICE_DAYS``), or ``None``. ``noticed``: the days before of the last notice sent
    (0: none yet); a later notice is sent once, an earlier one missed is not sent late."""
    days = (due_date - today).days
    if days not in NOTICE_DAYS:
        return None
    if noticed and noticed <= days:
        return None
    return days


def shortfalls(amount, balance, allowance, chargeable):
    """What stands between the payer and a charge of ``amount``: a dict of ``SHORT_*`` codes to
    what is there instead (the token balance, the approval of the mandate contract, the most
    the mandate allows now). Empty when the charge can go through."""
    if amount <= 0:
        raise ValueError("amount: a positive number of units")
    found = {
        SHORT_BALANCE: balance,
        SHORT_ALLOWANCE: allowance,
        SHORT_MANDATE: chargeable,
    }
    return {code: have for code, have in found.items() if have < amount}
