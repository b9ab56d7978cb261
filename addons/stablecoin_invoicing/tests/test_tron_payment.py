# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A billing clerk's USDT invoice on Tron, paid on chain to the T-address its page shows,
read back by the shared watcher and matcher; the page, the PDF and the email show T-addresses
only (no 0x address, no EIP-681 URI)."""

import base64
import os
import re
import subprocess
import tempfile
from decimal import Decimal
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from lxml import html
from PIL import Image

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.stablecoin_wallet.chain import to_units
from odoo.addons.stablecoin_wallet.chain.tron import to_tron_address
from odoo.addons.stablecoin_wallet.tests.common import TRON_TEST_XPUB, TronChainMixin

from .common import StablecoinInvoiceMixin

HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


@tagged("post_install", "-at_install")
class TestTronPayment(TronChainMixin, StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Tron Co"})
        cls.clerk = new_test_user(
            cls.env,
            login="tron_billing_clerk",
            groups="account.group_account_invoice",
            email="clerk@example.com",
            company_id=cls.env.company.id,
            company_ids=[Command.set((cls.env.company | cls.other_company).ids)],
        )
        cls.tron_hd_wallet = cls.env["stablecoin.wallet"].create(
            {
                "name": "Tron HD wallet",
                "network_kind": "tron",
                "kind": "xpub",
                "xpub": TRON_TEST_XPUB,
                "token_ids": [Command.set(cls.tron_token.ids)],
            }
        )
        cls.tron_hd_wallet.next_index = 20  # fresh, empty addresses

    def clerk_invoice(self, amount, wallet=None):
        """The billing clerk invoices in USDT on Tron and posts."""
        return self.invoice_as(
            self.clerk, amount, token=self.tron_token, wallet=wallet or self.tron_wallet
        )

    def card(self, invoice):
        """The payment card, as the public visitor with the invoice's access link sees it."""
        self.authenticate(None, None)
        response = self.url_open(invoice.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("ethereum:", response.text)
        return html.fromstring(response.content).xpath("//div[@id='stablecoin_portal_payment']")[0]

    def pay_from_card(self, card):
        """The payer copies the amount and the T-address from the card into a Tron wallet."""
        amount, address = card.xpath(".//button[hasclass('o_stablecoin_copy')]/@data-copy")
        return self.tron_pay(to_units(Decimal(amount), 6), to_t=address)

    def settle(self):
        self.tron_settle()
        self.env["stablecoin.transfer"]._cron_match()

    def assert_paid(self, invoice):
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_payment_status, "paid")

    def test_fixed_t_address_invoice_paid_end_to_end(self):
        invoice = self.clerk_invoice(120.0)
        request = invoice.stablecoin_request_id
        self.assertEqual(request.network_id, self.tron_network)
        self.assertEqual(request.address_id.address, self.tron_merchant, "0x inside")
        self.assertEqual(invoice.stablecoin_request_id.address, self.tron_merchant_t)
        self.assertEqual(invoice.stablecoin_payment_uri, self.tron_merchant_t, "bare T-address")

        card = self.card(invoice)
        self.assertEqual(
            card.xpath("string(.//*[hasclass('o_stablecoin_address')])"), self.tron_merchant_t
        )
        self.assertEqual(
            card.xpath(".//button[hasclass('o_stablecoin_copy')]/@data-copy"),
            ["120.00", self.tron_merchant_t],
        )
        self.assertFalse(HEX_ADDRESS.search(card.text_content()), "no 0x address on the card")
        # No EIP-681 link, no "Open in wallet app", no browser-wallet (EIP-1193) button.
        for cls in ("o_stablecoin_uri", "o_stablecoin_open_wallet", "o_stablecoin_wallet_pay"):
            self.assertFalse(card.xpath(f".//*[hasclass('{cls}')]"), cls)
        # The QR code holds the bare T-address, what Tron wallets read.
        src = card.xpath(".//img[hasclass('o_stablecoin_qr')]/@src")[0]
        png = base64.b64decode(src.split(",", 1)[1])
        decoded = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
        self.assertEqual([d.text for d in decoded], [self.tron_merchant_t])
        # Trust Wallet's documented send link: TRC-20 asset id, address, amount.
        link = card.xpath(".//a[hasclass('o_stablecoin_trust_wallet')]/@href")[0]
        parts = urlsplit(link)
        self.assertEqual(
            f"{parts.scheme}://{parts.netloc}{parts.path}", "https://link.trustwallet.com/send"
        )
        self.assertEqual(
            parse_qs(parts.query),
            {
                "asset": [f"c195_t{to_tron_address(self.tron_usdt)}"],
                "address": [self.tron_merchant_t],
                "amount": ["120"],
            },
        )
        # The email block too.
        email = invoice.stablecoin_email_instructions
        self.assertIn(self.tron_merchant_t, email)
        self.assertFalse(HEX_ADDRESS.search(email))

        tx_hash = self.pay_from_card(card)
        self.settle()
        self.assert_paid(invoice)
        transfer = invoice.stablecoin_transfer_ids
        self.assertEqual((transfer.tx_hash, transfer.state), (tx_hash, "matched"))
        data = invoice._stablecoin_event_data(transfer)["transfer"]
        self.assertEqual(data["recipient"], self.tron_merchant, "the logs' form kept")
        self.assertEqual(
            (
                data["network_type"],
                data["tx_id"],
                data["recipient_display"],
                data["sender_display"],
            ),
            ("tron", tx_hash[2:], self.tron_merchant_t, self.tron_payer_t),
        )
        self.assertEqual(data["contract_display"], to_tron_address(self.tron_usdt))
        # Paid: the card lists the receipt by its Tron transaction id (no 0x).
        card = self.card(invoice)
        text = card.text_content()
        self.assertIn(tx_hash[2:20], text)
        self.assertNotIn(tx_hash[:20], text)
        self.assertFalse(HEX_ADDRESS.search(text))

    def test_xpub_invoice_gets_its_own_t_address_and_is_paid(self):
        invoice = self.clerk_invoice(45.5, wallet=self.tron_hd_wallet)
        address = invoice.stablecoin_request_id.address_id
        self.assertEqual(address.derivation_index, 20)
        self.assertTrue(address.display_address.startswith("T"))
        self.assertEqual(to_tron_address(address.address), address.display_address)
        card = self.card(invoice)
        self.assertEqual(
            card.xpath("string(.//*[hasclass('o_stablecoin_address')])"), address.display_address
        )
        self.pay_from_card(card)
        self.settle()
        self.assert_paid(invoice)
        self.assertEqual(invoice.stablecoin_transfer_ids.address_id, address)

    def test_payer_claims_a_partial_payment_by_its_tron_transaction_id(self):
        """No memo on TRC-20: an amount other than asked on the shared address is bound to
        its invoice by the payer's claim (the transaction id as Tron wallets show it). Tron
        wallets sign no claim here: a stranger's claim only suggests; a wallet that already
        paid this customer is believed."""
        invoice = self.clerk_invoice(80.0)
        tx_hash = self.tron_pay(30_000_000)
        claim = self.env["stablecoin.payment.claim"]._submit(invoice, tx_hash[2:].upper())
        self.assertEqual(claim.state, "suggested", claim.message)
        earlier = self.clerk_invoice(10.0)
        self.tron_pay(10_000_000)
        self.settle()
        self.assert_paid(earlier)
        claim = self.env["stablecoin.payment.claim"]._submit(invoice, tx_hash[2:].upper())
        self.assertEqual((claim.state, claim.proof), ("bound", "earlier_payer"), claim.message)
        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 50.0)

    def test_refund_address_is_typed_and_shown_in_t_form(self):
        invoice = self.clerk_invoice(20.0)
        self.tron_pay(20_000_000)
        self.settle()
        self.assert_paid(invoice)
        credit_note = invoice._reverse_moves()
        self.assertEqual(credit_note.stablecoin_refund_address, self.tron_payer)
        credit_note.stablecoin_refund_address = self.tron_payer_t  # typed as the payer wrote it
        self.assertEqual(credit_note.stablecoin_refund_address, self.tron_payer)
        self.assertEqual(credit_note.stablecoin_refund_address_display, self.tron_payer_t)
        with self.assertRaisesRegex(ValidationError, "Refund To: .*checksum"):
            credit_note.stablecoin_refund_address = self.tron_payer_t[:-1] + (
                "2" if self.tron_payer_t[-1] != "2" else "3"
            )
        with self.assertRaises(ValidationError) as caught:  # a savepoint: the write undone
            credit_note.stablecoin_refund_address = self.tron_merchant_t
        self.assertIn(f"choose one of its payers: {self.tron_payer_t}", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(credit_note.stablecoin_refund_address, self.tron_payer)
        credit_note.action_post()
        credit_note.action_stablecoin_confirm_refund_address()
        self.assertEqual(credit_note.stablecoin_refund_request_id.payment_uri, self.tron_payer_t)
        # Given in T-form with its token when the credit note is created (XML-RPC): kept as 0x.
        by_api = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner.id,
                "currency_id": invoice.currency_id.id,
                "reversed_entry_id": invoice.id,
                "stablecoin_refund_token_id": self.tron_token.id,
                "stablecoin_refund_address": self.tron_payer_t,
                "invoice_line_ids": [
                    Command.create({"name": "Refund", "price_unit": 5.0, "tax_ids": []})
                ],
            }
        )
        self.assertEqual(by_api.stablecoin_refund_address, self.tron_payer)
        self.assertEqual(by_api.stablecoin_refund_address_display, self.tron_payer_t)

    def test_invoice_pdf_shows_the_t_address_only(self):
        invoice = self.clerk_invoice(75.25)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.clerk)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", invoice.ids)
        )
        self.assertEqual(kind, "pdf")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "invoice.pdf")
            with open(path, "wb") as out:
                out.write(pdf)
            text = subprocess.run(
                ["pdftotext", path, "-"], capture_output=True, text=True, check=True, timeout=60
            ).stdout
        flat = text.replace("\n", "")
        self.assertIn(self.tron_merchant_t, flat)
        self.assertIn(to_tron_address(self.tron_usdt), flat)
        self.assertFalse(HEX_ADDRESS.search(flat), "no 0x address on paper")
        self.assertNotIn("ethereum:", flat)
        # The printed block as the report renders it (wkhtmltopdf draws most text as shapes).
        printed = str(
            self.env["ir.qweb"]._render(
                "stablecoin_invoicing.stablecoin_payment_instructions",
                {"invoice": invoice, "report_type": "pdf"},
            )
        )
        self.assertIn("75.25 USDT", printed)
        self.assertIn(self.tron_merchant_t, printed)
        self.assertFalse(HEX_ADDRESS.search(printed))
        self.assertNotIn("o_stablecoin_copy", printed, "no buttons on paper")
        self.assertNotIn("o_stablecoin_trust_wallet", printed)
