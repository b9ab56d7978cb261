# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def _get_aml_default_display_name_list(self):
        """Override of `account`: the journal items of a stablecoin payment say where it came
        from ("Stablecoin receipt on Base: 0x…"), not "Manual Payment"."""
        res = super()._get_aml_default_display_name_list()
        token = self.journal_id.stablecoin_token_id
        if not token or not self.journal_id.stablecoin_wallet_id:
            return res
        label = (
            self.env._("Stablecoin receipt on %s", token.network_id.name)
            if self.payment_type == "inbound"
            else self.env._("Stablecoin transfer on %s", token.network_id.name)
        )
        return [(key, label if key == "label" else value) for key, value in res]
