# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: a credit note's refund is an outbound payment request, made when an accountant
confirms the refund address, no longer a flag on the credit note: each credit note confirmed
before the upgrade, still posted with something to refund, gets its refund request; the flag's
column goes."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'account_move' AND column_name = 'stablecoin_refund_confirmed'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """SELECT id FROM account_move
            WHERE stablecoin_refund_confirmed AND state = 'posted' AND move_type = 'out_refund'
              AND stablecoin_refund_address IS NOT NULL AND stablecoin_refund_token_id IS NOT NULL
            ORDER BY id"""
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    credit_notes = env["account.move"].browse([row[0] for row in cr.fetchall()])
    Request = env["stablecoin.payment.request"]
    for credit_note in credit_notes.filtered("amount_residual"):
        Request._refund_for(credit_note)
    env.flush_all()
    cr.execute("ALTER TABLE account_move DROP COLUMN stablecoin_refund_confirmed")
