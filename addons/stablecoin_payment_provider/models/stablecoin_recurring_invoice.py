# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class StablecoinRecurringInvoice(models.Model):
    """A recurring template's default mandate: each invoice it makes is charged to it on its
    due date (*Charge on Due Date*)."""

    _inherit = "stablecoin.recurring.invoice"

    stablecoin_autopay_token_id = fields.Many2one(
        "payment.token",
        string="Charge on Due Date",
        tracking=True,
        domain="[('provider_code', '=', 'stablecoin'),"
        " ('partner_id.commercial_partner_id', '=', commercial_partner_id),"
        " ('company_id', '=', company_id),"
        " ('stablecoin_mandate_state', '=', 'active')]",
        help="The customer's mandate each new invoice is charged to on its due date (set on "
        "the invoice as its Charge on Due Date). Empty: the customer pays each by hand.",
    )

    @api.constrains("stablecoin_autopay_token_id", "partner_id", "company_id")
    def _check_stablecoin_autopay_token(self):
        """Only the template's customer's active mandate, to the template's company."""
        label = self._fields["stablecoin_autopay_token_id"].string
        for template in self.filtered("stablecoin_autopay_token_id"):
            template.stablecoin_autopay_token_id._stablecoin_check_mandate_for(
                template.partner_id, template.company_id, label
            )

    def _prepare_invoice_vals(self, period):
        """Override: the new invoice is charged to the template's mandate on its due date, while
        the mandate stands (a revoked one is not copied: the invoice is paid by hand, and the
        template says so)."""
        vals = super()._prepare_invoice_vals(period)
        mandate = self.sudo().stablecoin_autopay_token_id
        if not mandate:
            return vals
        if mandate.stablecoin_mandate_state == "active" and mandate.active:
            vals["stablecoin_autopay_token_id"] = mandate.id
        else:
            self.message_post(
                body=self.env._(
                    "The invoice of %(date)s is not charged on its due date: the mandate "
                    "%(mandate)s is revoked.",
                    date=period,
                    mandate=mandate.display_name,
                )
            )
        return vals
