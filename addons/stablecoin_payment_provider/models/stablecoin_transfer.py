# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .. import const


class StablecoinTransfer(models.Model):
    _inherit = "stablecoin.transfer"

    @api.model
    def _cron_match(self):
        """Override: after matching, abandoned checkouts are closed."""
        res = super()._cron_match()
        self.env["payment.transaction"].sudo()._stablecoin_expire_pending()
        return res

    def _after_payment(self, invoice, payment):
        """Override: a pending portal transaction for the invoice is done with this payment.

        The transaction never becomes done from the browser's word: only here, once the
        watcher confirmed the transfer and the matcher reconciled it.
        """
        res = super()._after_payment(invoice, payment)
        if invoice.payment_state in ("paid", "in_payment"):
            txs = (
                self.env["payment.transaction"]
                .sudo()
                .search(
                    [
                        ("provider_code", "=", const.PROVIDER_CODE),
                        ("invoice_ids", "in", invoice.ids),
                        ("state", "in", ("draft", "pending")),
                    ]
                )
            )
            txs._stablecoin_confirm(payment)
        return res

    def _after_reversal(self, invoices, payment):
        """Override: the portal transaction this payment completed is no longer paid."""
        res = super()._after_reversal(invoices, payment)
        txs = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_code", "=", const.PROVIDER_CODE),
                    ("payment_id", "=", payment.id),
                    ("state", "=", "done"),
                ]
            )
        )
        txs._stablecoin_reverse(self.tx_hash)
        return res
