# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.stablecoin_wallet.compat import sql_constraints

# What else than its address and amount can name a payment request's transfers. Only
# transaction hashes today (an on-ramp's report of what it sent); the next rails add kinds here
# and in `stablecoin.payment.request._evidence_keys`, nowhere else.
EVIDENCE_KINDS = [("tx_hash", "Expected transaction")]


@sql_constraints
class StablecoinPaymentEvidence(models.Model):
    """Something that names the transfers a payment request will receive before the watcher
    sees them: the transaction an on-ramp reported sending for the invoice. A receipt carrying
    it is bound to the request whatever its amount (wired short, fees taken), when it is
    recorded or, already recorded, when the evidence arrives
    (`stablecoin.payment.request._expect`)."""

    _name = "stablecoin.payment.evidence"
    _description = "Stablecoin Payment Evidence"
    _order = "id"

    request_id = fields.Many2one(
        "stablecoin.payment.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    kind = fields.Selection(EVIDENCE_KINDS, required=True, default="tx_hash")
    value = fields.Char(
        required=True,
        index=True,
        help="What the transfer carries: its transaction hash (0x, lower case).",
    )
    origin = fields.Char(help="Who gave it (e.g. the on-ramp transfer).")

    _sql_constraints = [  # noqa: RUF012
        (
            "value_unique",
            "unique(request_id, kind, value)",
            "A request expects each transaction once.",
        ),
    ]
