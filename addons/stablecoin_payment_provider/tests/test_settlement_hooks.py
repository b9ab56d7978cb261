# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One path for every settlement: the portal transaction follows the invoice whether the
matcher, an accountant or a deep reorganisation decides."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import StablecoinCheckoutMixin


@tagged("post_install", "-at_install")
class TestSettlementHooks(StablecoinCheckoutMixin, HttpCase):
    def test_manual_match_completes_the_pending_transaction(self):
        invoice = self.make_invoice(64.0)
        tx = self.create_pending_tx(invoice)
        self.pay(64_500_000)  # not what was asked: the unmatched queue
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        self.assertEqual(receipt.state, "unmatched")
        self.assertEqual(tx.state, "pending")
        # An accounting administrator with full accounting features: the wizard needs both
        # today (a manager alone is refused: the trust-boundaries issue mends that).
        manager = new_test_user(
            self.env,
            login="scoin_acc_mgr",
            groups="account.group_account_manager,account.group_account_user",
        )
        wizard = (
            self.env["stablecoin.match.wizard"]
            .with_user(manager)
            .with_context(active_id=receipt.id)
            .create({"mode": "invoices", "invoice_ids": [(6, 0, invoice.ids)]})
        )
        wizard.action_confirm()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.payment_id, receipt.payment_id)

    def test_register_payment_completes_the_pending_transaction(self):
        """An accountant records the customer's payment with Odoo's *Register Payment*: the
        checkout the customer started is done with that payment, not left pending a week."""
        invoice = self.make_invoice(30.0)
        tx = self.create_pending_tx(invoice)
        accountant = new_test_user(
            self.env, login="scoin_register_acc", groups="account.group_account_manager"
        )
        wizard = (
            self.env["account.payment.register"]
            .with_user(accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        wizard.action_create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.payment_id, invoice.matched_payment_ids)
        self.assertEqual(len(invoice.matched_payment_ids), 1, "no second payment for the tx")

    def test_deep_reorg_puts_the_done_transaction_in_error(self):
        invoice = self.make_invoice(42.0)
        tx = self.create_pending_tx(invoice)
        paid_at = self.chain.block_number() + 2
        self.pay(42_000_000)
        self.settle()
        self.assertEqual(tx.state, "done")
        depth = self.chain.block_number() - paid_at + 1
        self.chain.rpc("anvil_reorg", depth, [])
        self.scan()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(tx.state, "error")
        self.assertIn("reorganisation", tx.state_message)

    def test_an_abandoned_checkout_is_cancelled_after_a_week(self):
        invoice = self.make_invoice(8.0)
        tx = self.create_pending_tx(invoice)
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(tx.state, "pending", "not before the week is over")
        tx.last_state_change = fields.Datetime.now() - timedelta(days=8)
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(tx.state, "cancel")
        # A payment on chain still pays the invoice through its request.
        self.pay(8_000_000)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_the_public_route_turns_only_invoice_checkouts_pending(self):
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": "no-invoice-scoin",
                "amount": 5.0,
                "currency_id": self.usdc_currency.id,
                "partner_id": self.partner.id,
                "operation": "online_redirect",
            }
        )
        with mute_logger("odoo.http", "odoo.addons.payment.models.payment_transaction"):
            response = self.url_open(
                "/payment/stablecoin/process", data=self.redirect_form_data(tx)
            )
        self.assertLess(response.status_code, 500)
        self.assertEqual(tx.state, "draft")

    def test_no_pay_now_once_rejected_or_while_a_payment_is_on_its_way(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        invoice = self.make_invoice(9.0)
        self.assertTrue(invoice._has_to_be_paid())
        self.pay(9_000_000)
        self.scan()  # seen, not final yet
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")
        self.assertFalse(invoice._has_to_be_paid())
        rejected = self.make_invoice(7.0)
        rejected.sudo()._stablecoin_reject("Not ordered")
        self.assertFalse(rejected._has_to_be_paid())
        page = self.url_open(rejected.get_portal_url()).text
        self.assertNotIn("Pay Now", page)
