# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One path for every settlement: the portal transaction follows the invoice whether the
matcher, an accountant or a deep reorganisation decides."""

from odoo.tests import HttpCase, new_test_user, tagged

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
