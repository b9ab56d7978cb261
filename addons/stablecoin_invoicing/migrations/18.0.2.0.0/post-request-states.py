# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: a rejection and a late payment are facts of the payment request, no longer
columns of the invoice. An invoice its customer rejected has its current request rejected,
with the customer's reason; an invoice paid late has the requests its late transfers paid
flagged (its current one when none is found). The invoice's status is recomputed from them;
the two columns go."""

from odoo import SUPERUSER_ID, api


def _columns(cr):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'account_move'
              AND column_name IN ('stablecoin_reject_reason', 'stablecoin_paid_late')"""
    )
    return {row[0] for row in cr.fetchall()}


def migrate(cr, version):
    if not version:
        return
    columns = _columns(cr)
    if not columns:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Move = env["account.move"]
    touched = Move
    if "stablecoin_reject_reason" in columns:
        cr.execute(
            """SELECT id, stablecoin_reject_reason FROM account_move
                WHERE stablecoin_reject_reason IS NOT NULL AND stablecoin_request_id IS NOT NULL
                ORDER BY id"""
        )
        for move_id, reason in cr.fetchall():
            request = Move.browse(move_id).stablecoin_request_id
            # The release cancelled the requests of a rejected invoice: its current one
            # becomes the rejected one (`_set_state` has no way back from cancelled).
            request.write({"state": "rejected", "reject_reason": reason})
            touched |= request.move_id
    if "stablecoin_paid_late" in columns:
        cr.execute("SELECT id FROM account_move WHERE stablecoin_paid_late ORDER BY id")
        for move in Move.browse([row[0] for row in cr.fetchall()]):
            late = move.stablecoin_transfer_ids.filtered(
                lambda t: (
                    t.request_id.expires_at
                    and t.block_time
                    and t.block_time > t.request_id.expires_at
                )
            ).request_id
            (late or move.stablecoin_request_id).write({"paid_late": True})
            touched |= move
    env.flush_all()
    if touched:
        env.add_to_compute(Move._fields["stablecoin_payment_status"], touched)
        env.flush_all()
    for column in sorted(columns):
        cr.execute(f"ALTER TABLE account_move DROP COLUMN {column}")
