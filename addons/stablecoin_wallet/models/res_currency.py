# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools


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
        with_rates = self._stablecoin_with_own_rates(company.root_id.id)
        for currency in pegged:
            if currency.id not in with_rates:
                rates[currency.id] = rates[currency.stablecoin_peg_id.id]
        return rates

    @tools.ormcache("root_company_id")
    def _stablecoin_with_own_rates(self, root_company_id):
        """The pegged stablecoins that have rates of their own for this company (cached: every
        conversion asks, and rates change once a day; rate writes clear the cache)."""
        own = (
            self.env["res.currency.rate"]
            .sudo()
            ._read_group(
                [
                    ("currency_id.stablecoin_peg_id", "!=", False),
                    ("company_id", "in", (False, root_company_id)),
                ],
                ["currency_id"],
            )
        )
        return frozenset(currency.id for (currency,) in own)

    def write(self, vals):
        if "stablecoin_peg_id" in vals:
            self.env.registry.clear_cache()
        return super().write(vals)


class ResCurrencyRate(models.Model):
    _inherit = "res.currency.rate"

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
