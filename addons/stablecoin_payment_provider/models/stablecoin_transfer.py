# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StablecoinTransfer(models.Model):
    _inherit = "stablecoin.transfer"

    @api.model
    def _cron_match(self):
        """Override: after matching, abandoned checkouts are closed."""
        res = super()._cron_match()
        self.env["payment.transaction"].sudo()._stablecoin_expire_pending()
        return res
