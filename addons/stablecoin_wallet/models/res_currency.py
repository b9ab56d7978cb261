# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCurrency(models.Model):
    _inherit = "res.currency"

    # ISO 4217 codes have 3 letters; stablecoin tickers have 4 or 5 (USDC, USDT, PYUSD).
    name = fields.Char(size=5)
    stablecoin_peg_id = fields.Many2one(
        "res.currency",
        string="Pegged To",
        help="A stablecoin without exchange rates of its own takes the rates of the currency it "
        "is pegged to (USDC and USDT: USD). Enter rates on the stablecoin to override the peg.",
    )

    def _get_rates(self, company, date):
        """Override: a pegged stablecoin with no rate of its own follows its peg's rates.

        The pegs' rates are read in the same query as the others'."""
        pegged = self.filtered("stablecoin_peg_id")
        if not pegged:
            return super()._get_rates(company, date)
        rates = super(ResCurrency, self | pegged.stablecoin_peg_id)._get_rates(company, date)
        own = (
            self.env["res.currency.rate"]
            .sudo()
            ._read_group(
                [
                    ("currency_id", "in", pegged.ids),
                    ("company_id", "in", (False, company.root_id.id)),
                ],
                ["currency_id"],
            )
        )
        with_rates = {currency.id for (currency,) in own}
        for currency in pegged:
            if currency.id not in with_rates:
                rates[currency.id] = rates[currency.stablecoin_peg_id.id]
        return rates
