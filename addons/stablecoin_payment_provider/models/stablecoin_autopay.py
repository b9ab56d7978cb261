# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.stablecoin_wallet.compat import sql_constraints

AUTOPAY_STATES = [
    ("scheduled", "Scheduled"),
    ("retrying", "Retrying"),
    ("sent", "Charge Sent"),
    ("failed", "Failed"),
]


@sql_constraints
class StablecoinAutopay(models.Model):
    """Where an invoice's *Charge on Due Date* stands: its state, attempts, next attempt and
    notices (on a record of its own, not on the invoice: the scheduled actions write here).
    The mandate charged is the invoice's setting (``stablecoin_autopay_token_id``)."""

    _name = "stablecoin.autopay"
    _description = "Stablecoin Charge on Due Date"
    _order = "id desc"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    state = fields.Selection(AUTOPAY_STATES, string="Due Date Charge", readonly=True)
    attempts = fields.Integer(string="Charge Attempts", readonly=True)
    next_attempt = fields.Datetime(
        string="Next Charge Attempt",
        readonly=True,
        help="When a failed charge is tried again (empty: on the due date).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Charge Set By",
        readonly=True,
        help="Who set the mandate to charge: told when the charge fails for good (when the "
        "invoice has no salesperson).",
    )
    noticed = fields.Integer(
        string="Last Notice (days before)",
        readonly=True,
        help="The days before the due date of the last notice sent for the charge (0: none).",
    )

    _sql_constraints = [  # noqa: RUF012
        ("move_unique", "UNIQUE(move_id)", "An invoice has one charge on its due date."),
    ]
