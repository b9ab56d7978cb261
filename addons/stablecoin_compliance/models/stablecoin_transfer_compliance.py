# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_amount


class StablecoinTransfer(models.Model):
    """Screening of receipts before they pay anything: a held receipt waits in state
    ``held`` (never taken by the matcher, which only takes confirmed ones) until a compliance
    officer releases it (booked then) or rejects it (state ``blocked``, never posted)."""

    _inherit = "stablecoin.transfer"  # pylint: disable=consider-merging-classes-inherited

    state = fields.Selection(
        selection_add=[("held", "On hold (compliance)"), ("blocked", "Rejected (compliance)")],
        ondelete={"held": "set default", "blocked": "set default"},
    )
    hold_ids = fields.One2many(
        "stablecoin.compliance.hold", "transfer_id", string="Compliance Holds", readonly=True
    )
    compliance_log_ids = fields.One2many("stablecoin.compliance.log", "transfer_id", readonly=True)

    @api.model
    def _accepted_states(self):
        # A held or rejected receipt is on chain all the same: a deep reorganisation voids it.
        return (*super()._accepted_states(), "held", "blocked")

    @api.model
    def _before_booking(self, candidates, partner=None):
        """Override: every sender screened first, in one lookup, the screenings logged
        together; a receipt held (listed or unscreenable sender, KYC above the threshold)
        waits for a compliance officer and is not booked."""
        candidates = list(candidates)
        if not candidates:
            return super()._before_booking(candidates, partner=partner)
        Log = self.env["stablecoin.compliance.log"]
        buffered = Log._buffered(self)
        # A batch: its senders screened in one lookup (one receipt screens itself, only when
        # no released hold lets it through).
        findings = (
            self.env["stablecoin.sanctions.address"]._screen_many(
                [transfer._compliance_screened_address() for transfer, _i, _r in candidates]
            )
            if len(candidates) > 1
            else {}
        )
        bookable = [
            (transfer, invoice, request)
            for transfer, invoice, request in candidates
            if not transfer.with_env(buffered.env)._compliance_holds(
                invoice.with_env(buffered.env),
                findings.get(transfer._compliance_screened_address()),
                partner=partner,
            )
        ]
        Log._flush_buffer(buffered)
        return super()._before_booking(bookable, partner=partner)

    def _compliance_holds(self, invoice, finding=None, partner=None):
        """Screen this receipt before it pays ``invoice`` (may be empty: no invoice found).
        Returns True when it is, or stays, held: the matcher then books nothing. ``finding``:
        its sender's screening, when the caller screened a batch at once."""
        self.ensure_one()
        holds = self.hold_ids.filtered(lambda h: h.subject != "refund")
        if holds.filtered(lambda h: h.state == "rejected"):
            self.write({"state": "blocked"})
            return True
        if holds.filtered(lambda h: h.state == "held"):
            # Held when its claim was screened: it now waits, final, for the officer.
            self.write({"state": "held", "move_id": (self.move_id or invoice).id})
            return True
        # A release clears what the officer looked at, not more: released after a listed or
        # unscreenable sender, the receipt still needs the customer's KYC above the threshold.
        released = set(holds.filtered(lambda h: h.state == "released").mapped("kind"))
        if not released & {"sanctions", "unavailable"}:
            finding, kind = self._compliance_screen(invoice, finding=finding)
            if kind:
                self._compliance_hold(kind, invoice, finding["detail"])
                return True
        if "kyc" not in released:
            kyc = self._compliance_kyc_finding(invoice, partner=partner)
            if kyc:
                self._compliance_hold("kyc", invoice, kyc, partner=partner)
                return True
        return False

    def _match_refund(self):
        """Override: the refund's destination is screened again when the wallet's transfer
        to it is matched (it may have been listed since the accountant confirmed it); a
        listed or unscreenable destination holds the transfer, unbooked, for a compliance
        officer."""
        self.ensure_one()
        if self._compliance_holds_refund():
            return False
        return super()._match_refund()

    def _compliance_holds_refund(self):
        """Screen this refund (a transfer out of our wallet) before it is booked against the
        credit note it pays. Returns True when it is, or stays, held. A hold the officer
        released for this very destination (on the transfer or on the credit note's
        confirmation) lets it through."""
        credit_note = self.env["stablecoin.payment.request"]._refund_paid_by(self).move_id
        if len(credit_note) != 1:
            return False  # nothing to book: left unmatched as usual
        address = self._compliance_screened_address()
        holds = self.hold_ids | credit_note.stablecoin_hold_ids.filtered(
            lambda h: h.subject == "refund" and h.address == address
        )
        if holds.filtered(lambda h: h.state == "rejected"):
            self.write({"state": "blocked", "move_id": credit_note.id})
            return True
        if self.hold_ids.filtered(lambda h: h.state == "held"):
            self.write({"state": "held", "move_id": credit_note.id})
            return True
        if holds.filtered(lambda h: h.state == "released"):
            return False
        finding, kind = self._compliance_screen(credit_note)
        if kind:
            self._compliance_hold(kind, credit_note, finding["detail"])
            return True
        return False

    def _compliance_screened_address(self):
        """The sender of a receipt, the recipient of a refund, as the list writes it: OFAC
        lists Tron addresses in their T... form."""
        self.ensure_one()
        counterpart = self.recipient if self.direction == "out" else self.sender
        return self.network_id._display_address(counterpart)

    def _compliance_screen(self, invoice=None, claim=None, finding=None):
        """Screen the sender (unless ``finding`` is its screening already); log the result.
        Returns the screening's finding (a dict) and the kind of hold it calls for (False:
        clear)."""
        self.ensure_one()
        if finding is None:
            finding = self.env["stablecoin.sanctions.address"]._screen(
                self._compliance_screened_address()
            )
        invoice = invoice or self.move_id
        kind = self.env["stablecoin.compliance.log"]._log_screening(
            finding,
            self.company_id or invoice.company_id,
            transfer_id=self.id,
            move_id=invoice.id,
            partner_id=invoice.commercial_partner_id.id,
            claim_id=claim.id if claim else False,
            address=self._compliance_screened_address(),
        )
        return finding, kind

    def _compliance_kyc_finding(self, invoice, partner=None):
        """Why this receipt needs the customer's verified identity first, or False: it (or
        the invoice it pays) is above the company's threshold and the customer is not
        verified. Without an invoice, ``partner`` is the customer the receipt is credited to
        (an accountant's decision)."""
        self.ensure_one()
        partner = invoice.commercial_partner_id or (partner and partner.commercial_partner_id)
        company = invoice.company_id or self.company_id
        if not partner or partner._stablecoin_kyc_verified_in(company):
            return False
        date = self._booking_date()
        # With the customer's other stablecoin invoices of the KYC period (structuring).
        if not (
            company._stablecoin_kyc_required(
                self.amount, self.currency_id, date, partner=partner, exclude=invoice
            )
            or invoice
            and company._stablecoin_kyc_required(
                invoice.amount_total,
                invoice.currency_id,
                invoice.invoice_date or date,
                partner=partner,
                exclude=invoice,
            )
        ):
            return False
        return self.env._(
            "%(amount)s for %(invoice)s, with %(partner)s's other stablecoin invoices within "
            "%(days)s days, is above %(company)s's KYC threshold of %(threshold)s and "
            "%(partner)s's identity is not verified.",
            amount=self.amount_text,
            invoice=invoice.display_name or self.env._("the credit of %s", partner.display_name),
            days=company.stablecoin_kyc_period_days,
            company=company.name,
            threshold=format_amount(
                self.env, company.stablecoin_kyc_threshold, company.currency_id
            ),
            partner=partner.display_name,
        )

    def _compliance_hold(self, kind, invoice, detail, claim=None, partner=None):
        """Hold this receipt (for a claim: the claim, the receipt being not yet final)."""
        self.ensure_one()
        vals = {"move_id": (self.move_id or invoice).id}
        if not claim:
            vals["state"] = "held"
        self.write(vals)
        invoice = self.move_id
        hold = self.env["stablecoin.compliance.hold"]._put(
            {
                "company_id": (self.company_id or invoice.company_id).id,
                "subject": self._compliance_hold_subject(claim),
                "kind": kind,
                "transfer_id": self.id,
                "move_id": invoice.id,
                "claim_id": claim.id if claim else False,
                "partner_id": (
                    invoice.commercial_partner_id or (partner and partner.commercial_partner_id)
                ).id,
                "address": self._compliance_screened_address(),
                "detail": detail,
            }
        )
        self.message_post(body=self.env._("On hold for a compliance review: %s", detail))
        if invoice:
            invoice._message_log(
                body=self.env._(
                    "A payment of %(amount)s (transaction %(tx)s) is on hold for a compliance "
                    "review; nothing is booked until a compliance officer releases it.",
                    amount=self.amount_text,
                    tx=self.tx_hash,
                )
            )
        return hold

    def _compliance_hold_subject(self, claim=None):
        if self.direction == "out":
            return "refund"
        return "claim" if claim else "receipt"

    @api.model
    def _update_confirmations(self, network, client, head, seen=None):
        """A claimed receipt held while still unconfirmed, then reorganised away before it
        was final, leaves nothing to decide either: its hold is void (the invoice is no
        longer on hold, and reminders resume)."""
        pending = super()._update_confirmations(network, client, head, seen=seen)
        reverted = pending.filtered(lambda t: t.state == "reverted")
        reverted.hold_ids.filtered(lambda h: h.state == "held").sudo().write({"state": "void"})
        return pending

    def _on_deep_reorg(self, previous_state, evidence):
        """A held receipt that vanished from the chain leaves nothing to decide."""
        res = super()._on_deep_reorg(previous_state, evidence)
        self.hold_ids.filtered(lambda h: h.state == "held").sudo().write({"state": "void"})
        return res
