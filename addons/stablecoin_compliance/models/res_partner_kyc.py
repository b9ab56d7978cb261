# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

KYC_FIELDS = (
    "stablecoin_kyc_verified",
    "stablecoin_kyc_date",
    "stablecoin_kyc_user_id",
    "stablecoin_kyc_reference",
)
KYC_EDITORS = (
    "stablecoin_compliance.group_stablecoin_compliance",
    "account.group_account_manager",
)


class ResPartner(models.Model):
    """The customer's verified identity (KYC): required above the company's threshold before
    a stablecoin invoice is posted or paid. Kept per company: a change applies to the
    current company only, and is in that company's audit log. Changed only by compliance
    officers and accounting administrators."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Per company (company-dependent): one company's verification says nothing about another's
    # customer, even on a contact they share.
    stablecoin_kyc_verified = fields.Boolean(
        string="KYC Verified",
        company_dependent=True,
        copy=False,
        tracking=True,
        help="The customer's identity is verified, for the current company.",
    )
    stablecoin_kyc_date = fields.Date(string="KYC Verified on", company_dependent=True, copy=False)
    stablecoin_kyc_user_id = fields.Many2one(
        "res.users", string="KYC Verified by", company_dependent=True, copy=False
    )
    stablecoin_kyc_reference = fields.Char(
        string="KYC Document Reference",
        company_dependent=True,
        copy=False,
        # An identity document's number: for the people who invoice and check, not every user.
        groups="account.group_account_invoice",
        help="Where the identity evidence is kept (document number, file reference).",
    )
    stablecoin_kyc_editable = fields.Boolean(compute="_compute_stablecoin_kyc_editable")
    stablecoin_compliance_log_ids = fields.One2many(
        "stablecoin.compliance.log", "partner_id", string="Compliance Log", readonly=True
    )

    @api.depends_context("uid")
    def _compute_stablecoin_kyc_editable(self):
        editable = self._stablecoin_kyc_editor()
        for partner in self:
            partner.stablecoin_kyc_editable = editable

    def _stablecoin_kyc_verified_in(self, company):
        """Whether this customer's identity is verified for ``company``."""
        self.ensure_one()
        return self.with_company(company).stablecoin_kyc_verified

    def action_stablecoin_kyc_verify(self):
        """The identity check of this customer, for the current company (a dialog)."""
        self.ensure_one()
        self._stablecoin_check_kyc_editor()
        self._stablecoin_check_kyc_scope()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Identity check"),
            "res_model": "stablecoin.kyc.verification",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.id,
                "default_reference": self.stablecoin_kyc_reference,
            },
        }

    def _stablecoin_kyc_editor(self):
        return self.env.su or any(self.env.user.has_group(group) for group in KYC_EDITORS)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in KYC_FIELDS):
                self._stablecoin_check_kyc_editor()
                self._stablecoin_kyc_defaults(vals)
        partners = super().create(vals_list)
        for partner, vals in zip(partners, vals_list, strict=True):
            if any(vals.get(name) for name in KYC_FIELDS):
                partner._stablecoin_log_kyc()
        return partners

    def write(self, vals):
        if not any(name in vals for name in KYC_FIELDS):
            return super().write(vals)
        self._stablecoin_check_kyc_editor()
        self._stablecoin_check_kyc_scope()
        vals = self._stablecoin_kyc_defaults(dict(vals))
        kyc = {name: vals.pop(name) for name in KYC_FIELDS if name in vals}
        res = super().write(vals) if vals else True
        # A compliance officer verifies customers without the right to edit contacts: the KYC
        # fields, and only they, are written with elevated rights once the role is checked.
        partners_sudo = self.sudo()
        res = super(ResPartner, partners_sudo).write(kyc) and res
        for partner in self:
            partner._stablecoin_log_kyc()
        return res

    def _stablecoin_check_kyc_editor(self):
        if not self._stablecoin_kyc_editor():
            raise AccessError(
                self.env._(
                    "KYC Verified: only a Compliance Officer or an accounting administrator may "
                    "change a customer's identity verification."
                )
            )

    def _stablecoin_check_kyc_scope(self):
        """The KYC fields are written with elevated rights: only on contacts the user may
        see, of the user's companies (another company's officer verifies nobody here)."""
        if self.env.su:
            return
        self.check_access("read")
        foreign = self.filtered(
            lambda p: p.company_id and p.company_id not in self.env.user.company_ids
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "KYC Verified: %s belongs to a company you do not work for.",
                    ", ".join(foreign.mapped("display_name")),
                )
            )

    def _stablecoin_kyc_defaults(self, vals):
        """Verifying records when and by whom, unless given."""
        if vals.get("stablecoin_kyc_verified"):
            vals.setdefault("stablecoin_kyc_date", fields.Date.context_today(self))
            vals.setdefault("stablecoin_kyc_user_id", self.env.uid)
        return vals

    def _stablecoin_log_kyc(self):
        self.ensure_one()
        # The company whose verification changed: the current one (company-dependent fields).
        self.env["stablecoin.compliance.log"]._log(
            "kyc",
            self.env.company,
            partner_id=self.id,
            detail=self.env._(
                "KYC verified: %(verified)s; on %(date)s by %(user)s; document %(ref)s.",
                verified=self.env._("yes") if self.stablecoin_kyc_verified else self.env._("no"),
                date=self.stablecoin_kyc_date or "-",
                user=self.stablecoin_kyc_user_id.name or "-",
                ref=self.stablecoin_kyc_reference or "-",
            ),
        )
