# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: a rejection and a late payment are facts of the payment request, no longer
columns of the invoice. An invoice its customer rejected has its current request rejected,
with the customer's reason; an invoice paid late has the requests its late transfers paid
flagged (its current one when none is found). The invoice's status is recomputed from them;
the two columns go."""

import logging

from odoo import SUPERUSER_ID, api


def _columns(cr):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'account_move'
              AND column_name IN ('stablecoin_reject_reason', 'stablecoin_paid_late')"""
    )
    return {row[0] for row in cr.fetchall()}


_logger = logging.getLogger(__name__)


def _request_of(move):
    """The invoice's current request, else its latest one asking for payment."""
    return (
        move.stablecoin_request_id
        or move.stablecoin_request_ids.filtered(lambda r: r.direction == "in")[:1]
    )


def _note(move, reason):
    """What cannot be put on a request is kept in the invoice's chatter."""
    body = (
        f"Before the 18.0.2.0.0 upgrade: the customer rejected this invoice: {reason}"
        if reason
        else "Before the 18.0.2.0.0 upgrade: this invoice was paid after its quote expired."
    )
    move.message_post(body=body)
    _logger.warning("%s: %s", move.display_name, body)


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
                WHERE stablecoin_reject_reason IS NOT NULL ORDER BY id"""
        )
        for move_id, reason in cr.fetchall():
            move = Move.browse(move_id)
            request = _request_of(move)
            if request.state not in ("cancelled", "awaiting", "expired"):
                # Paid since (or never asked): no rejection to carry; the reason stays told.
                _note(move, reason)
                continue
            # The release cancelled the requests of a rejected invoice: its current one becomes
            # the rejected one (`_set_state` has no way back from cancelled).
            request.write({"state": "rejected", "reject_reason": reason})
            move.stablecoin_request_id = request
            touched |= move
    if "stablecoin_paid_late" in columns:
        cr.execute("SELECT id FROM account_move WHERE stablecoin_paid_late ORDER BY id")
        for move in Move.browse([row[0] for row in cr.fetchall()]):
            late = move.stablecoin_transfer_ids.filtered(
                lambda t: (
                    t.state == "matched"
                    and t.request_id.expires_at
                    and t.block_time
                    and t.block_time > t.request_id.expires_at
                )
            ).request_id
            late = late or _request_of(move)
            if late:
                late.write({"paid_late": True})
            else:
                _note(move, None)
            touched |= move
    env.flush_all()
    if touched:
        env.add_to_compute(Move._fields["stablecoin_payment_status"], touched)
        env.flush_all()
    for column in sorted(columns):
        cr.execute(f"ALTER TABLE account_move DROP COLUMN {column}")
