# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.stablecoin_wallet import compat

_logger = logging.getLogger(__name__)

COMPLIANCE_GROUP = "stablecoin_compliance.group_stablecoin_compliance"


class StablecoinComplianceHold(models.Model):
    """A receipt, refund or payment claim held for a compliance officer: its sender (or the
    refund's destination) is on a sanctions list, could not be screened, or it is above the
    company's KYC threshold from a customer whose identity is not verified. Nothing is posted
    while it is held; the officer releases it (it is then booked as usual) or rejects it (it
    stays unposted, with the reason)."""

    _name = "stablecoin.compliance.hold"
    _description = "Stablecoin Compliance Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]  # noqa: RUF012
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    subject = fields.Selection(
        [("receipt", "Receipt"), ("refund", "Refund"), ("claim", "Payment claim")],
        required=True,
        readonly=True,
    )
    kind = fields.Selection(
        [
            ("sanctions", "Listed address"),
            ("unavailable", "Screening unavailable"),
            ("kyc", "KYC required"),
        ],
        string="Why",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("held", "On hold"),
            ("released", "Released"),
            ("rejected", "Rejected"),
            ("void", "Void (reorganised away)"),
        ],
        default="held",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    transfer_id = fields.Many2one(
        "stablecoin.transfer", string="Receipt", readonly=True, index="btree_not_null"
    )
    amount_text = fields.Char(related="transfer_id.amount_text", string="Amount")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    claim_id = fields.Many2one("stablecoin.payment.claim", string="Payment Claim", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    address = fields.Char(string="Screened Address", readonly=True)
    detail = fields.Text(string="Finding", readonly=True)
    decision_reason = fields.Text(readonly=True, tracking=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(readonly=True)
    log_ids = fields.One2many("stablecoin.compliance.log", "hold_id", string="Audit Log")

    @api.depends("subject", "kind", "transfer_id", "move_id")
    def _compute_name(self):
        labels = dict(self._fields["kind"].selection)
        for hold in self:
            what = hold.transfer_id.name or hold.move_id.name or ""
            hold.name = f"{labels.get(hold.kind, '')}: {what}"

    # -- putting a hold --------------------------------------------------------------------------
    @api.model
    def _put(self, vals):
        """Hold something: the record, its audit entry, an activity for each compliance
        officer of the company, the invoice's event. Returns the hold."""
        hold = self.sudo().create(vals)
        self.env["stablecoin.compliance.log"]._log(
            "hold",
            hold.company_id,
            hold_id=hold.id,
            transfer_id=hold.transfer_id.id,
            move_id=hold.move_id.id,
            partner_id=hold.partner_id.id,
            claim_id=hold.claim_id.id,
            address=hold.address,
            detail=hold.detail,
        )
        for officer in hold._officers():
            hold.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Compliance review: %s", hold.name),
                note=hold.detail,
                user_id=officer.id,
            )
        if hold.move_id and hold.subject != "refund":
            hold.move_id._stablecoin_event("invoice.on_hold", hold.transfer_id or None)
        return hold

    def _officers(self):
        """The compliance officers who may decide on this hold (its company's)."""
        self.ensure_one()
        group = self.env.ref(COMPLIANCE_GROUP)
        officers = compat.group_users(group.sudo()).filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        if not officers:
            _logger.warning("No compliance officer in %s for %s", self.company_id.name, self.name)
        return officers

    # -- decisions ---------------------------------------------------------------------------------
    def _check_officer(self):
        if not self.env.su and not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._("Only a Compliance Officer may release or reject a compliance hold.")
            )

    def _decide(self, state, reason):
        self._check_officer()
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(self.env._("Reason: say why you release or reject this hold."))
        for hold in self:
            if hold.state != "held":
                raise UserError(
                    self.env._(
                        "%(hold)s is no longer on hold (%(state)s).",
                        hold=hold.name,
                        state=dict(self._fields["state"].selection)[hold.state],
                    )
                )
        # Holds are read-only to everyone: this is the one way to decide, with a reason, logged.
        self.check_access("read")
        now = fields.Datetime.now()
        for hold in self:
            hold.sudo().write(
                {
                    "state": state,
                    "decision_reason": reason[:2000],
                    "decided_by_id": self.env.uid,
                    "decided_at": now,
                }
            )
            self.env["stablecoin.compliance.log"]._log(
                "release" if state == "released" else "reject",
                hold.company_id,
                hold_id=hold.id,
                transfer_id=hold.transfer_id.id,
                move_id=hold.move_id.id,
                partner_id=hold.partner_id.id,
                claim_id=hold.claim_id.id,
                address=hold.address,
                detail=reason[:2000],
            )
            hold.sudo().activity_ids.action_feedback(
                feedback=self.env._("%(decision)s: %(reason)s", decision=state, reason=reason)
            )

    def _release(self, reason):
        """The officer lets it through: a held receipt is booked now (as the matcher would),
        a refund address is confirmed."""
        self._decide("released", reason)
        for hold in self:
            if hold.subject == "refund" and not hold.transfer_id:
                # The destination held when the accountant confirmed it: confirmed now.
                hold.move_id._stablecoin_confirm_refund_address_released()
                continue
            transfer = hold.transfer_id.sudo()
            transfer.message_post(
                body=self.env._(
                    "Compliance hold released by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
            if transfer.state == "held":
                transfer.write({"state": "confirmed"})
                transfer._match_one_guarded()
            if hold.claim_id:
                hold.claim_id.sudo().state = "bound"
        return True

    def _reject(self, reason):
        """The officer refuses it: the receipt stays unposted with the reason (never refunded
        automatically to a listed address); a refund address stays unconfirmed."""
        self._decide("rejected", reason)
        for hold in self:
            body = self.env._(
                "Compliance hold rejected by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
            if hold.move_id:
                hold.move_id.sudo().message_post(body=body)
            if hold.subject == "refund" and not hold.transfer_id:
                continue
            transfer = hold.transfer_id.sudo()
            transfer.message_post(body=body)
            if transfer.state == "held":
                transfer.write({"state": "blocked"})
        return True

    def action_open_decision(self):
        self.ensure_one()
        self._check_officer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compliance Decision"),
            "res_model": "stablecoin.compliance.decision",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_hold_id": self.id,
                "default_decision": self.env.context.get("decision", "release"),
            },
        }
