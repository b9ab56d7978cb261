# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StablecoinQuote(models.Model):
    """The token amount offered for an invoice's amount due, held for a while.

    An invoice in the token's own currency has no price risk: its quote never expires. For an
    invoice in another currency (EUR, USD...), the amount comes from Odoo's currency rates and
    is held for the company's quote window; a transfer of exactly a quote's amount pays the
    invoice, late or not (late is flagged).
    """

    _name = "stablecoin.quote"
    _description = "Stablecoin Quote"
    _order = "id desc"

    move_id = fields.Many2one("account.move", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("stablecoin.token", required=True, ondelete="restrict")
    address_id = fields.Many2one("stablecoin.address", required=True, ondelete="restrict")
    amount_units = fields.Char(required=True, string="Amount (token units)", index=True)
    amount = fields.Monetary(currency_field="token_currency_id", string="Amount (tokens)")
    token_currency_id = fields.Many2one(related="token_id.currency_id")
    amount_due = fields.Monetary(
        currency_field="currency_id", help="The invoice's amount due this quote covers."
    )
    currency_id = fields.Many2one("res.currency", required=True)
    expires_at = fields.Datetime(help="Empty: the invoice is in the token's currency.")
    state = fields.Selection(
        [("active", "Active"), ("superseded", "Superseded"), ("used", "Used")],
        default="active",
        required=True,
    )

    def _is_expired(self, at=None):
        self.ensure_one()
        return bool(self.expires_at) and (at or fields.Datetime.now()) > self.expires_at
