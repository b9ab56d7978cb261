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
            # What this reconciliation added, not what the invoice was already reconciled with.
            new = _partials(invoice.line_ids) - partials
            moves = ((new.debit_move_id | new.credit_move_id) - invoice.line_ids).move_id
            if moves.origin_payment_id or moves.statement_line_id:
                invoice._stablecoin_payment_applied(
                    moves.origin_payment_id,
                    residual - invoice.amount_residual,
                    invoice.currency_id,
                )
            elif "out_refund" in moves.mapped("move_type"):
                # A credit note lowers what is due but is no payment: nobody is told of one;
                # what remains gets its own request.
                invoice._stablecoin_refresh_request()
            # Else an exchange difference Odoo reconciles inside the payment's reconciliation
            # (which tells, once) or an accountant's entry: no payment either.
        return res
