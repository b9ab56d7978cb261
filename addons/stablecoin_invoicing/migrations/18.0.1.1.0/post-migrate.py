# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: requests on shared addresses are marked shared; where several open requests
asked for one amount on one address (the ambiguity this version removes), the oldest keeps
it and the others are cancelled, and their invoices get a new request with an amount of
their own."""

from odoo import SUPERUSER_ID, api

RESERVING = ("awaiting", "seen", "partial", "expired", "superseded")


def migrate(cr, version):
    if not version:
        return
    # Duplicates first: the unique index on reserved amounts already exists.
    cr.execute(
        """WITH ranked AS (
               SELECT r.id, row_number() OVER (
                   PARTITION BY r.address_id, r.token_id, r.amount_units ORDER BY r.id) AS n
                 FROM stablecoin_payment_request r
                 JOIN stablecoin_address a ON a.id = r.address_id
                WHERE a.derivation_index < 0 AND r.state IN %s)
           UPDATE stablecoin_payment_request r SET state = 'cancelled'
             FROM ranked WHERE ranked.id = r.id AND ranked.n > 1
           RETURNING r.move_id""",
        [RESERVING],
    )
    move_ids = sorted({row[0] for row in cr.fetchall()})
    cr.execute(
        """UPDATE stablecoin_payment_request r SET shared = (a.derivation_index < 0)
             FROM stablecoin_address a WHERE a.id = r.address_id AND r.shared IS NULL"""
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["stablecoin.payment.request"].init()  # the unique index, now that the data allows it
    if move_ids:
        env["account.move"].browse(move_ids)._stablecoin_refresh_request()
