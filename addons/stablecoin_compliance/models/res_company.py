# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    stablecoin_kyc_threshold = fields.Monetary(
        string="KYC Threshold",
        currency_field="currency_id",
        default=1000.0,
        help="Above this amount (company currency; FATF's 1,000), a stablecoin invoice is "
        "posted, and a receipt booked, only for a customer whose identity is verified (KYC). "
        "Zero: no such rule.",
    )

    @api.constrains("stablecoin_kyc_threshold")
    def _check_stablecoin_kyc_threshold(self):
        for company in self:
            if company.stablecoin_kyc_threshold < 0:
                raise ValidationError(self.env._("KYC Threshold: it cannot be negative."))

    def _stablecoin_kyc_required(self, amount, currency, date):
        """True if ``amount`` of ``currency`` is above the KYC threshold, in the company's
        currency at ``date`` (at the threshold is allowed)."""
        self.ensure_one()
        threshold = self.stablecoin_kyc_threshold
        if not threshold or not currency:
            return False
        in_company = currency._convert(amount, self.currency_id, self, date)
        return self.currency_id.compare_amounts(in_company, threshold) > 0
