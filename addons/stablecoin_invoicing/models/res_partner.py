# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

HISTORY_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("stablecoin_token_id", "!=", False),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    stablecoin_invoice_count = fields.Integer(
        compute="_compute_stablecoin_invoice_count",
        groups="account.group_account_invoice",
        string="Stablecoin Invoices",
    )

    def _compute_stablecoin_invoice_count(self):
        groups = self.env["account.move"]._read_group(
            HISTORY_DOMAIN + [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.stablecoin_invoice_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_stablecoin_invoices(self):
        """The customer's stablecoin invoice history: amount, status, dates, share link."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stablecoin_invoicing.stablecoin_invoice_history_action"
        )
        action["domain"] = HISTORY_DOMAIN + [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action
