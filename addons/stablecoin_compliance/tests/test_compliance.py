# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Compliance, as the people who do each step: the billing clerk invoices, the chain pays,
the compliance officer decides. A receipt from a listed address is held, never posted, until
released; a rejected one stays unposted with its reason; the KYC rule at, below and above the
company's threshold; refunds and claims screened the same way; everything in the audit log."""

import base64
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.stablecoin_compliance.tests.chainalysis_stub import ChainalysisStub
from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri
from odoo.addons.stablecoin_wallet.tests.common import run_scheduled_action

DATA = Path(__file__).parent / "data"


@tagged("post_install", "-at_install")
class TestCompliance(StablecoinInvoiceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})

        user = cls.company_user
        officer_group = "stablecoin_compliance.group_stablecoin_compliance"
        cls.clerk = user("scoin_cmp_clerk", "account.group_account_invoice", [cls.company_a])
        cls.accountant = user(
            "scoin_cmp_acc",
            "account.group_account_user,account.group_account_invoice",
            [cls.company_a],
        )
        cls.officer = user("scoin_cmp_officer", officer_group, [cls.company_a, cls.company_b])
        cls.b_officer = user("scoin_cmp_b_officer", officer_group, [cls.company_b])
        # The compliance officer imports OFAC's list (the fixture in the official XML shape).
        wizard = (
            cls.env["stablecoin.sanctions.import"]
            .with_user(cls.officer)
            .create(
                {
                    "file": base64.b64encode((DATA / "sdn_advanced_old.xml").read_bytes()),
                    "file_name": "sdn_advanced.xml",
                }
            )
        )
        wizard.action_import()
        accounts = cls.chain.accounts
        cls.listed_eth = accounts[3]  # listed in upper case under "ETH"
        cls.listed_usdt = accounts[4]  # listed in lower case under "USDT"
        cls.verify(cls.partner)  # small invoices need no KYC; the threshold tests unverify

    @classmethod
    def verify(cls, partner, verified=True):
        partner.with_user(cls.officer).write(
            {"stablecoin_kyc_verified": verified, "stablecoin_kyc_reference": "PASSPORT-42"}
        )

    def clerk_invoice(self, amount, currency=None, post=True):
        """An invoice the billing clerk creates and posts, paid at the shared address."""
        return self.invoice_as(self.clerk, amount, currency=currency, post=post)

    def receipt_of(self, tx_hash):
        return self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])

    def decide(self, hold, decision, reason, user=None):
        action = hold.with_user(user or self.officer).action_open_decision()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user or self.officer)
            .with_context(**action["context"])
            .create({"decision": decision, "reason": reason})
        )
        return wizard.action_confirm()

    def log_events(self, **domain):
        return (
            self.env["stablecoin.compliance.log"]
            .search([(k, "=", v) for k, v in domain.items()], order="id")
            .mapped("event")
        )

    def assert_held(self, invoice, receipt, kind):
        self.assertEqual(receipt.state, "held")
        self.assertFalse(receipt.payment_id, "nothing posted while held")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.stablecoin_payment_status, "on_hold")
        # Nothing more is asked meanwhile: no QR code, no URI, no Pay Now stablecoin option.
        self.assertFalse(invoice.stablecoin_payment_uri)
        hold = receipt.hold_ids
        self.assertEqual((hold.kind, hold.state, hold.move_id), (kind, "held", invoice))
        return hold

    # -- sanctions ---------------------------------------------------------------------------
    def test_listed_sender_is_held_then_released(self):
        invoice = self.clerk_invoice(100.0)
        # The chain reports the sender checksummed (mixed case); the list has it upper case.
        tx_hash = self.pay(100_000_000, sender=self.listed_eth)
        self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "sanctions")
        self.assertIn("EXAMPLE MIXER OPERATOR", hold.detail)
        self.assertEqual(hold.activity_ids.user_id, self.officer, "the officer of company A")
        self.assertEqual(
            self.log_events(transfer_id=receipt.id), ["screened_hit", "hold"], "logged"
        )
        # Matching again changes nothing: the receipt is not taken while held.
        self.run_crons()
        self.assertEqual((receipt.state, invoice.payment_state), ("held", "not_paid"))
        # Neither the billing clerk nor an accountant may decide.
        for user in (self.clerk, self.accountant):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.decide(hold, "release", "Looks fine", user=user)
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                hold.with_user(user)._release("Looks fine")
        # Company B's officer does not even see it.
        Hold = self.env["stablecoin.compliance.hold"]
        self.assertFalse(Hold.with_user(self.b_officer).search([("id", "=", hold.id)]))
        with self.assertRaisesRegex(ValidationError, "Reason"):
            self.decide(hold, "release", "  ")
        self.decide(hold, "release", "Funds traced to a licensed exchange; OFAC licence 123.")
        self.assertEqual(receipt.state, "matched")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        self.assertEqual(receipt.payment_id.memo, tx_hash)
        self.assertEqual((hold.state, hold.decided_by_id), ("released", self.officer))
        self.assertFalse(hold.activity_ids, "the officer's activity is done")
        release = self.env["stablecoin.compliance.log"].search(
            [("transfer_id", "=", receipt.id), ("event", "=", "release")]
        )
        self.assertEqual(release.user_id, self.officer)
        self.assertIn("OFAC licence 123", release.detail)
        self.assertTrue(release.create_date)
        # Visible on the receipt and the customer, to the billing clerk too.
        self.assertEqual(
            receipt.with_user(self.clerk).compliance_log_ids.mapped("event"),
            ["release", "hold", "screened_hit"],
        )
        self.assertIn(release, self.partner.with_user(self.clerk).stablecoin_compliance_log_ids)
        # Exportable (Odoo's Export), as the officer.
        rows = (
            self.env["stablecoin.compliance.log"]
            .with_user(self.officer)
            .search([("transfer_id", "=", receipt.id)], order="id")
            .export_data(["create_date", "user_id", "event", "address", "detail"])["datas"]
        )
        self.assertEqual([row[2] for row in rows], ["Screened: listed", "Put on hold", "Released"])
        self.assertEqual(rows[2][1], self.officer.name)

    def test_rejected_receipt_stays_unposted_with_the_reason(self):
        invoice = self.clerk_invoice(40.0)
        # Listed under USDT, in lower case; it pays in USDC: every 0x address is screened.
        tx_hash = self.pay(40_000_000, sender=self.listed_usdt)
        self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "sanctions")
        self.decide(hold, "reject", "Sender on the SDN list; funds frozen, report filed.")
        self.assertEqual(receipt.state, "blocked")
        self.assertFalse(receipt.payment_id)
        self.assertEqual(
            hold.decision_reason, "Sender on the SDN list; funds frozen, report filed."
        )
        self.assertIn("report filed", receipt.message_ids[0].body)
        self.run_crons()
        self.settle()
        self.assertEqual((receipt.state, invoice.payment_state), ("blocked", "not_paid"))
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")
        with self.assertRaisesRegex(UserError, "no longer on hold"):
            self.decide(hold, "release", "Changed my mind")

    def test_one_held_receipt_never_stops_the_others(self):
        held_invoice = self.clerk_invoice(50.0)
        clean_invoice = self.clerk_invoice(60.0)
        held_tx = self.pay(50_000_000, sender=self.listed_eth)
        clean_tx = self.pay(60_000_000)
        self.settle()
        self.assertEqual(self.receipt_of(held_tx).state, "held")
        self.assertEqual(self.receipt_of(clean_tx).state, "matched")
        self.assertIn(clean_invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(held_invoice.payment_state, "not_paid")
        self.assertEqual(self.log_events(transfer_id=self.receipt_of(clean_tx).id), ["screened"])

    def test_unavailable_provider_holds_the_receipt(self):
        invoice = self.clerk_invoice(25.0)
        with ChainalysisStub() as stub:
            stub.configure(self.env)
            stub.failing = True
            tx_hash = self.pay(25_000_000)
            self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "unavailable")
        self.assertIn("503", hold.detail)
        self.decide(hold, "release", "Screened by hand on the provider's site: no match.")
        self.assertEqual(receipt.state, "matched")

    def test_held_receipt_survives_rescans_and_a_reorg_voids_it(self):
        invoice = self.clerk_invoice(30.0)
        paid_at = self.chain.block_number() + 2  # mint, then the payment
        tx_hash = self.pay(30_000_000, sender=self.listed_eth)
        self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "sanctions")
        # The watcher re-reads the last blocks and the matcher runs again: still held.
        self.network.last_scanned_block = paid_at - 1
        self.settle()
        self.assertEqual((receipt.state, hold.state), ("held", "held"))
        self.assertEqual(
            len(self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])), 1
        )
        # A reorganisation deeper than the confirmations removes its block.
        depth = self.chain.block_number() - paid_at + 1
        self.assertGreater(depth, self.network.confirmations_final)
        self.chain.rpc("anvil_reorg", depth, [])
        self.scan()
        self.assertEqual((receipt.state, hold.state), ("reverted", "void"))
        self.assertFalse(receipt.payment_id)
        self.assertNotEqual(invoice.stablecoin_payment_status, "on_hold")

    # -- KYC and the threshold -----------------------------------------------------------------
    def test_posting_at_below_and_above_the_threshold(self):
        self.verify(self.partner, False)
        self.assertEqual(self.company_a.stablecoin_kyc_threshold, 1000.0)
        # In USDC (pegged to the company's USD, as Odoo converts it): at and below pass.
        below = self.clerk_invoice(999.99)
        self.assertEqual(below.state, "posted")
        below.button_cancel()  # each alone (the customer's invoices count together)
        at = self.clerk_invoice(1000.0)
        self.assertEqual(at.state, "posted")
        at.button_cancel()
        above = self.clerk_invoice(1000.01, post=False)
        with self.assertRaisesRegex(UserError, r"Crypto Customer.*1,000\.00"):
            above.with_user(self.clerk).action_post()
        self.assertEqual(above.state, "draft")
        # An invoice in the company's bank currency that also accepts USDC posts as before
        # (it may be paid by bank); a USDC payment of it would be held (next test).
        in_usd = self.clerk_invoice(5000.0, self.company_a.currency_id)
        self.assertEqual(in_usd.state, "posted")
        # The clerk and the accountant cannot verify the customer; an accounting administrator
        # and the compliance officer can.
        for user in (self.clerk, self.accountant):
            with self.assertRaisesRegex(AccessError, "KYC Verified"):
                self.partner.with_user(user).stablecoin_kyc_verified = True
        manager = new_test_user(
            self.env, login="scoin_cmp_mgr", groups="account.group_account_manager"
        )
        self.partner.with_user(manager).stablecoin_kyc_verified = True
        self.assertEqual(self.partner.stablecoin_kyc_user_id, manager)
        self.verify(self.partner, False)
        self.verify(self.partner)
        self.assertEqual(
            (self.partner.stablecoin_kyc_user_id, self.partner.stablecoin_kyc_reference),
            (self.officer, "PASSPORT-42"),
        )
        self.assertTrue(self.partner.stablecoin_kyc_date)
        above.with_user(self.clerk).action_post()
        self.assertEqual(above.state, "posted")
        kyc = self.env["stablecoin.compliance.log"].search(
            [("partner_id", "=", self.partner.id), ("event", "=", "kyc")], order="id desc"
        )
        self.assertEqual(kyc[0].user_id, self.officer)
        self.assertIn("PASSPORT-42", kyc[0].detail)
        self.assertIn("KYC verified: no", kyc[1].detail, "the earlier revocation is logged too")
        self.assertEqual(kyc[1].user_id, self.officer)

    def test_auto_post_keeps_the_kyc_rule(self):
        """A billing clerk ticks Auto-post on an invoice above the threshold for an unverified
        customer: Odoo's daily job (which calls _post) leaves it in draft with the reason; a
        verified customer's invoice is auto-posted as before."""
        self.verify(self.partner, False)
        today = fields.Date.context_today(self.env["account.move"])
        above = self.clerk_invoice(9000.0, post=False)
        above.with_user(self.clerk).write({"invoice_date": today, "auto_post": "at_date"})
        run_scheduled_action(self, "account.ir_cron_auto_post_draft_entry")
        self.assertEqual(above.state, "draft")
        self.assertFalse(above.stablecoin_payment_uri, "no request, no QR code")
        self.assertIn("KYC", above.message_ids[0].body)
        self.verify(self.partner)
        verified = self.clerk_invoice(9000.0, post=False)
        verified.with_user(self.clerk).write({"invoice_date": today, "auto_post": "at_date"})
        run_scheduled_action(self, "account.ir_cron_auto_post_draft_entry")
        self.assertEqual(verified.state, "posted")

    def test_a_customers_invoices_count_together_for_the_threshold(self):
        """Structuring: invoices of 1,000 each for an unverified customer; the second within
        the company's KYC period (30 days) is refused, one dated outside it counts no more.
        A verified customer's post as before."""
        self.verify(self.partner, False)
        self.assertEqual(self.company_a.stablecoin_kyc_period_days, 30)
        first = self.clerk_invoice(1000.0)
        self.assertEqual(first.state, "posted", "at the threshold, alone")
        second = self.clerk_invoice(1000.0, post=False)
        with self.assertRaisesRegex(UserError, r"within 30 days.*1,000\.00"):
            second.with_user(self.clerk).action_post()
        # Several drafts posted together (as the auto-post job does) count together too.
        small = self.clerk_invoice(400.0, post=False) | self.clerk_invoice(400.0, post=False)
        with self.assertRaisesRegex(UserError, "KYC"):
            small.with_user(self.clerk)._post()
        self.assertEqual(set(small.mapped("state")), {"draft"})
        # The first invoice is now 40 days old: outside the period, it counts no more.
        self.env.cr.execute(
            "UPDATE account_move SET invoice_date = invoice_date - 40 WHERE id = %s", first.ids
        )
        first.invalidate_recordset(["invoice_date"])
        second.with_user(self.clerk).action_post()
        self.assertEqual(second.state, "posted")
        self.verify(self.partner)
        small.with_user(self.clerk)._post()
        self.assertEqual(set(small.mapped("state")), {"posted"})

    def test_a_receipt_counts_the_customers_other_invoices(self):
        """Two invoices of 600 in the bank currency (they post: payable by bank) for an
        unverified customer; a stablecoin receipt of one is held: 1,200 within 30 days."""
        self.verify(self.partner, False)
        usd = self.company_a.currency_id
        self.clerk_invoice(600.0, usd)
        invoice = self.clerk_invoice(600.0, usd)
        tx_hash = self.pay(int(invoice._stablecoin_current_request().amount_units))
        self.settle()
        hold = self.assert_held(invoice, self.receipt_of(tx_hash), "kyc")
        self.assertIn("within 30 days", hold.detail)

    def test_receipt_above_the_threshold_from_an_unverified_customer_is_held(self):
        invoice = self.clerk_invoice(1500.0)  # posted while the customer was verified
        self.verify(self.partner, False)
        tx_hash = self.pay(1_500_000_000)
        self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "kyc")
        self.assertIn("KYC threshold", hold.detail)
        self.verify(self.partner)
        self.decide(hold, "release", "Passport checked today.")
        self.assertEqual(receipt.state, "matched")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_receipt_at_the_threshold_is_booked(self):
        invoice = self.clerk_invoice(1000.0, self.company_a.currency_id)
        self.verify(self.partner, False)
        self.pay(int(invoice._stablecoin_current_request().amount_units))
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_holds_and_the_list_change_only_through_their_paths(self):
        """A compliance officer (or a system administrator) cannot forge a decision by
        writing a hold, nor delist an address by writing the screening table or the list:
        decisions go through the decision (reason, audit log), lists through an import."""
        invoice = self.clerk_invoice(100.0)
        tx_hash = self.pay(100_000_000, sender=self.listed_eth)
        self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "sanctions")
        admin = self.company_user("scoin_cmp_sysadmin", "base.group_system", [self.company_a])
        row = self.env["stablecoin.sanctions.address"].search(
            [("address", "=", self.listed_eth.lower())]
        )
        for user in (self.officer, admin):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                hold.with_user(user).write(
                    {
                        "state": "released",
                        "decision_reason": "forged",
                        "decided_by_id": self.accountant.id,
                    }
                )
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                row.with_user(user).write({"active": False})
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                row.list_id.with_user(user).write({"published": "2030-01-01"})
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                row.with_user(user).copy({"address": "0x" + "ab" * 20})
        self.assertEqual((hold.state, row.active), ("held", True))
        self.assertEqual(self.log_events(hold_id=hold.id), ["hold"])
        # The officer's decision goes through, logged.
        self.decide(hold, "release", "Funds traced to a licensed source.")
        self.assertEqual((hold.state, hold.decided_by_id), ("released", self.officer))
        self.assertEqual(self.log_events(hold_id=hold.id), ["hold", "release"])
        self.assertEqual(receipt.state, "matched")

    # -- refunds and claims ------------------------------------------------------------------
    def list_customer(self):
        """OFAC lists the customer's address (the payer of the invoices)."""
        self.env["stablecoin.sanctions.address"].create(
            {"address": self.customer.lower(), "chain": "evm", "tickers": "ETH", "uid": "1"}
        )

    def credit_note_to_a_listed_payer(self, listed=True):
        """A paid invoice whose payer OFAC has listed since (unless not ``listed``), and its
        posted credit note (made by the accountant)."""
        invoice = self.clerk_invoice(30.0)
        self.pay(30_000_000)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        if listed:
            self.list_customer()
        reversal = Form(
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        ).save()
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        return credit_note

    def test_refund_to_a_listed_address_is_held(self):
        credit_note = self.credit_note_to_a_listed_payer()
        credit_note.with_user(self.accountant).action_stablecoin_confirm_refund_address()
        self.assertFalse(credit_note.stablecoin_refund_confirmed)
        self.assertFalse(
            credit_note.stablecoin_refund_request_id.payment_uri, "no refund request while held"
        )
        hold = credit_note.stablecoin_hold_ids
        self.assertEqual(
            (hold.subject, hold.kind, hold.address), ("refund", "sanctions", self.customer)
        )
        with self.assertRaisesRegex(UserError, "compliance review"):
            credit_note.with_user(self.accountant).action_stablecoin_confirm_refund_address()
        self.decide(hold, "release", "Refund licensed by OFAC (licence 456).")
        self.assertTrue(credit_note.stablecoin_refund_confirmed)
        self.assertIn(
            f"address={self.customer}", credit_note.stablecoin_refund_request_id.payment_uri
        )

    def test_a_refund_is_issued_only_by_the_screened_confirmation(self):
        """A billing clerk writing the *confirmed* flag (as the API lets them write fields)
        issues no refund request: only the accountant's confirmation, after the screening,
        makes one."""
        credit_note = self.credit_note_to_a_listed_payer()
        with self.assertRaisesRegex(UserError, "Refund Address Confirmed"):
            credit_note.with_user(self.clerk).write({"stablecoin_refund_confirmed": True})
        self.assertFalse(credit_note.stablecoin_refund_confirmed)
        self.assertFalse(
            credit_note.stablecoin_refund_request_id.payment_uri, "no refund to a listed address"
        )
        refunds = credit_note.stablecoin_request_ids.filtered(lambda r: r.direction == "out")
        self.assertFalse(refunds)

    def test_a_refund_sent_to_an_address_listed_since_its_confirmation_is_held(self):
        """The refund's destination is screened again when the wallet's transfer is matched:
        listed after the accountant confirmed it, the transfer is held, not booked, until a
        compliance officer decides."""
        credit_note = self.credit_note_to_a_listed_payer(listed=False)
        credit_note.with_user(self.accountant).action_stablecoin_confirm_refund_address()
        request = parse_erc20_transfer_uri(credit_note.stablecoin_refund_request_id.payment_uri)
        self.list_customer()
        credit_note.invalidate_recordset()
        self.assertFalse(credit_note.stablecoin_refund_request_id, "no longer asked for")
        self.assertFalse(credit_note.stablecoin_refund_confirmed)
        # Sent all the same (the request was read before): held when seen.
        tx_hash = self.chain.transfer(request.token, self.merchant, request.recipient, 30_000_000)
        self.settle()
        sent = self.receipt_of(tx_hash)
        self.assertEqual(sent.state, "held")
        self.assertFalse(sent.payment_id, "nothing booked while held")
        self.assertEqual(credit_note.payment_state, "not_paid")
        hold = sent.hold_ids
        self.assertEqual(
            (hold.subject, hold.kind, hold.address), ("refund", "sanctions", self.customer)
        )
        self.assertEqual(self.log_events(transfer_id=sent.id), ["screened_hit", "hold"])
        self.decide(hold, "release", "Refund licensed by OFAC (licence 457).")
        self.assertEqual(sent.state, "matched")
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))

    def test_a_refund_to_a_clear_address_is_screened_and_booked(self):
        """The accountant's refund to a clear address is booked as before, its screening
        logged."""
        credit_note = self.credit_note_to_a_listed_payer(listed=False)
        credit_note.with_user(self.accountant).action_stablecoin_confirm_refund_address()
        request = parse_erc20_transfer_uri(credit_note.stablecoin_refund_request_id.payment_uri)
        tx_hash = self.chain.transfer(request.token, self.merchant, request.recipient, 30_000_000)
        self.settle()
        sent = self.receipt_of(tx_hash)
        self.assertEqual(sent.state, "matched")
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.log_events(transfer_id=sent.id), ["screened"])

    def test_claimed_payment_from_a_listed_sender_is_held(self):
        invoice = self.clerk_invoice(80.0)
        # 79.99 typed by hand: only the claim can tell which invoice it pays.
        tx_hash = self.pay(79_990_000, sender=self.listed_eth)
        signature = self.claim_signature(invoice, tx_hash, self.listed_eth)
        claim = self.env["stablecoin.payment.claim"]._submit(invoice, tx_hash, signature=signature)
        self.assertEqual(claim.state, "held")
        self.assertIn("under review", claim.message)
        self.assertNotIn("OFAC", claim.message, "the payer is not told why")
        hold = claim.hold_ids
        self.assertEqual((hold.subject, hold.kind, hold.move_id), ("claim", "sanctions", invoice))
        self.assertEqual(invoice.stablecoin_payment_status, "on_hold")
        self.settle()
        receipt = self.receipt_of(tx_hash)
        self.assertEqual((receipt.state, receipt.payment_id.id), ("held", False))
        self.assertEqual(len(receipt.hold_ids), 1, "the claim's hold, not a second one")
        self.decide(hold, "release", "Reviewed: licensed.")
        self.assertEqual(receipt.state, "matched")
        self.assertEqual(claim.state, "bound")
        self.assertEqual(invoice.payment_state, "partial")

    def test_matching_by_hand_screens_too(self):
        invoice = self.clerk_invoice(20.0)
        tx_hash = self.pay(19_000_000, sender=self.listed_eth)  # nobody's amount: unmatched
        # Listed after the matcher screened it and left it to the accountants' queue.
        self.env["stablecoin.sanctions.address"].search([]).active = False
        self.settle()
        receipt = self.receipt_of(tx_hash)
        self.assertEqual(receipt.state, "unmatched")
        self.env["stablecoin.sanctions.address"].with_context(active_test=False).search(
            []
        ).active = True
        action = receipt.with_user(self.accountant).action_open_match_wizard()
        wizard = (
            self.env["stablecoin.match.wizard"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"mode": "invoices", "invoice_ids": [Command.set(invoice.ids)]})
        )
        wizard.action_confirm()
        self.assertEqual((receipt.state, receipt.payment_id.id), ("held", False))
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(receipt.hold_ids.kind, "sanctions")

    def test_a_release_after_screening_still_needs_the_customers_kyc(self):
        """Held as unscreenable, released by the officer: above the threshold from a customer
        not verified, the receipt is held again for KYC, not booked."""
        invoice = self.clerk_invoice(1500.0)  # posted while the customer was verified
        self.verify(self.partner, False)
        with ChainalysisStub() as stub:
            stub.configure(self.env)
            stub.failing = True
            tx_hash = self.pay(1_500_000_000)
            self.settle()
        receipt = self.receipt_of(tx_hash)
        hold = self.assert_held(invoice, receipt, "unavailable")
        self.decide(hold, "release", "Screened by hand: no match.")
        self.assertEqual(receipt.state, "held")
        self.assertFalse(receipt.payment_id)
        self.assertEqual(
            receipt.hold_ids.filtered(lambda h: h.state == "held").kind, "kyc", "now for KYC"
        )

    def test_crediting_a_receipt_by_hand_needs_the_customers_kyc(self):
        """An accountant books a large unmatched receipt as a customer's credit: above the
        threshold, that customer's verified identity is needed first."""
        self.verify(self.partner, False)
        tx_hash = self.pay(1_234_000_000)  # nobody's amount: unmatched
        self.settle()
        receipt = self.receipt_of(tx_hash)
        self.assertEqual(receipt.state, "unmatched")
        action = receipt.with_user(self.accountant).action_open_match_wizard()
        wizard = (
            self.env["stablecoin.match.wizard"]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"mode": "credit", "partner_id": self.partner.id})
        )
        wizard.action_confirm()
        self.assertEqual((receipt.state, receipt.payment_id.id), ("held", False))
        self.assertEqual(receipt.hold_ids.kind, "kyc")
        self.assertEqual(receipt.hold_ids.partner_id, self.partner)

    def test_another_companys_officer_verifies_nobody_here(self):
        customer_a = self.env["res.partner"].create(
            {"name": "A's own customer", "company_id": self.company_a.id}
        )
        with self.assertRaises(AccessError):
            customer_a.with_user(self.b_officer).write({"stablecoin_kyc_verified": True})
        self.assertFalse(customer_a.stablecoin_kyc_verified)
        # The document reference is for invoicing people, not every internal user.
        employee = new_test_user(self.env, login="scoin_cmp_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.partner.with_user(employee).read(["stablecoin_kyc_reference"])

    def test_kyc_counts_per_company(self):
        """Another company's accounting administrator verifies a contact both companies share
        (no company): it counts for their company only, and is logged there. Here the customer
        stays unverified (posting above the threshold refused) until this company's officer
        verifies them, logged here."""
        self.verify(self.partner, False)
        self.assertFalse(self.partner.company_id, "a shared contact")
        b_admin = self.company_user(
            "scoin_cmp_b_admin", "account.group_account_manager", [self.company_b]
        )
        self.partner.with_user(b_admin).write(
            {"stablecoin_kyc_verified": True, "stablecoin_kyc_reference": "B-ID-7"}
        )
        self.assertTrue(self.partner.with_company(self.company_b).stablecoin_kyc_verified)
        self.assertFalse(self.partner.with_company(self.company_a).stablecoin_kyc_verified)
        above = self.clerk_invoice(9000.0, post=False)
        with self.assertRaisesRegex(UserError, "KYC"):
            above.with_user(self.clerk).action_post()
        Log = self.env["stablecoin.compliance.log"]
        kyc = [("partner_id", "=", self.partner.id), ("event", "=", "kyc")]
        in_b = Log.search([*kyc, ("company_id", "=", self.company_b.id)])
        self.assertEqual((len(in_b), in_b.user_id), (1, b_admin))
        self.assertIn("KYC verified: yes", in_b.detail)
        in_a = Log.with_user(self.officer).search([*kyc, ("company_id", "=", self.company_a.id)])
        self.assertIn("KYC verified: no", in_a[0].detail, "A's latest entry: still unverified")
        # This company's officer verifies the customer here: posting goes through.
        self.verify(self.partner)
        self.assertIn("KYC verified: yes", Log.search([*kyc], limit=1).detail)
        self.assertEqual(Log.search([*kyc], limit=1).company_id, self.company_a)
        above.with_user(self.clerk).action_post()
        self.assertEqual(above.state, "posted")
        self.assertEqual(
            self.partner.with_company(self.company_b).stablecoin_kyc_reference, "B-ID-7"
        )

    def test_compliance_screens_open_for_the_officer(self):
        """The officer (billing rights plus the compliance group) sees the Compliance section;
        each of its screens loads and reads as the web client does."""
        self.clerk_invoice(10.0)
        self.pay(10_000_000, sender=self.listed_eth)
        self.settle()
        section = self.env.ref("stablecoin_compliance.stablecoin_compliance_menu")
        Menu = self.env["ir.ui.menu"]
        visible = Menu.with_user(self.officer)._visible_menu_ids()
        self.assertNotIn(section.id, Menu.with_user(self.clerk)._visible_menu_ids())
        entries = Menu.search([("parent_id", "=", section.id)])
        self.assertEqual(len(entries), 4)
        for menu in entries:
            self.assertIn(menu.id, visible, menu.name)
            action = menu.action.sudo()
            Model = self.env[action.res_model].with_user(self.officer)
            loaded = Model.get_views([(False, mode) for mode in action.view_mode.split(",")])
            fields = loaded["models"][action.res_model]["fields"]
            records = Model.web_search_read([], {name: {} for name in fields})
            self.assertTrue(records["length"], menu.name)
        hold = self.env["stablecoin.compliance.hold"].search([], limit=1)
        self.assertTrue(
            hold.with_user(self.officer).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        receipt = hold.transfer_id.with_user(self.clerk)
        self.assertIn(
            "compliance_log_ids", receipt.get_views([(False, "form")])["views"]["form"]["arch"]
        )


# The officer on the customer's form (read-only to them: they may not edit contacts): the
# Compliance tab, *Record identity check*, a document reference, *Confirm*.
RECORD_IDENTITY_CHECK = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const find = async (selector) => {
        for (let i = 0; i < 100; i++) {
            const element = document.querySelector(selector);
            if (element) { return element; }
            await sleep(100);
        }
        throw new Error('not found: ' + selector);
    };
    try {
        const tab = [...document.querySelectorAll('.o_notebook .nav-link')].find(
            (link) => link.textContent.trim() === 'Compliance');
        if (!tab) { throw new Error('no Compliance tab'); }
        tab.click();
        (await find('button[name="action_stablecoin_kyc_verify"]')).click();
        const input = await find('.modal div[name="reference"] input');
        input.value = 'PASSPORT-77';
        input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new Event('change', {bubbles: true}));
        await sleep(200);
        (await find('.modal button[name="action_confirm"]')).click();
        for (let i = 0; i < 100 && document.querySelector('.modal'); i++) { await sleep(100); }
        if (document.querySelector('.modal')) { throw new Error('the dialog stayed open'); }
        console.log('test successful');
    } catch (error) {
        console.error(error.message);
    }
})();
"""


@tagged("post_install", "-at_install")
class TestKycInPractice(StablecoinInvoiceMixin, HttpCase):
    """A compliance officer (no right to edit contacts, as the README's roles) verifies a
    customer's identity from the customer's form, in chromium; the billing clerk then posts
    the invoice above the threshold."""

    def test_the_officer_records_an_identity_check_from_the_customers_form(self):
        officer = self.company_user(
            "scoin_kyc_officer",
            "stablecoin_compliance.group_stablecoin_compliance",
            [self.env.company],
        )
        clerk = self.company_user(
            "scoin_kyc_clerk", "account.group_account_invoice", [self.env.company]
        )
        customer = self.env["res.partner"].create({"name": "New big customer"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            customer.with_user(officer).write({"name": "renamed"})  # a read-only form
        self.browser_js(
            f"/odoo/action-base.action_partner_form/{customer.id}",
            RECORD_IDENTITY_CHECK,
            login="scoin_kyc_officer",
            ready="!!document.querySelector('.o_form_view .o_notebook')",
        )
        self.assertTrue(customer.stablecoin_kyc_verified)
        self.assertEqual(customer.stablecoin_kyc_reference, "PASSPORT-77")
        self.assertEqual(customer.stablecoin_kyc_user_id, officer)
        log = self.env["stablecoin.compliance.log"].search(
            [("partner_id", "=", customer.id), ("event", "=", "kyc")]
        )
        self.assertEqual((len(log), log.user_id), (1, officer))
        invoice = self.invoice_as(clerk, 5000.0, post=False, partner_id=customer.id)
        invoice.with_user(clerk).action_post()
        self.assertEqual(invoice.state, "posted")
        # A verification needs its evidence; a billing clerk records none.
        wizard = self.env["stablecoin.kyc.verification"].with_user(officer)
        with self.assertRaisesRegex(ValidationError, "^Document Reference"):
            wizard.create({"partner_id": customer.id, "reference": " "}).action_confirm()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            customer.with_user(clerk).action_stablecoin_kyc_verify()
