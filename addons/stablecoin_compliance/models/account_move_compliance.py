# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Compliance on invoices: the KYC rule at posting, the "on hold (compliance)" status, and the
screening of a refund's destination before it is confirmed."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    stablecoin_payment_status = fields.Selection(
        selection_add=[("on_hold", "On hold (compliance)")],
        ondelete={"on_hold": "set null"},
    )
    stablecoin_hold_ids = fields.One2many(
        "stablecoin.compliance.hold", "move_id", string="Compliance Holds", readonly=True
    )

    @api.depends("stablecoin_hold_ids.state")
    def _compute_stablecoin_payment_status(self):
        res = super()._compute_stablecoin_payment_status()
        for move in self:
            held = move.stablecoin_hold_ids.filtered(
                lambda h: h.state == "held" and h.subject != "refund"
            )
            if held and move.stablecoin_payment_status not in (False, "paid", "overpaid"):
                move.stablecoin_payment_status = "on_hold"
        return res

    # -- KYC above the company's threshold -------------------------------------------------------
    def _stablecoin_check_before_post(self):
        # Invoices in a token's currency: they can only be paid in tokens. An invoice in a
        # bank currency that also accepts tokens posts as before (it may be paid by bank); a
        # stablecoin receipt for it above the threshold is held until the customer is verified.
        res = super()._stablecoin_check_before_post()
        for move in self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.stablecoin_token_id
                and m.currency_id in m.stablecoin_token_ids.currency_id
            )
        ):
            move._stablecoin_check_kyc(batch=self)
        return res

    def _stablecoin_check_kyc(self, batch=None):
        """Refuse to post a stablecoin invoice above the company's KYC threshold (converted to
        the company's currency; at the threshold is allowed), together with the customer's
        other stablecoin invoices of the KYC period (those posted, and those of ``batch``
        posted with it), for a customer whose identity is not verified."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.company_id
        if not partner or partner._stablecoin_kyc_verified_in(company):
            return
        date = self.invoice_date or fields.Date.context_today(self)
        batch = (batch or self).filtered(
            lambda m: m.commercial_partner_id == partner and m.company_id == company
        )
        amount = self.amount_total + sum(
            self.currency_id.round(
                m.currency_id._convert(m.amount_total, self.currency_id, company, date)
            )
            for m in batch - self
        )
        if company._stablecoin_kyc_required(
            amount, self.currency_id, date, partner=partner, exclude=batch
        ):
            raise UserError(
                self.env._(
                    "Customer: %(partner)s's identity is not verified (KYC), and this invoice, "
                    "with their other stablecoin invoices within %(days)s days, is above "
                    "%(company)s's KYC threshold of %(threshold)s. A compliance officer must "
                    "verify the customer first (Customer > Compliance).",
                    partner=partner.display_name,
                    days=company.stablecoin_kyc_period_days,
                    company=company.name,
                    threshold=format_amount(
                        self.env, company.stablecoin_kyc_threshold, company.currency_id
                    ),
                )
            )

    # -- refunds ---------------------------------------------------------------------------------
    def _stablecoin_refund_address_cleared(self):
        """Override: the refund's destination is screened first; a listed (or unscreenable)
        address puts the refund on hold instead of confirming it."""
        clear = super()._stablecoin_refund_address_cleared()
        for move in clear:
            # As people and the list write it (T... on Tron), in the holds and the log too.
            address = move.stablecoin_refund_address and (
                move.stablecoin_refund_token_id.network_id._display_address(
                    move.stablecoin_refund_address
                )
            )
            holds = move.stablecoin_hold_ids.filtered(
                lambda h, a=address: h.subject == "refund" and h.address == a
            )
            if holds.filtered(lambda h: h.state in ("held", "rejected")):
                raise UserError(
                    self.env._(
                        "Refund To: %(address)s is held by a compliance review; a compliance "
                        "officer decides on it.",
                        address=address,
                    )
                )
            if not address or holds.filtered(lambda h: h.state == "released"):
                continue
            finding = self.env["stablecoin.sanctions.address"]._screen(address)
            kind = self.env["stablecoin.compliance.log"]._log_screening(
                finding,
                move.company_id,
                move_id=move.id,
                partner_id=move.commercial_partner_id.id,
                address=address,
            )
            if not kind:
                continue
            self.env["stablecoin.compliance.hold"]._put(
                {
                    "company_id": move.company_id.id,
                    "subject": "refund",
                    "kind": kind,
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "address": address,
                    "detail": finding["detail"],
                }
            )
            move.message_post(
                body=self.env._(
                    "Refund address %s is on hold for a compliance review: no refund request "
                    "is made until a compliance officer releases it.",
                    address,
                )
            )
            clear -= move
        return clear

    def _compute_stablecoin_refund_request(self):
        """Override: a refund request to an address listed since its confirmation is no
        longer asked for (no amount, no URI); confirming it again screens it, and holds it.
        An address a compliance officer released for this refund stays asked for."""
        res = super()._compute_stablecoin_refund_request()
        Listed = self.env["stablecoin.sanctions.address"]
        for move in self.filtered("stablecoin_refund_request_id"):
            address = move.stablecoin_refund_address_display
            released = move.stablecoin_hold_ids.filtered(
                lambda h, a=address: (
                    h.subject == "refund" and h.address == a and h.state == "released"
                )
            )
            if not released and Listed._is_listed(address):
                move.stablecoin_refund_request_id = False
                move.stablecoin_refund_confirmed = False
        return res

    def _stablecoin_confirm_refund_address_released(self):
        """A compliance officer released the refund's destination: confirm it (the released
        hold lets the screening pass)."""
        return self.action_stablecoin_confirm_refund_address()
