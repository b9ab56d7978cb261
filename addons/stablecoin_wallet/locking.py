# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Row locks that wait for nobody: a job skips what another worker holds."""

import psycopg2

from odoo.tools import SQL, mute_logger


def try_lock_row(cr, table, row_id, condition=None):
    """Lock one row for this transaction, or return False if another worker holds it or has
    changed it since this transaction began (PostgreSQL's repeatable read then refuses the
    lock: that worker did the job)."""
    query = SQL(
        "SELECT id FROM %s WHERE id = %s %s FOR UPDATE SKIP LOCKED",
        SQL.identifier(table),
        row_id,
        SQL("AND %s", condition) if condition else SQL(),
    )
    try:
        with cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
            cr.execute(query)
            return bool(cr.fetchone())
    except psycopg2.errors.SerializationFailure:
        return False
