# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..compat import sql_constraints


@sql_constraints
class StablecoinAddress(models.Model):
    """A watch-only receiving address: a wallet's fixed address or one derived from its xpub."""

    _name = "stablecoin.address"
    _description = "Stablecoin Receiving Address"
    _order = "wallet_id, derivation_index"
    _rec_name = "address"

    address = fields.Char(required=True, readonly=True, index=True)
    wallet_id = fields.Many2one("stablecoin.wallet", required=True, ondelete="cascade", index=True)
    display_address = fields.Char(
        string="Receiving Address",
        compute="_compute_display_address",
        # Stored: every invoice page and receipt shows it (no read of the wallet for it), and
        # a Tron address can be searched as people write it.
        store=True,
        index=True,
        help="The address as its wallet's network writes it (Tron: T...).",
    )
    company_id = fields.Many2one(related="wallet_id.company_id", store=True)
    derivation_index = fields.Integer(
        readonly=True,
        help="Child 0/index of the wallet's extended public key, or the number of a deposit "
        "address; -1 for a fixed address.",
    )
    deposit_salt = fields.Char(
        readonly=True,
        help="Deposit addresses: the CREATE2 salt (hex) of this address at the deposit factory; "
        "with the wallet's address it is all a sweep needs.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [  # noqa: RUF012
        ("address_wallet_unique", "UNIQUE(wallet_id, address)", "This address is already watched."),
    ]

    @api.depends("address", "wallet_id.network_kind")
    def _compute_display_address(self):
        for record in self:
            record.display_address = record.wallet_id._family().display_address(record.address)

    @api.depends("display_address")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.display_address

    @api.constrains("address", "active", "wallet_id")
    def _check_watched_once(self):
        """An address is watched by one active wallet of one company: a second one (another
        company's, or a second wallet of the same) would capture or hide its receipts."""
        for record in self.filtered(lambda a: a.active and a.wallet_id.active):
            others = (
                self.sudo()
                .search(
                    [
                        ("address", "=", record.address),
                        ("active", "=", True),
                        ("id", "!=", record.id),
                    ]
                )
                .filtered(lambda a: a.wallet_id.active)
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "Receiving address %s is already watched by another wallet: an address "
                        "can belong to one wallet only.",
                        record.display_address,
                    )
                )
