# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import ValidationError


class StablecoinKycVerification(models.TransientModel):
    """A compliance officer (or an accounting administrator) records a customer's identity
    check for the current company, from the customer's form, which an officer may not edit
    otherwise (Odoo's contacts belong to those who create contacts)."""

    _name = "stablecoin.kyc.verification"
    _description = "Stablecoin KYC Verification"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
    verified = fields.Boolean(string="Identity Verified", default=True)
    reference = fields.Char(
        string="Document Reference",
        help="Where the identity evidence is kept (document number, file reference).",
    )

    def action_confirm(self):
        self.ensure_one()
        reference = (self.reference or "").strip()
        if self.verified and not reference:
            raise ValidationError(
                self.env._("Document Reference: say where the identity evidence is kept.")
            )
        vals = {"stablecoin_kyc_verified": self.verified, "stablecoin_kyc_reference": reference}
        if not self.verified:
            vals.update(stablecoin_kyc_date=False, stablecoin_kyc_user_id=False)
        # The partner's write checks the role and the company, writes the KYC fields only and
        # logs the change in this company's audit log.
        self.partner_id.with_company(self.company_id).write(vals)
        return {"type": "ir.actions.act_window_close"}
