# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One seam binds a transfer to the payment request it answers, and says how: the invoice's
own address, the exact amount on a shared address, a transaction the request expects (an
on-ramp's report), the payer's claim."""

from odoo.tests import TransactionCase, tagged

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestBinding(ClerkInvoicesMixin, StablecoinInvoiceMixin, TransactionCase):
    def receipt(self, tx_hash):
        return self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])

    def test_an_expected_transaction_takes_a_receipt_from_the_unmatched_queue(self):
        invoice = self.make_invoice(300.0)  # the shared address: only 300.00 names it
        tx_hash = self.pay(200_000_000)
        self.settle()
        receipt = self.receipt(tx_hash)
        self.assertEqual(receipt.state, "unmatched")
        request = invoice.stablecoin_request_id
        # Upper case and spaces as a provider may write it: the same transaction.
        self.assertEqual(
            request._expect(f" {tx_hash.upper().replace('0X', '0x')} ", "Bridge"), receipt
        )
        self.assertEqual((receipt.request_id, receipt.bound_by), (request, "tx_hash"))
        self.assertEqual(receipt.state, "confirmed", "back to the matcher")
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(invoice.amount_residual, 100.0)
        # Told twice, the request expects it once.
        request._expect(tx_hash, "Bridge")
        self.assertEqual(len(request.evidence_ids), 1)

    def test_an_expected_transaction_binds_only_receipts_on_the_requests_address(self):
        invoice = self.make_invoice(50.0)  # the shared address
        other = self.make_invoice(70.0, wallet=self.hd_wallet)
        tx_hash = self.pay(13_000_000, to=other.stablecoin_request_id.address)
        self.settle()
        receipt = self.receipt(tx_hash)
        self.assertEqual(receipt.move_id, other, "its own address named it")
        self.assertEqual(receipt.bound_by, "address")
        self.assertFalse(invoice.stablecoin_request_id._expect(tx_hash, "Bridge"))
        self.assertEqual(receipt.move_id, other)

    def test_evidence_is_seen_by_its_company_only(self):
        invoice = self.make_invoice(20.0)
        invoice.stablecoin_request_id._expect("0x" + "ab" * 32, "Bridge")
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        outsider = self.company_user(
            "scoin_binding_outsider", "account.group_account_invoice", [other_company]
        )
        Evidence = self.env["stablecoin.payment.evidence"]
        self.assertEqual(Evidence.with_user(self.clerk).search_count([]), 1)
        self.assertEqual(Evidence.with_user(outsider).search_count([]), 0)
