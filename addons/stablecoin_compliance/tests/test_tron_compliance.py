# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Screening on Tron: OFAC lists Tron addresses in their T... form."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_wallet.tests.common import TronChainMixin


@tagged("post_install", "-at_install")
class TestTronCompliance(TronChainMixin, StablecoinInvoiceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="tron_compliance_clerk",
            groups="account.group_account_invoice",
            email="clerk@example.com",
        )

    def test_sender_listed_in_t_form_is_held(self):
        """OFAC lists Tron addresses in T-form: a Tron receipt's sender is screened so."""
        self.env["stablecoin.sanctions.address"].create(
            {"address": self.tron_payer_t, "chain": "tron", "tickers": "USDT", "uid": "7"}
        )
        invoice = self.invoice_as(self.clerk, 60.0, token=self.tron_token, wallet=self.tron_wallet)
        self.tron_pay(60_000_000)
        self.tron_settle()
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(invoice.payment_state, "not_paid")
        hold = invoice.stablecoin_transfer_ids.hold_ids
        self.assertEqual((hold.kind, hold.state), ("sanctions", "held"))
        self.assertIn(self.tron_payer_t, hold.detail)
