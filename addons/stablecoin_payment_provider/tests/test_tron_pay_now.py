# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Pay Now* on a USDT-on-Tron invoice: the stablecoin option leads to the Tron card (T-address,
amount, QR); the browser wallet (EIP-1193, EVM only) is not offered."""

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet.tests.common import TronChainMixin

from .common import StablecoinCheckoutMixin


@tagged("post_install", "-at_install")
class TestTronPayNow(TronChainMixin, StablecoinCheckoutMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.env.company.stablecoin_token_ids = [Command.set(cls.tron_token.ids)]

    def test_pay_now_offers_the_tron_card_and_no_browser_wallet(self):
        invoice = self.make_invoice(64.0, token=self.tron_token, wallet=self.tron_wallet)
        self.assertEqual(invoice.stablecoin_payment_uri, self.tron_merchant_t)
        self.authenticate(None, None)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        option = page.xpath(
            "//div[@id='pay_with']//input[@data-provider-code='stablecoin']/ancestor::li[1]"
        )
        self.assertEqual(len(option), 1, "the stablecoin option pays a Tron invoice")
        self.assertIn("USDT on Tron", option[0].text_content())
        inline = option[0].xpath(".//*[hasclass('o_stablecoin_inline_card')]")
        self.assertEqual(inline[0].get("data-uri"), self.tron_merchant_t)
        self.assertNotIn("browser wallet", inline[0].text_content())
        # The card the dialog copies (its data-uri agrees), without a browser-wallet button.
        card = page.xpath("//div[@id='stablecoin_portal_payment']")[0]
        table = card.xpath(".//table[hasclass('o_stablecoin_payment')]")[0]
        self.assertEqual(table.get("data-uri"), self.tron_merchant_t)
        self.assertFalse(page.xpath("//*[hasclass('o_stablecoin_wallet_pay')]"))

    def test_no_onramp_on_tron(self):
        """The on-ramps buy stablecoins to EVM addresses: offered on an EVM invoice, not on a
        Tron one."""
        self.env.ref("stablecoin_onramp.payment_provider_stablecoin_stripe").write(
            {"state": "test", "stablecoin_stripe_secret_key": "sk_test_x"}
        )
        self.env.company.stablecoin_token_ids = [
            Command.set((self.tron_token | self.token_usdc).ids)
        ]
        evm = self.make_invoice(64.0)
        tron = self.make_invoice(64.0, token=self.tron_token, wallet=self.tron_wallet)
        self.authenticate(None, None)
        for invoice, offered in ((evm, True), (tron, False)):
            page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
            cards = page.xpath("//*[hasclass('o_stablecoin_card_button')]")
            self.assertEqual(bool(cards), offered, invoice.stablecoin_token_id.display_name)
