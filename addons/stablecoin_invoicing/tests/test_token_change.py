# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pay-in token of a posted invoice changed by any path (the portal, an integrator's API
call as a billing clerk) gives a request in that token, or a clear refusal naming the field."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestTokenChange(ClerkInvoicesMixin, StablecoinInvoiceMixin, TransactionCase):
    def test_api_write_of_the_token_makes_a_request_in_it(self):
        invoice = self.make_invoice(104.10)
        old = invoice.stablecoin_request_id
        self.assertEqual(old.token_id, self.token_usdc)
        # What an XML-RPC integrator does: write the field on the posted invoice.
        invoice.with_user(self.clerk).write({"stablecoin_token_id": self.token_usdt.id})
        request = invoice.stablecoin_request_id
        self.assertNotEqual(request, old)
        self.assertEqual(request.token_id, self.token_usdt)
        self.assertEqual(old.state, "superseded")
        # What the card shows is all in the new token: no USDC request left behind.
        self.assertIn(self.token_usdt.contract_address.lower(), request.payment_uri.lower())
        self.assertNotIn(self.token_usdc.contract_address.lower(), request.payment_uri.lower())
        self.assertEqual(invoice.stablecoin_payment_uri, request.payment_uri)

    def test_api_write_of_a_token_not_accepted_is_refused(self):
        invoice = self.make_invoice(10.0)
        invoice.stablecoin_token_ids = self.token_usdc
        with self.assertRaisesRegex(UserError, "Pay-in Token: .* is not accepted"):
            invoice.with_user(self.clerk).write({"stablecoin_token_id": self.token_usdt.id})
        with self.assertRaisesRegex(UserError, "Pay-in Token: a posted invoice keeps its token"):
            invoice.with_user(self.clerk).write({"stablecoin_token_id": False})
        self.assertEqual(invoice.stablecoin_request_id.token_id, self.token_usdc)

    def test_api_write_on_a_paid_invoice_is_refused(self):
        invoice = self.make_invoice(12.0)
        self.pay(12_000_000, to=invoice.stablecoin_request_id.address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        with self.assertRaisesRegex(UserError, "takes no more payments"):
            invoice.with_user(self.clerk).write({"stablecoin_token_id": self.token_usdt.id})
