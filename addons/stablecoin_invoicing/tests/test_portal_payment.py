# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import subprocess
import tempfile
from datetime import timedelta

import zxingcpp
from lxml import html
from PIL import Image
from werkzeug.urls import url_encode

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin

SHOTS = os.environ.get("SCOIN_SCREENSHOTS")  # a folder: save the pages and the PDF there


@tagged("post_install", "-at_install")
class TestPortalPayment(ClerkInvoicesMixin, StablecoinInvoiceMixin, HttpCase):
    def portal_page(self, invoice):
        response = self.url_open(invoice.get_portal_url())
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def test_customer_pays_from_the_portal_uri_end_to_end(self):
        invoice = self.make_invoice(249.99)
        page = self.portal_page(invoice)
        uri = page.xpath(
            "//div[@id='stablecoin_portal_payment']//a[hasclass('o_stablecoin_uri')]/@href"
        )
        self.assertEqual(len(uri), 1)
        request = parse_erc20_transfer_uri(uri[0])
        self.assertEqual(request.amount, 249_990_000)
        self.assertEqual(
            page.xpath("string(//*[hasclass('o_stablecoin_status')])").strip(), "Awaiting payment"
        )

        # The customer's wallet does what the URI says.
        self.chain.mint(request.token, self.customer, request.amount)
        tx_hash = self.chain.transfer(
            request.token, self.customer, request.recipient, request.amount
        )
        self.settle()

        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payment = invoice.stablecoin_transfer_ids.payment_id
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.memo, tx_hash)
        self.assertTrue(
            invoice.line_ids.filtered(
                lambda l: l.account_id.account_type == "asset_receivable"
            ).reconciled
        )
        page = self.portal_page(invoice)
        self.assertEqual(page.xpath("string(//*[hasclass('o_stablecoin_status')])").strip(), "Paid")
        self.assertFalse(page.xpath("//a[hasclass('o_stablecoin_uri')]"))
        self.assertIn(tx_hash[:18], page.xpath("string(//div[@id='stablecoin_portal_payment'])"))

    def test_copy_buttons_and_open_in_wallet_carry_the_exact_values(self):
        self.make_invoice(33.0)
        invoice = self.make_invoice(33.0)  # tagged: 33.000001
        page = self.portal_page(invoice)
        card = page.xpath("//div[@id='stablecoin_portal_payment']")[0]
        copies = card.xpath(".//button[hasclass('o_stablecoin_copy')]/@data-copy")
        self.assertEqual(copies, ["33.000001", invoice.stablecoin_address])
        self.assertEqual(
            card.xpath(".//a[hasclass('o_stablecoin_open_wallet')]/@href"),
            [invoice.stablecoin_payment_uri],
        )
        printed = self.env["ir.qweb"]._render(
            "stablecoin_invoicing.stablecoin_payment_instructions",
            {"invoice": invoice, "report_type": "pdf"},
        )
        self.assertIn("33.000001 USDC", printed)
        self.assertNotIn("o_stablecoin_copy", printed, "no buttons on paper")
        self.assertNotIn("o_stablecoin_open_wallet", printed)

    def test_the_card_counts_the_confirmations(self):
        invoice = self.make_invoice(4.0)
        self.pay(4_000_000)
        self.scan()  # seen, in the last block
        card = self.portal_page(invoice).xpath("//div[@id='stablecoin_portal_payment']")[0]
        counted = card.xpath("string(.//*[hasclass('o_stablecoin_confirmations')])")
        self.assertEqual(counted, f"1 of {self.network.confirmations_final} confirmations")

    def test_other_customers_cannot_see_the_invoice(self):
        invoice = self.make_invoice(10.0)
        response = self.url_open(f"/my/invoices/{invoice.id}")  # no access token, not logged in
        self.assertNotIn(invoice.stablecoin_payment_uri or "x", response.text)
        response = self.url_open(f"/my/invoices/{invoice.id}?access_token=wrong")
        self.assertNotIn(invoice.stablecoin_payment_uri, response.text)

    def test_invoice_pdf_carries_the_payment_request(self):
        """The printed invoice shows the request, and its QR scans back to the exact URI."""
        invoice = self.make_invoice(75.25)
        report = self.env["ir.actions.report"]
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "account.account_invoices", invoice.ids
        )
        self.assertEqual(kind, "pdf")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(SHOTS or tmp, "invoice.pdf")
            with open(path, "wb") as out:
                out.write(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path, path[:-4]],
                check=True,
                timeout=120,
            )
            text = subprocess.run(
                ["pdftotext", path, "-"], capture_output=True, text=True, check=True, timeout=60
            ).stdout
            self.assertIn(invoice.stablecoin_address, text.replace("\n", ""))
            image = Image.open(path[:-4] + "-1.png")
            self.assertEqual(
                [r.text for r in zxingcpp.read_barcodes(image)], [invoice.stablecoin_payment_uri]
            )


