# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.stablecoin_wallet import compat
from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestMatching(StablecoinInvoiceMixin, TransactionCase):
    def assert_paid_by(self, invoice, tx_hashes):
        payments = invoice.stablecoin_transfer_ids.payment_id
        self.assertEqual(sorted(payments.mapped("memo")), sorted(tx_hashes))
        self.assertEqual(set(payments.mapped("state")), {"paid"} if payments else set())
        self.assertEqual(payments.journal_id, self.wallet_journal(invoice))
        for payment in payments:
            reconciled = payment.move_id.line_ids.filtered(
                lambda line: line.matched_debit_ids or line.matched_credit_ids
            )
            self.assertEqual(reconciled.move_id, payment.move_id, "reconciled with the invoice")

    def wallet_journal(self, invoice):
        return invoice.stablecoin_wallet_id._journal_for(invoice.stablecoin_token_id)

    def test_payment_request_on_posting(self):
        invoice = self.make_invoice(125.5)
        self.assertEqual(invoice.stablecoin_address, self.merchant)
        self.assertEqual(invoice._stablecoin_current_request().amount_units, "125500000")
        request = parse_erc20_transfer_uri(invoice.stablecoin_payment_uri)
        self.assertEqual(
            (request.token, request.chain_id, request.recipient, request.amount),
            (self.usdc, 31337, self.merchant, 125_500_000),
        )
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")

    def test_exact_transfer_to_shared_address_pays_and_reconciles(self):
        invoice = self.make_invoice(125.5)
        other = self.make_invoice(80.0)
        tx_hash = self.pay(125_500_000)
        self.run_crons()
        self.assertEqual(invoice.payment_state, "not_paid", "not final yet")
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0)
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        self.assert_paid_by(invoice, [tx_hash])
        self.assertEqual(invoice.stablecoin_transfer_ids.bound_by, "amount")
        self.assertEqual(other.payment_state, "not_paid")
        # Running everything again changes nothing.
        payments = self.env["account.payment"].search_count([])
        self.run_crons()
        self.network.write({"last_scanned_block": 0, "last_scanned_hash": False})
        self.run_crons()
        self.assertEqual(self.env["account.payment"].search_count([]), payments)
        self.assertEqual(len(invoice.stablecoin_transfer_ids), 1)

    def test_two_invoices_of_one_amount_each_paid_from_its_own_request(self):
        first = self.make_invoice(50.0)
        second = self.make_invoice(50.0)
        third = self.make_invoice(50.0)
        units = [
            int(inv._stablecoin_current_request().amount_units) for inv in (first, second, third)
        ]
        self.assertEqual(units, [50_000_000, 50_000_001, 50_000_002], "a unique tag each")
        self.assertEqual(
            [inv.stablecoin_request_id.tag_units for inv in (first, second, third)], [0, 1, 2]
        )
        self.assertEqual(second.stablecoin_request_id.amount_text, "50.000001 USDC")
        self.assertFalse(
            self.env["ir.qweb"]
            ._render(
                "stablecoin_invoicing.stablecoin_payment_instructions",
                {"invoice": first, "report_type": "pdf"},
            )
            .count("o_stablecoin_tag_note")
        )
        shown = self.env["ir.qweb"]._render(
            "stablecoin_invoicing.stablecoin_payment_instructions",
            {"invoice": second, "report_type": "pdf"},
        )
        self.assertIn("50.000001 USDC", shown)
        self.assertIn("o_stablecoin_tag_note", shown)
        for invoice in (first, second, third):
            uri = parse_erc20_transfer_uri(invoice.stablecoin_payment_uri)
            self.assertEqual(
                (uri.recipient, uri.amount),
                (self.merchant, int(invoice._stablecoin_current_request().amount_units)),
            )
        # The customers of the third and the second pay what their pages ask, in that order.
        third_tx = self.pay(50_000_002)
        second_tx = self.pay(50_000_001)
        self.settle()
        self.assertEqual(first.payment_state, "not_paid")
        for invoice, tx_hash in ((second, second_tx), (third, third_tx)):
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertEqual(invoice.stablecoin_payment_status, "paid")
            self.assertEqual(invoice.amount_residual, 0, "the tag is below a cent: books exact")
            self.assert_paid_by(invoice, [tx_hash])
            self.assertEqual(invoice.stablecoin_request_id.state, "paid")
        # Paid requests free their amounts: the next invoice of 50 may take the second's.
        fourth = self.make_invoice(50.0)
        self.assertEqual(fourth._stablecoin_current_request().amount_units, "50000001")

    def test_unknown_amount_goes_to_the_unmatched_queue(self):
        invoice = self.make_invoice(50.0)
        self.pay(12_340_000)  # no invoice of 12.34
        self.settle()
        transfers = self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        self.assertEqual(transfers.mapped("state"), ["unmatched"])
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_other_token_pays_nothing(self):
        invoice = self.make_invoice(30.0)
        self.pay(30_000_000, token=self.usdt)
        self.settle()
        self.assertEqual(invoice.payment_state, "not_paid")
        transfer = self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        self.assertEqual((transfer.token_id, transfer.state), (self.token_usdt, "unmatched"))

    def test_other_address_or_too_few_confirmations_pay_nothing(self):
        invoice = self.make_invoice(30.0)
        self.pay(30_000_000, to=self.chain.accounts[6])
        self.run_crons()
        self.pay(30_000_000)
        self.run_crons()  # seen, but below the confirmation depth
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(
            self.env["account.payment"].search(
                [("memo", "!=", False), ("journal_id", "=", self.wallet_journal(invoice).id)]
            )
        )

    def test_reorganised_transfer_pays_nothing(self):
        invoice = self.make_invoice(42.0)
        self.pay(42_000_000)
        self.run_crons()
        self.chain.rpc("anvil_reorg", 2, [])
        self.settle()
        self.assertEqual(invoice.payment_state, "not_paid")
        transfer = self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        self.assertEqual(transfer.state, "reverted")

    def test_per_invoice_address_partial_then_full_then_over(self):
        invoice = self.make_invoice(100.0, wallet=self.hd_wallet)
        self.assertEqual(invoice.stablecoin_request_id.address_id.derivation_index, 20)
        address = invoice.stablecoin_address
        self.assertNotEqual(address, self.merchant)
        second = self.make_invoice(10.0, wallet=self.hd_wallet)
        self.assertEqual(second.stablecoin_request_id.address_id.derivation_index, 21)

        first_tx = self.pay(40_000_000, to=address)
        self.run_crons()
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")
        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 60.0)
        self.assertEqual(invoice.stablecoin_payment_status, "partial")
        self.assertEqual(invoice._stablecoin_current_request().amount_units, "60000000")
        self.assertIn("uint256=60000000", invoice.stablecoin_payment_uri)
        self.assertEqual(invoice.stablecoin_transfer_ids.bound_by, "address")

        second_tx = self.pay(75_000_000, to=address)  # 15 more than due
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_payment_status, "overpaid")
        self.assert_paid_by(invoice, [first_tx, second_tx])
        self.assertFalse(invoice.stablecoin_payment_uri, "nothing left to pay")
        # The 15 USDC overpaid is the customer's credit, as for any payment in Odoo.
        credit = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual_currency", "<", 0),
            ]
        )
        self.assertEqual(sum(credit.mapped("amount_residual_currency")), -15.0)
        self.assertEqual(second.payment_state, "not_paid")

    def test_posting_without_a_wallet_for_the_token_is_refused(self):
        self.wallet.token_ids = [(3, self.token_usdt.id)]
        with self.assertRaisesRegex(ValidationError, "Pay-in Token: .* is not among the tokens"):
            self.make_invoice(10.0, token=self.token_usdt)
        # Accepted by the company's settings, but no wallet receives it.
        self.env.company.stablecoin_token_ids = self.token_usdc | self.token_usdt
        with self.assertRaisesRegex(UserError, "No receiving wallet"):
            self.make_invoice(10.0, token=self.token_usdt)

    def test_payment_uri_qr_decodes_back(self):
        import base64
        from io import BytesIO

        import zxingcpp
        from PIL import Image

        invoice = self.make_invoice(19.99)
        data_uri = invoice._stablecoin_qr_data_uri()
        png = base64.b64decode(data_uri.split(",", 1)[1])
        decoded = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
        self.assertEqual([d.text for d in decoded], [invoice.stablecoin_payment_uri])

    def _send_wizard_body(self, invoice, user):
        """The body the invoice's *Send* dialog proposes, opened by ``user``."""
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        return wizard[compat.SEND_TEMPLATE], str(wizard[compat.SEND_BODY])

    def test_invoice_email_says_how_to_pay_with_the_exact_amount(self):
        clerk = new_test_user(
            self.env, login="scoin_mail_clerk", groups="account.group_account_invoice"
        )
        self.env["res.partner.bank"].create(
            {"acc_number": "BANK-SCOIN-1", "partner_id": self.env.company.partner_id.id}
        )
        self.make_invoice(64.0)
        second = self.make_invoice(64.0)
        template, body = self._send_wizard_body(second, clerk)
        self.assertEqual(
            template, self.env.ref("stablecoin_invoicing.email_template_stablecoin_invoice")
        )
        self.assertIn("64.000001 USDC", body)
        self.assertIn(second.stablecoin_address, body)
        self.assertIn(second.get_portal_url(), body)
        self.assertIn("last digits", body)
        # Odoo's bank communication has no place on a stablecoin invoice.
        self.assertNotIn("communication", body)
        self.assertNotIn("BANK-SCOIN-1", body)
        # A paid invoice's email asks for nothing.
        self.pay(64_000_001)
        self.settle()
        self.assertIn(second.payment_state, ("paid", "in_payment"))
        template, body = self._send_wizard_body(second, clerk)
        self.assertNotIn(second.stablecoin_address, body)
        self.assertIn("already paid", body)

    def test_no_bank_line_on_a_stablecoin_invoice(self):
        self.env["res.partner.bank"].create(
            {"acc_number": "BANK-SCOIN-1", "partner_id": self.env.company.partner_id.id}
        )
        invoice = self.make_invoice(12.0)
        self.assertFalse(invoice.partner_bank_id)
        # An invoice in a bank currency keeps the company's bank account and Odoo's email.
        eur = self.env.ref("base.EUR")
        eur.active = True
        other = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.partner.id, "currency_id": eur.id}
        )
        self.assertTrue(other.partner_bank_id)
        self.assertEqual(
            other._get_mail_template(), self.env.ref("account.email_template_edi_invoice")
        )

    def test_an_unmatched_receipt_says_why_to_the_full_precision(self):
        self.make_invoice(7.77)
        self.pay(7_770_001)  # one unit more than asked: nobody's amount
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        self.assertEqual(receipt.state, "unmatched")
        self.assertEqual(receipt.amount_text, "7.770001 USDC")
        self.assertIn("asks for exactly 7.770001 USDC", receipt.unmatched_reason)
        self.assertIn("claimed", receipt.unmatched_reason)

    def test_journal_items_say_where_the_payment_came_from(self):
        invoice = self.make_invoice(6.0)
        tx_hash = self.pay(6_000_000)
        self.settle()
        lines = invoice.stablecoin_transfer_ids.payment_id.move_id.line_ids
        labels = set(lines.mapped("name"))
        self.assertIn(f"Stablecoin receipt on {self.network.name}: {tx_hash}", labels)
        self.assertFalse([label for label in labels if "Manual Payment" in (label or "")])
