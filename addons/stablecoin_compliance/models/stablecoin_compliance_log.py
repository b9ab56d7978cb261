# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

EVENTS = [
    ("screened", "Screened: clear"),
    ("screened_hit", "Screened: listed"),
    ("screened_unavailable", "Screened: unavailable"),
    ("hold", "Put on hold"),
    ("release", "Released"),
    ("reject", "Rejected"),
    ("kyc", "KYC changed"),
    ("sanctions_list", "Sanctions list confirmed"),
]
# A screening's result, as the log's event and as the kind of the hold it puts.
SCREENING_EVENTS = {
    "clear": "screened",
    "hit": "screened_hit",
    "unavailable": "screened_unavailable",
}
HOLD_KINDS = {"hit": "sanctions", "unavailable": "unavailable"}


class StablecoinComplianceLog(models.Model):
    """The audit trail: every screening result, hold, release, rejection and KYC change, with
    who and when. Written by the addons' code only (no one can edit or delete an entry);
    read and exported from Compliance > Audit Log, the receipt and the partner."""

    _name = "stablecoin.compliance.log"
    _description = "Stablecoin Compliance Audit Log"
    _order = "id desc"
    _rec_name = "event"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda s: s.env.user
    )
    event = fields.Selection(EVENTS, required=True, readonly=True, index=True)
    transfer_id = fields.Many2one(
        "stablecoin.transfer", string="Receipt", readonly=True, index="btree_not_null"
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    claim_id = fields.Many2one("stablecoin.payment.claim", string="Payment Claim", readonly=True)
    hold_id = fields.Many2one("stablecoin.compliance.hold", readonly=True)
    address = fields.Char(string="Screened Address", readonly=True)
    source = fields.Char(readonly=True, help="The list or provider that answered.")
    detail = fields.Text(readonly=True)

    @api.model
    def _log(self, event, company, **vals):
        """Append one entry, as the current user, whatever their rights on the log. Within
        `_buffered` (the matcher's batch), the entries are written together at its end, in
        the same transaction."""
        vals = {"event": event, "company_id": company.id, "user_id": self.env.uid, **vals}
        buffer = self.env.context.get("stablecoin_log_buffer")
        if buffer is not None:
            buffer.append(vals)
            return self.browse()
        return self.sudo().create(vals)

    @api.model
    def _log_screening(self, finding, company, **vals):
        """Log a screening's ``finding`` (as `stablecoin.sanctions.address._screen` returns
        it). Returns the kind of hold it calls for, or False when the address is clear."""
        self._log(
            SCREENING_EVENTS[finding["result"]],
            company,
            source=finding["source"],
            detail=finding["detail"],
            **vals,
        )
        return HOLD_KINDS.get(finding["result"], False)

    @api.model
    def _buffered(self, records):
        """``records`` with a log buffer; `_flush_buffer` writes it."""
        return records.with_context(stablecoin_log_buffer=[])

    @api.model
    def _flush_buffer(self, records):
        buffer = records.env.context.get("stablecoin_log_buffer")
        if buffer:
            self.sudo().create(list(buffer))
            buffer.clear()