@tagged("post_install", "-at_install")
class TestPortalActions(ClerkInvoicesMixin, StablecoinInvoiceMixin, HttpCase):
    """What the payer does on the portal page: pick a token, reject, pay from balance."""

    def page(self, invoice, **params):
        response = self.url_open(invoice.get_portal_url(**params))
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def post_form(self, invoice, form_class, **fields):
        page = self.page(invoice)
        forms = page.xpath(f"//*[hasclass('{form_class}')]/descendant-or-self::form")
        self.assertTrue(forms, f"no {form_class} form on the page")
        form = forms[0]
        data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}
        data.update(fields)
        response = self.url_open(form.get("action"), data=data)
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def test_payer_rejects_with_a_reason(self):
        invoice = self.make_invoice(15.0)
        page = self.post_form(invoice, "o_stablecoin_reject", reason="Wrong quantity, we ordered 2")
        self.assertEqual(invoice.stablecoin_payment_status, "rejected")
        self.assertEqual(
            invoice.stablecoin_request_id.reject_reason, "Wrong quantity, we ordered 2"
        )
        self.assertIn(
            "Wrong quantity", page.xpath("string(//div[@id='stablecoin_portal_payment'])")
        )
        self.assertFalse(page.xpath("//a[hasclass('o_stablecoin_uri')]"), "no QR once rejected")
        self.assertTrue(invoice.activity_ids, "the issuer gets an activity")
        # The issuer can still reset to draft (and fix the invoice): posted again, it asks
        # for payment anew, the rejection kept on the old request only.
        rejected = invoice.stablecoin_request_id
        invoice.button_draft()
        self.assertEqual(rejected.state, "cancelled")
        self.assertEqual(rejected.reject_reason, "Wrong quantity, we ordered 2")
        invoice.action_post()
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")
        self.assertNotEqual(invoice.stablecoin_request_id, rejected)
        self.assertFalse(invoice.stablecoin_request_id.reject_reason)
        self.assertTrue(invoice.stablecoin_payment_uri)

    def test_rejection_stands_through_a_payment_cancelled(self):
        """An accountant registers a payment on a rejected invoice by mistake, then cancels
        it: the invoice is rejected again, with no QR code, and its request keeps the
        reason (the backend form of the request shows none either)."""
        invoice = self.make_invoice(15.0)
        self.post_form(invoice, "o_stablecoin_reject", reason="Duplicate of last week's")
        rejected = invoice.stablecoin_request_id
        accountant = self.company_user(
            "scoin_reject_accountant", "account.group_account_user", [self.env.company]
        )
        wizard = (
            self.env["account.payment.register"]
            .with_user(accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        payment = wizard._create_payments()
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        self.assertEqual(rejected.state, "rejected", "a payment does not undo a rejection")
        payment.with_user(accountant).action_draft()
        payment.with_user(accountant).action_cancel()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.stablecoin_payment_status, "rejected")
        self.assertEqual(invoice.stablecoin_request_id, rejected)
        self.assertFalse(invoice.stablecoin_payment_uri)
        self.assertFalse(rejected.payment_qr, "no QR code of an amount no longer asked")
        self.assertFalse(rejected.wallet_link)

    def test_an_invoice_without_a_request_cannot_be_rejected_but_says_why(self):
        invoice = self.make_invoice(15.0)
        invoice.stablecoin_request_ids._cancel()
        invoice.sudo().stablecoin_request_id = False
        with self.assertRaisesRegex(UserError, "takes no stablecoin payment"):
            invoice._stablecoin_reject("Not ours")

    def test_a_link_cannot_write_on_the_payment_card(self):
        invoice = self.make_invoice(15.0)
        phishing = "Send the funds to 0x000000000000000000000000000000000000dEaD instead"
        for name in ("stablecoin_error", "stablecoin_notice"):
            response = self.url_open(invoice.get_portal_url() + "&" + url_encode({name: phishing}))
            page = html.fromstring(response.content)
            card = page.xpath("string(//div[@id='stablecoin_portal_payment'])")
            self.assertNotIn("dEaD", card)
            self.assertFalse(page.xpath("//*[hasclass('o_stablecoin_error')]"))

    def test_reject_needs_a_reason(self):
        invoice = self.make_invoice(15.0)
        page = self.post_form(invoice, "o_stablecoin_reject", reason="   ")
        self.assertIn("give a reason", page.xpath("string(//*[hasclass('o_stablecoin_error')])"))
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")

    def test_payer_picks_another_token(self):
        self.env.company.stablecoin_token_ids = self.token_usdc | self.token_usdt
        invoice = self.make_invoice(40.0)
        invoice.stablecoin_token_ids = self.token_usdc | self.token_usdt
        page = self.post_form(invoice, "o_stablecoin_token_form", token_id=str(self.token_usdt.id))
        self.assertEqual(invoice.stablecoin_token_id, self.token_usdt)
        uri = page.xpath(
            "//div[@id='stablecoin_portal_payment']//a[hasclass('o_stablecoin_uri')]/@href"
        )
        request = parse_erc20_transfer_uri(uri[0])
        self.assertEqual((request.token, request.amount), (self.usdt, 40_000_000))

    def test_a_token_not_accepted_is_refused(self):
        invoice = self.make_invoice(40.0)
        other = self.env.ref("stablecoin_wallet.stablecoin_token_usdc_base")
        page = self.page(invoice)
        form = page.xpath("//*[hasclass('o_stablecoin_reject')]//form")[0]
        csrf = form.xpath(".//input[@name='csrf_token']/@value")[0]
        response = self.url_open(
            f"/my/invoices/{invoice.id}/stablecoin/token",
            data={"csrf_token": csrf, "access_token": invoice.access_token, "token_id": other.id},
        )
        self.assertIn("Choose one of the accepted tokens", response.text)
        self.assertEqual(invoice.stablecoin_token_id, self.token_usdc)

    def test_pay_from_balance_after_confirmation(self):
        first = self.make_invoice(10.0, wallet=self.hd_wallet)
        self.pay(25_000_000, to=first.stablecoin_address)  # 15 USDC too much
        self.settle()
        second = self.make_invoice(12.0)
        page = self.page(second)
        summary = page.xpath("string(//*[hasclass('o_stablecoin_balance')]/summary)")
        self.assertIn("15.00", summary)
        self.post_form(second, "o_stablecoin_balance")
        self.assertEqual(second.payment_state, "paid")
        self.assertIn("applied 12.0 USDC", " ".join(second.message_ids.mapped("body")))

    def test_a_credit_note_is_not_the_link_holders_to_spend(self):
        """Only stablecoin receipts left unused are offered; a credit note's credit is the
        accountant's to allocate."""
        paid = self.make_invoice(40.0)
        credit_note = paid._reverse_moves([{"ref": "goodwill"}])
        credit_note.action_post()
        second = self.make_invoice(12.0)
        self.assertFalse(second._stablecoin_credit_lines())
        page = self.page(second)
        self.assertFalse(page.xpath("//*[hasclass('o_stablecoin_balance')]"))

    def test_the_card_thanks_for_the_way_the_invoice_was_paid(self):
        """Paid on chain: "Received on chain"; paid by the bank (an accountant's *Register
        Payment*): "Paid", not a chain receipt that never was."""
        accountant = self.company_user(
            "scoin_thanks_accountant", "account.group_account_user", [self.env.company]
        )
        by_bank = self.make_invoice(15.0)
        self.env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=by_bank.ids
        ).create({})._create_payments()
        thanks = self.page(by_bank).xpath("//*[hasclass('o_stablecoin_thanks')]")
        self.assertEqual(" ".join(thanks[0].text_content().split()), "Paid, thank you.")
        on_chain = self.make_invoice(16.0)
        self.pay(int(on_chain.stablecoin_request_id.amount_units), to=on_chain.stablecoin_address)
        self.settle()
        thanks = self.page(on_chain).xpath("//*[hasclass('o_stablecoin_thanks')]")
        self.assertIn("Received on chain", thanks[0].text_content())

    def test_a_payment_seen_says_what_it_waits_for(self):
        """The moment a payment is seen, the card says it was received and how long the
        network's confirmations take (Ethereum's 12 s blocks: about 2 minutes for 12)."""
        self.network.write({"block_seconds": 12, "confirmations_final": 12})
        invoice = self.make_invoice(17.0)
        self.pay(int(invoice.stablecoin_request_id.amount_units), to=invoice.stablecoin_address)
        self.scan()  # one block: seen, far from final
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")
        (line,) = self.page(invoice).xpath("//*[hasclass('o_stablecoin_confirming')]")
        text = " ".join(line.text_content().split())
        self.assertIn(f"Received, confirming on {self.network.name}: about 2 min", text)
        self.assertIn("1 of 12 confirmations", text)

    def test_expired_quote_is_requoted_when_viewed(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": fields.Date.today(), "currency_id": eur.id, "rate": 0.9}
        )
        self.env.company.stablecoin_token_ids = self.token_usdc
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "currency_id": eur.id,
                "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 10.0, "tax_ids": []})],
            }
        )
        invoice.stablecoin_wallet_id = self.wallet
        invoice.action_post()
        old = invoice.stablecoin_request_id
        self.assertTrue(old.expires_at)
        old.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        page = self.page(invoice)
        self.assertNotEqual(invoice.stablecoin_request_id, old)
        self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_quote_expiry')]"))
        # The expiry in UTC for the page script (shown in the payer's zone, with a countdown).
        expires = page.xpath("//*[hasclass('o_stablecoin_expires')]/@data-expires")
        self.assertEqual(expires, [invoice.stablecoin_request_id.expires_at.isoformat() + "Z"])
        self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_countdown')]"))
        self.assertEqual(
            page.xpath(
                "//div[@id='stablecoin_portal_payment']//a[hasclass('o_stablecoin_uri')]/@href"
            ),
            [invoice.stablecoin_payment_uri],
        )
