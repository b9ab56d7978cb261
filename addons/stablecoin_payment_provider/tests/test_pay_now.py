# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Pay Now* and the payment card say the same thing: the stablecoin option pays an invoice
that has a payment request (token or fiat invoice), is labelled with what the invoice accepts,
and leads back to the invoice's card."""

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import StablecoinCheckoutMixin


@tagged("post_install", "-at_install")
class TestPayNow(StablecoinCheckoutMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.env.company.stablecoin_token_ids = [Command.set(cls.token_usdc.ids)]
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.eur.id)]).unlink()
        cls.env["res.currency.rate"].create(
            {
                "name": fields.Date.today(),
                "currency_id": cls.eur.id,
                "rate": 1 / 1.20,
                "company_id": cls.env.company.id,
            }
        )

    def make_eur_invoice(self, amount):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "currency_id": self.eur.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def stablecoin_option(self, invoice):
        """The Stablecoin option of the invoice page's *Pay Now* dialog, as a public visitor
        with the invoice's link sees it."""
        self.authenticate(None, None)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        return page.xpath(
            "//div[@id='pay_with']//input[@data-provider-code='stablecoin']/ancestor::li[1]"
        )

    def test_a_eur_invoice_offers_the_stablecoin_card(self):
        invoice = self.make_eur_invoice(100.0)
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "120000000")
        (option,) = self.stablecoin_option(invoice)
        label = option.xpath(".//label[hasclass('o_payment_option_label')]")[0].text_content()
        self.assertEqual(label, f"Stablecoin (USDC on {self.network.name})")
        # The option shows the page's card (copied by the browser: see test_wallet_checkout),
        # the card of this request: 100 EUR at 1.20.
        self.assertEqual(
            option.xpath(".//div[hasclass('o_stablecoin_inline_card')]/@data-uri"),
            [invoice.stablecoin_payment_uri],
        )
        page = self.url_open(invoice.get_portal_url()).text
        self.assertIn("120.00 USDC", page)

    def test_the_stablecoin_option_offers_the_card_onramp_and_the_onramps_are_no_options(self):
        """With the card on-ramp ready, the stablecoin option of *Pay Now* offers *Or pay by
        card* for this invoice; the on-ramp providers are not options of their own (their
        checkouts start from the invoice's card, for its exact stablecoins)."""
        card = self.env.ref("stablecoin_onramp.payment_provider_stablecoin_stripe")
        card.write(
            {"state": "test", "stablecoin_stripe_secret_key": "sk_test_x", "is_published": True}
        )
        invoice = self.make_invoice(35.0)
        (option,) = self.stablecoin_option(invoice)
        (form,) = option.xpath(".//form[hasclass('o_stablecoin_card')]")
        self.assertEqual(form.get("action"), f"/my/invoices/{invoice.id}/stablecoin/card")
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        codes = page.xpath("//div[@id='pay_with']//input/@data-provider-code")
        self.assertIn("stablecoin", codes)
        self.assertFalse({"stablecoin_bridge", "stablecoin_stripe"} & set(codes))

    def test_the_label_lists_only_what_the_invoice_accepts(self):
        invoice = self.make_invoice(30.0)
        (option,) = self.stablecoin_option(invoice)
        label = option.xpath(".//label[hasclass('o_payment_option_label')]")[0].text_content()
        self.assertIn("USDC", label)
        self.assertNotIn("USDT", label)
        # The company accepts USDT too, and this invoice offers both.
        self.env.company.stablecoin_token_ids = [
            Command.set((self.token_usdc | self.token_usdt).ids)
        ]
        both = self.make_invoice(31.0)
        (option,) = self.stablecoin_option(both)
        label = option.xpath(".//label[hasclass('o_payment_option_label')]")[0].text_content()
        self.assertEqual(label, f"Stablecoin (USDC, USDT on {self.network.name})")

    def test_offered_only_for_an_invoice_with_a_request(self):
        compatible = self.env["payment.provider"].sudo()._get_compatible_providers
        company, partner = self.env.company.id, self.partner.id
        usdc = self.usdc_currency.id
        invoice = self.make_invoice(40.0)
        # A free amount, a sales order, several invoices: no invoice to pay, no option.
        self.assertNotIn(self.provider, compatible(company, partner, 40.0, currency_id=usdc))
        # The invoice page and a checked payment link name the invoice by an integer.
        self.assertIn(
            self.provider,
            compatible(company, partner, 40.0, currency_id=usdc, stablecoin_invoice_id=invoice.id),
        )
        self.assertIn(
            self.provider,
            compatible(company, partner, 40.0, currency_id=usdc, invoice_id=invoice.id),
        )
        # Text from a URL names nothing.
        self.assertNotIn(
            self.provider,
            compatible(
                company, partner, 40.0, currency_id=usdc, stablecoin_invoice_id=str(invoice.id)
            ),
        )
        # An invoice without a request (cancelled) offers no stablecoin option, and says why.
        invoice.button_draft()
        invoice.button_cancel()
        report = {}
        found = compatible(
            company,
            partner,
            40.0,
            currency_id=usdc,
            stablecoin_invoice_id=invoice.id,
            report=report,
        )
        self.assertNotIn(self.provider, found)
        self.assertFalse(report["providers"][self.provider]["available"])

    def test_the_pay_button_starts_a_checkout_its_page_can_follow(self):
        """In chromium: *Pay now*, the stablecoin option, *Pay*: the redirect form the page
        gets carries the checkout's token, and posting it (as the browser does) turns the
        checkout pending and lands on the invoice's card."""
        invoice = self.make_invoice(21.0)
        self.browser_js(
            invoice.get_portal_url(),
            PAY_BUTTON,
            ready="!!document.querySelector("
            "'#stablecoin_portal_payment .o_stablecoin_wallet_pay[data-ready]')",
        )
        tx = invoice.transaction_ids
        self.assertEqual(tx.provider_code, "stablecoin")
        self.assertEqual(tx.state, "pending")

    def test_paying_from_the_dialog_lands_on_the_invoice_card(self):
        invoice = self.make_eur_invoice(50.0)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": f"{invoice.name}-eur",
                "amount": invoice.amount_residual,
                "currency_id": self.eur.id,
                "partner_id": self.partner.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "operation": "online_redirect",
            }
        )
        self.authenticate(None, None)
        response = self.url_open("/payment/stablecoin/process", data=self.redirect_form_data(tx))
        self.assertEqual(tx.state, "pending")
        self.assertIn(f"/my/invoices/{invoice.id}", response.url)
        page = html.fromstring(response.content)
        card = page.xpath("//div[@id='stablecoin_portal_payment']")
        self.assertEqual(len(card), 1)
        self.assertEqual(
            card[0].xpath(".//a[hasclass('o_stablecoin_uri')]/@href"),
            [invoice.stablecoin_payment_uri],
        )


# The *Pay* button of the Pay Now dialog, stablecoin option: Odoo's payment form creates the
# transaction and submits the redirect form it gets; the submission is made here with fetch
# (as the browser would post it) to read where it lands.
PAY_BUTTON = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    HTMLFormElement.prototype.submit = async function () {
        const token = this.querySelector('input[name=access_token]');
        if (!token || !token.value) { console.error('the redirect form has no token'); return; }
        const response = await fetch(this.action, {method: 'POST', body: new FormData(this)});
        const page = await response.text();
        const card = page.includes('stablecoin_portal_payment');
        if (!response.url.includes('/my/invoices/') || !card) {
            console.error('landed on ' + response.status + ' ' + response.url);
            return;
        }
        console.log('test successful');
    };
    document.querySelector('[data-bs-target="#pay_with"]').click();
    const radio = document.querySelector('#pay_with input[data-provider-code="stablecoin"]');
    radio.click();
    const button = () => document.querySelector('#pay_with [name="o_payment_submit_button"]');
    for (let i = 0; i < 50 && (!button() || button().disabled); i++) { await sleep(100); }
    if (!button() || button().disabled) { console.error('no Pay button'); return; }
    button().click();
})();
"""
