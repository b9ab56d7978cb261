# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import subprocess
import tempfile

import zxingcpp
from lxml import html
from PIL import Image

from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from .common import StablecoinInvoiceMixin

SHOTS = os.environ.get("SCOIN_SCREENSHOTS")  # a folder: save the pages and the PDF there


@tagged("post_install", "-at_install")
class TestPortalPayment(StablecoinInvoiceMixin, HttpCase):
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
