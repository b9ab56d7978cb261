# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

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

    stablecoin_kyc_period_days = fields.Integer(
        string="KYC Period (days)",
        default=30,
        help="A customer's stablecoin invoices dated within this many days of each other "
        "count together for the KYC threshold: ten invoices of 1,000 are 10,000.",
    )

    @api.constrains("stablecoin_kyc_threshold")
    def _check_stablecoin_kyc_threshold(self):
        for company in self:
            if company.stablecoin_kyc_threshold < 0:
                raise ValidationError(self.env._("KYC Threshold: it cannot be negative."))

    @api.constrains("stablecoin_kyc_period_days")
    def _check_stablecoin_kyc_period_days(self):
        for company in self:
            if company.stablecoin_kyc_period_days < 1:
                raise ValidationError(self.env._("KYC Period (days): at least one day."))

    def _stablecoin_kyc_required(self, amount, currency, date, partner=None, exclude=None):
        """True if ``amount`` of ``currency`` is above the KYC threshold, in the company's
        currency at ``date`` (at the threshold is allowed). With ``partner``: together with
        the customer's other stablecoin invoices of the KYC period (`_stablecoin_kyc_volume`,
        without the invoices ``exclude``)."""
        self.ensure_one()
        threshold = self.stablecoin_kyc_threshold
        if not threshold or not currency:
            return False
        in_company = currency._convert(amount, self.currency_id, self, date)
        if partner:
            in_company += self._stablecoin_kyc_volume(partner, date, exclude)
        return self.currency_id.compare_amounts(in_company, threshold) > 0

    def _stablecoin_kyc_volume(self, partner, date, exclude=None):
        """What this company invoiced ``partner`` in stablecoins (posted customer invoices
        taking tokens, in the company's currency) dated within the KYC period of ``date``,
        before or after it: the invoices of one structured sale are dated together."""
        self.ensure_one()
        period = timedelta(days=self.stablecoin_kyc_period_days)
        domain = [
            ("company_id", "=", self.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("stablecoin_token_id", "!=", False),
            ("invoice_date", ">", date - period),
            ("invoice_date", "<", date + period),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        [(total,)] = self.env["account.move"]._read_group(domain, [], ["amount_total_signed:sum"])
        return total or 0.0
