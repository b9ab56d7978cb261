# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCurrency(models.Model):
    _inherit = "res.currency"

    # ISO 4217 codes have 3 letters; stablecoin tickers have 4 or 5 (USDC, USDT, PYUSD).
    name = fields.Char(size=5)
