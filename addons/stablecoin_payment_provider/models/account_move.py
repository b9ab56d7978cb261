# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        """Override of `account_payment`: no *Pay Now* on an invoice the customer rejected, nor
        while a stablecoin payment is on its way (a second one would be one click away)."""
        res = super()._has_to_be_paid()
        if self.stablecoin_payment_status in ("rejected", "in_progress"):
            return False
        return res
