# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StablecoinAddress(models.Model):
    """A watch-only receiving address: a wallet's fixed address or one derived from its xpub."""

    _name = "stablecoin.address"
    _description = "Stablecoin Receiving Address"
    _order = "wallet_id, derivation_index"
    _rec_name = "address"

    address = fields.Char(required=True, readonly=True, index=True)
    wallet_id = fields.Many2one("stablecoin.wallet", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
    derivation_index = fields.Integer(
        readonly=True,
        help="Child 0/index of the wallet's extended public key; -1 for a fixed address.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [  # noqa: RUF012
        ("address_wallet_unique", "UNIQUE(wallet_id, address)", "This address is already watched."),
    ]
