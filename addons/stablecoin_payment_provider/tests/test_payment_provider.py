# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.payment.tests.common import PaymentCommon


@tagged("post_install", "-at_install")
class TestStablecoinProvider(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stablecoin = cls.env.ref("stablecoin_payment_provider.payment_provider_stablecoin")

    def test_provider_is_installed_disabled_with_its_payment_method(self):
        self.assertEqual(self.stablecoin.code, "stablecoin")
        self.assertEqual(self.stablecoin.state, "disabled")
        self.assertEqual(
            self.stablecoin.module_id, self.env.ref("base.module_stablecoin_payment_provider")
        )
        methods = self.stablecoin.with_context(active_test=False).payment_method_ids
        self.assertEqual(methods.mapped("code"), ["stablecoin"])

    def test_default_payment_methods(self):
        self.assertEqual(self.stablecoin._get_default_payment_method_codes(), {"stablecoin"})
        # Other providers keep their own defaults (guard-and-super).
        self.assertNotIn("stablecoin", self.dummy_provider._get_default_payment_method_codes())

    def test_removal_resets_the_provider(self):
        self.env["payment.provider"]._remove_provider("stablecoin")
        self.assertEqual(self.stablecoin.code, "none")
        self.assertEqual(self.stablecoin.state, "disabled")
