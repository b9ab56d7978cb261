# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.payment.tests.common import PaymentCommon

from .common import enable_stablecoin_provider


@tagged("post_install", "-at_install")
class TestStablecoinProvider(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stablecoin = enable_stablecoin_provider(cls.env)[0]
        cls.usdc = cls.env.ref("stablecoin_wallet.currency_usdc")

    def test_provider_record_and_payment_method(self):
        self.assertEqual(self.stablecoin.code, "stablecoin")
        self.assertEqual(
            self.stablecoin.module_id, self.env.ref("base.module_stablecoin_payment_provider")
        )
        self.assertEqual(
            self.stablecoin.redirect_form_view_id,
            self.env.ref("stablecoin_payment_provider.redirect_form"),
        )
        methods = self.stablecoin.with_context(active_test=False).payment_method_ids
        self.assertEqual(methods.mapped("code"), ["stablecoin"])
        self.assertIn("Pay with browser wallet", self.stablecoin.pending_msg)

    def test_default_payment_methods(self):
        self.assertEqual(self.stablecoin._get_default_payment_method_codes(), {"stablecoin"})
        # Other providers keep their own defaults (guard-and-super).
        self.assertNotIn("stablecoin", self.dummy_provider._get_default_payment_method_codes())

    def test_not_offered_without_an_invoice_to_pay(self):
        # A free amount, in a token currency or not: nothing for the provider to pay (it pays
        # an invoice's payment request; see test_pay_now).
        compatible = self.env["payment.provider"]._get_compatible_providers
        company, partner = self.env.company.id, self.partner.id
        for currency in (self.usdc, self.env.ref("base.EUR")):
            self.assertNotIn(
                self.stablecoin, compatible(company, partner, 100.0, currency_id=currency.id)
            )
        # Every currency: a EUR invoice priced in USDC is paid through it too.
        self.assertFalse(self.stablecoin.available_currency_ids)

    def test_removal_resets_the_provider(self):
        self.env["payment.provider"]._remove_provider("stablecoin")
        self.assertEqual(self.stablecoin.code, "none")
        self.assertEqual(self.stablecoin.state, "disabled")
