# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


def _partials(lines):
    return lines.matched_debit_ids | lines.matched_credit_ids


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_pre_hook(self):
        """Override of `account`: what each stablecoin invoice of this reconciliation still
        owed before it, and what it was already reconciled with, to tell afterwards who was
        paid, by how much and by which payment."""
        data = super()._reconcile_pre_hook()
        invoices = self.move_id.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted" and m.stablecoin_token_id
        )
        data["stablecoin_before"] = {
            invoice.id: (invoice.amount_residual, _partials(invoice.line_ids))
            for invoice in invoices
        }
        return data

    def _reconcile_post_hook(self, data):
        """Override of `account`: whatever reconciled a stablecoin invoice (the matcher, a
        claim, manual matching, *Register Payment*, the customer's balance) is its payment: the
        requests, the portal transaction and the events follow from here, once."""
        res = super()._reconcile_post_hook(data)
        before = data.get("stablecoin_before")
        if not before or self.env.context.get("stablecoin_defer_paid_event"):
            return res
        for invoice in self.env["account.move"].browse(before):
            residual, partials = before[invoice.id]
            if invoice.currency_id.compare_amounts(invoice.amount_residual, residual) >= 0:
                continue
            # The payments of this reconciliation only, not those the invoice already had.
            new = _partials(invoice.line_ids) - partials
            counterparts = (new.debit_move_id | new.credit_move_id) - invoice.line_ids
            invoice._stablecoin_payment_applied(
                counterparts.move_id.origin_payment_id,
                residual - invoice.amount_residual,
                invoice.currency_id,
            )
        return res
