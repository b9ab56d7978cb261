# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .. import const


class AccountMove(models.Model):
    _inherit = "account.move"

    def _has_to_be_paid(self):
        """Override of `account_payment`: no *Pay Now* on an invoice the customer rejected, nor
        while a stablecoin payment is on its way (a second one would be one click away)."""
        res = super()._has_to_be_paid()
        if self.stablecoin_payment_status in ("rejected", "in_progress"):
            return False
        return res

    def _stablecoin_after_payment(self, payments):
        """Override: a pending portal transaction of the invoice is done once the invoice is
        paid, whoever paid it (the matcher, an accountant, the customer's balance).

        The transaction never becomes done from the browser's word: only here, once the
        invoice is reconciled with a posted payment. Paid with no payment (a plain
        reconciliation), the checkout is closed rather than given a payment of its own."""
        res = super()._stablecoin_after_payment(payments)
        if self.payment_state not in ("paid", "in_payment"):
            return res
        txs = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_code", "=", const.PROVIDER_CODE),
                    ("invoice_ids", "in", self.ids),
                    ("state", "in", ("draft", "pending")),
                ]
            )
        )
        if payments:
            txs._stablecoin_confirm(payments[:1])
        else:
            txs._set_canceled(self.env._("The invoice was paid by other means."))
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
        networks = ", ".join(dict.fromkeys(tokens.mapped("network_name")))
        return self.env._(
            "Stablecoin (%(symbols)s on %(networks)s)", symbols=symbols, networks=networks
        )
