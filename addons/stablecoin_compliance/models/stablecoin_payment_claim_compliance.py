# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StablecoinPaymentClaim(models.Model):
    """A claimed payment's sender is screened as soon as the claim binds it: a listed (or
    unscreenable) sender holds the claim, and its receipt is held when it becomes final."""

    _inherit = "stablecoin.payment.claim"

    state = fields.Selection(
        selection_add=[("held", "On hold (compliance)")],
        ondelete={"held": lambda claims: claims.write({"state": "bound"})},
    )
    hold_ids = fields.One2many(
        "stablecoin.compliance.hold", "claim_id", string="Compliance Holds", readonly=True
    )

    def _on_bound(self):
        res = super()._on_bound()
        for claim in self:
            claim._screen_claimed()
        return res

    def _screen_claimed(self):
        self.ensure_one()
        held = False
        for transfer in self.transfer_ids.filtered(
            lambda t: (
                t.state in ("seen", "confirmed", "unmatched")
                and not t.hold_ids.filtered(lambda h: h.state in ("held", "rejected"))
            )
        ):
            invoice = transfer.move_id or self.move_id
            finding, kind = transfer._compliance_screen(invoice, claim=self)
            if not kind:
                continue
            transfer._compliance_hold(kind, invoice, finding["detail"], claim=self)
            held = True
        if held:
            self.sudo().write(
                {
                    "state": "held",
                    "message": self.env._(
                        "Received. This payment is under review; the invoice shows it as paid "
                        "once the review is complete."
                    ),
                }
            )
        return held
