# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import ValidationError


class StablecoinComplianceDecision(models.TransientModel):
    """A compliance officer releases or rejects a hold, always with a reason."""

    _name = "stablecoin.compliance.decision"
    _description = "Stablecoin Compliance Decision"

    hold_id = fields.Many2one("stablecoin.compliance.hold", required=True, ondelete="cascade")
    decision = fields.Selection(
        [("release", "Release: book it as usual"), ("reject", "Reject: keep it unposted")],
        required=True,
        default="release",
    )
    reason = fields.Text(help="Why: kept in the audit log, on the receipt and the invoice.")

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise ValidationError(self.env._("Reason: say why you release or reject this hold."))
        if self.decision == "release":
            self.hold_id._release(self.reason)
        else:
            self.hold_id._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
