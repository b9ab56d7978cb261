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

    def _stablecoin_payable_now(self):
        """The customer can start a stablecoin payment of this invoice now: it has a current
        payment request and no payment is on its way."""
        self.ensure_one()
        return bool(self.stablecoin_payment_uri) and self._has_to_be_paid()

    def _stablecoin_method_label(self):
        """The stablecoin option's label in *Pay Now*: the tokens and networks this invoice
        accepts, nothing else ("Stablecoin (USDC on Base)")."""
        self.ensure_one()
        tokens = self._stablecoin_tokens()
        symbols = ", ".join(dict.fromkeys(tokens.mapped("symbol")))
        networks = ", ".join(dict.fromkeys(tokens.network_id.mapped("name")))
        return self.env._(
            "Stablecoin (%(symbols)s on %(networks)s)", symbols=symbols, networks=networks
        )
