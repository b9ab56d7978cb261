# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payer's claim of a transaction, from the portal page as the payer (a visitor holding
the invoice's link): the server reads the chain, never the browser."""

import json
from datetime import timedelta
from unittest.mock import patch

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.rpc import JsonRpcClient

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestPaymentClaims(ClerkInvoicesMixin, StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        Rate = cls.env["res.currency.rate"]
        Rate.search([("currency_id", "=", cls.eur.id)]).unlink()
        for days in (30, 0):  # quotes rest on a rate of the day
            Rate.create(
                {
                    "name": fields.Date.today() - timedelta(days=days),
                    "currency_id": cls.eur.id,
                    "rate": 1 / 1.20,
                    "company_id": cls.env.company.id,
                }
            )

    def page(self, invoice, **params):
        response = self.url_open(invoice.get_portal_url(**params))
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def asked(self, invoice):
        """What the invoice's page tells the payer to send (its EIP-681 link)."""
        uri = self.page(invoice).xpath(
            "//div[@id='stablecoin_portal_payment']//a[hasclass('o_stablecoin_uri')]/@href"
        )
        self.assertEqual(len(uri), 1, "one payment link on the page")
        return parse_erc20_transfer_uri(uri[0])

    def claim(self, invoice, tx_hash, signed_by=None):
        """The payer fills in the claim form on the invoice page, signing the claim with the
        wallet of ``signed_by`` (as the page's button does) if given; returns the page after
        it."""
        page = self.page(invoice)
        form = page.xpath("//*[hasclass('o_stablecoin_claim')]//form")[0]
        data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}
        data["tx_hash"] = tx_hash
        if signed_by:
            message = form.xpath(".//*[hasclass('o_stablecoin_claim_sign')]/@data-message")[0]
            expected = self.env["stablecoin.payment.claim"]._message_for(invoice, tx_hash)
            self.assertEqual(message.replace("{tx}", tx_hash.lower()), expected)
            data["signature"] = self.claim_signature(invoice, tx_hash, signed_by)
        response = self.url_open(form.get("action"), data=data)
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def error_of(self, page):
        return page.xpath("string(//*[hasclass('o_stablecoin_error')])").strip()

    def eur_invoice(self, amount, wallet=None):
        invoice = self.make_invoice(amount, post=False, wallet=wallet)
        invoice.write({"currency_id": self.eur.id})
        invoice.stablecoin_token_id = self.token_usdc
        invoice.action_post()
        return invoice

    def test_sixty_percent_then_the_remainder_on_every_kind_of_address(self):
        cases = [
            ("USDC, shared address", lambda: self.make_invoice(200.0)),
            ("USDC, per-invoice address", lambda: self.make_invoice(200.0, wallet=self.hd_wallet)),
            ("EUR, shared address", lambda: self.eur_invoice(200.0)),
            ("EUR, per-invoice address", lambda: self.eur_invoice(200.0, wallet=self.hd_wallet)),
        ]
        for label, make in cases:
            with self.subTest(label):
                # Another open invoice of the same amount shares the address.
                make()
                invoice = make()
                asked = self.asked(invoice)
                part = asked.amount * 60 // 100
                tx_hash = self.pay(part, to=asked.recipient)
                page = self.claim(invoice, tx_hash, signed_by=self.customer)
                self.assertFalse(self.error_of(page), label)
                self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_notice')]"))
                self.settle()
                self.assertEqual(invoice.payment_state, "partial", label)
                self.assertEqual(invoice.stablecoin_payment_status, "partial", label)
                self.assertAlmostEqual(invoice.amount_residual, 80.0, places=2, msg=label)
                self.assertEqual(invoice.stablecoin_transfer_ids.payment_id.memo, tx_hash)
                # The page now asks for the remainder, an amount of its own.
                remainder = self.asked(invoice)
                self.assertEqual(remainder.recipient, asked.recipient)
                self.assertLess(abs(remainder.amount - (asked.amount - part)), 1_000, label)
                self.pay(remainder.amount, to=remainder.recipient)
                self.settle()
                self.assertIn(invoice.payment_state, ("paid", "in_payment"), label)
                self.assertEqual(invoice.stablecoin_payment_status, "paid", label)
                self.assertEqual(len(invoice.stablecoin_transfer_ids.payment_id), 2)

    def test_one_transaction_pays_several_invoices_of_one_customer(self):
        first = self.make_invoice(30.0)
        second = self.make_invoice(45.0)
        self.chain.mint(self.usdc, self.customer, 100_000_000)
        # The exact amount of the second, and part of the first, in one transaction.
        tx_hash = self.chain.transfer_batch(
            self.usdc, self.customer, [(self.merchant, 45_000_000), (self.merchant, 10_000_000)]
        )
        page = self.claim(first, tx_hash)
        self.assertFalse(self.error_of(page))
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", first.id)])
        self.assertEqual(claim.state, "bound")
        self.assertIn(second.name, claim.message)
        self.settle()
        self.assertIn(second.payment_state, ("paid", "in_payment"))
        self.assertEqual(first.payment_state, "partial")
        self.assertEqual(first.amount_residual, 20.0)

    def test_claim_of_a_receipt_already_in_the_unmatched_queue(self):
        invoice = self.make_invoice(50.0)
        tx_hash = self.pay(12_000_000)  # an amount nobody asked for
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])
        self.assertEqual(receipt.state, "unmatched")
        self.claim(invoice, tx_hash, signed_by=self.customer)
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(receipt.state, "matched")
        self.assertEqual(receipt.bound_by, "claim")
        self.assertEqual(invoice.amount_residual, 38.0)

    def test_the_wallet_button_claims_as_json(self):
        invoice = self.make_invoice(5.0)
        tx_hash = self.pay(5_000_000)  # what the button sends: the amount asked
        page = self.page(invoice)
        button = page.xpath("//*[hasclass('o_stablecoin_wallet_pay')]")[0]
        # The button posts with the page's CSRF token (odoo.csrf_token), the forms' one.
        csrf = page.xpath("//input[@name='csrf_token']")[0].get("value")
        # The instructions are cached for every visitor of this request: no session's token.
        card = page.xpath("//table[hasclass('o_stablecoin_payment')]")[0]
        self.assertNotIn(csrf, html.tostring(card).decode())
        response = self.url_open(
            button.get("data-claim-url"),
            data={
                "tx_hash": tx_hash,
                "access_token": button.get("data-access-token"),
                "csrf_token": csrf,
            },
            headers={"Accept": "application/json"},
        )
        answer = json.loads(response.text)
        self.assertTrue(answer["ok"] and answer["bound"], answer)
        self.assertEqual(invoice.stablecoin_transfer_ids.tx_hash, tx_hash)
        # Not mined (unknown): the button is told to ask again.
        response = self.url_open(
            button.get("data-claim-url"),
            data={
                "tx_hash": "0x" + "ab" * 32,
                "access_token": button.get("data-access-token"),
                "csrf_token": csrf,
            },
            headers={"Accept": "application/json"},
        )
        self.assertEqual(json.loads(response.text)["retry"], True)

    def test_bad_claims_get_a_clear_message_and_change_nothing(self):
        invoice = self.make_invoice(40.0)
        stranger = self.env["res.partner"].create({"name": "Someone else"})
        others = self.make_invoice(40.0, post=False)
        others.partner_id = stranger
        others.action_post()
        paid_tx = self.pay(
            int(others._stablecoin_current_request().amount_units)
        )  # pays the stranger's
        other_company = self.env["res.company"].create({"name": "Company B"})
        self.env["stablecoin.wallet"].create(
            {
                "name": "B's wallet",
                "company_id": other_company.id,
                "address": self.chain.accounts[8],
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        to_b = self.pay(40_000_000, to=self.chain.accounts[8])
        # A transfer that fails on chain: more than the sender holds (mined, status 0).
        failed = self.chain.rpc(
            "eth_sendTransaction",
            {
                "from": self.chain.accounts[5],
                "to": self.usdc,
                "gas": hex(100_000),
                "data": encode_call(
                    "transfer(address,uint256)",
                    ["address", "uint256"],
                    [self.merchant, 10**30],
                ),
            },
        )
        self.chain.wait_receipt(failed)
        # A transaction on another chain.
        elsewhere = self._new_chain(31339)
        self.addCleanup(elsewhere.stop)
        token = elsewhere.deploy_token()
        elsewhere.mint(token, elsewhere.accounts[2], 40_000_000)
        foreign = elsewhere.transfer(token, elsewhere.accounts[2], self.merchant, 40_000_000)
        self.settle()
        cases = [
            ("not a hash", "Transaction hash: expected 0x"),
            ("0x" + "12" * 31, "Transaction hash: expected 0x"),
            ("0x" + "cd" * 32, "is not known on"),
            (foreign, "is not known on"),
            (failed, "failed on chain"),
            (paid_tx, "already pays another invoice"),
            (to_b, "sends no accepted token to this invoice's receiving address"),
        ]
        for tx_hash, message in cases:
            with self.subTest(tx_hash):
                page = self.claim(invoice, tx_hash)
                self.assertIn(message, self.error_of(page))
        self.assertFalse(invoice.stablecoin_transfer_ids)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertIn(others.payment_state, ("paid", "in_payment"))
        refused = self.env["stablecoin.payment.claim"].search([("move_id", "=", invoice.id)])
        self.assertEqual(set(refused.mapped("state")), {"refused"})
        # Junk is refused before it is read or counted: it cannot use up the limits...
        for _ in range(40):
            page = self.claim(invoice, "junk")
            self.assertIn("Transaction hash: expected 0x", self.error_of(page))
        # ... which count the claims the chain was asked about, per client first.
        for attempt in range(12):
            page = self.claim(invoice, "0x" + f"{attempt:02x}" * 32)
            if "Too many payment claims" in self.error_of(page):
                break
        self.assertIn("Too many payment claims", self.error_of(page))
        self.assertLessEqual(attempt, 10)

    def test_a_stranger_with_an_invoice_link_cannot_take_anothers_receipt(self):
        """A transaction hash is public: naming one proves nothing. The stranger's claim only
        suggests; the real payer, signing with the wallet that sent it, gets it counted."""
        mine = self.make_invoice(50.0)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        theirs = self.make_invoice(50.0, post=False)
        theirs.partner_id = stranger
        theirs.action_post()
        tx_hash = self.pay(30_000_000)  # my instalment, an amount nobody asked
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])
        self.assertEqual(receipt.state, "unmatched")
        # The stranger claims it for their invoice, without and then with their own signature.
        page = self.claim(theirs, tx_hash)
        self.assertFalse(self.error_of(page))
        self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_suggested')]"))
        page = self.claim(theirs, tx_hash, signed_by=self.chain.accounts[7])
        self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_suggested')]"))
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(receipt.state, "unmatched")
        self.assertEqual(theirs.payment_state, "not_paid")
        self.assertEqual(receipt.suggested_move_id, theirs, "the accountant sees the claim")
        claims = self.env["stablecoin.payment.claim"].search([("move_id", "=", theirs.id)])
        self.assertEqual(set(claims.mapped("state")), {"suggested"})
        # I sign with the wallet that paid: counted for my invoice at once.
        page = self.claim(mine, tx_hash, signed_by=self.customer)
        self.assertTrue(page.xpath("//*[hasclass('o_stablecoin_notice')]"))
        self.assertFalse(page.xpath("//*[hasclass('o_stablecoin_suggested')]"))
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual((receipt.state, receipt.move_id), ("matched", mine))
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", mine.id)])
        self.assertEqual((claim.state, claim.proof), ("bound", "signature"))
        self.assertEqual(mine.amount_residual, 20.0)

    def test_a_payer_who_paid_this_customer_before_needs_no_signature(self):
        first = self.make_invoice(25.0)
        self.pay(25_000_000)  # the exact amount: bound and paid by it
        self.settle()
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        second = self.make_invoice(60.0)
        tx_hash = self.pay(20_000_000)  # same wallet, an instalment
        page = self.claim(second, tx_hash)
        self.assertFalse(page.xpath("//*[hasclass('o_stablecoin_suggested')]"))
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", second.id)])
        self.assertEqual((claim.state, claim.proof), ("bound", "earlier_payer"))
        self.settle()
        self.assertEqual(second.amount_residual, 40.0)

    def test_an_odd_amount_from_a_known_wallet_is_shown_to_the_payer(self):
        """On a shared address (identity by amount), 300 of 500 arrives from a wallet that paid
        this customer before: the page says so and counts it at a click, instead of asking 500
        again; a stranger's transfer is not shown. "Sent a different amount?" sits next to the
        amount."""
        first = self.make_invoice(25.0)
        self.pay(25_000_000)
        self.settle()
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        second = self.make_invoice(500.0)
        page = self.page(second)
        self.assertTrue(page.xpath("//a[hasclass('o_stablecoin_other_amount')]"))
        tx_hash = self.pay(300_000_000)  # the customer's wallet, an instalment
        self.pay(7_000_000, sender=self.chain.accounts[5])  # someone else's odd amount
        self.settle()
        self.assertEqual(second.payment_state, "not_paid")
        # Told by email too (the page may be closed): the known wallet's transfer only.
        self.env["stablecoin.payment.notice"]._cron_send()
        told = second.message_ids.filtered(lambda m: "is it for" in (m.subject or ""))
        self.assertEqual(len(told), 1)
        self.assertIn("300.00 USDC", told.body)
        self.assertIn(second.get_portal_url(), told.body)
        (notice,) = self.page(second).xpath("//*[hasclass('o_stablecoin_unmatched')]")
        self.assertIn("300.00 USDC", notice.text_content())
        form = notice.xpath(".//form")[0]
        data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}
        self.assertEqual(data["tx_hash"], tx_hash)
        self.url_open(form.get("action"), data=data)
        claim = self.env["stablecoin.payment.claim"].search([("move_id", "=", second.id)])
        self.assertEqual((claim.state, claim.proof), ("bound", "earlier_payer"))
        self.settle()
        self.assertEqual(second.amount_residual, 200.0)
        self.assertFalse(self.page(second).xpath("//*[hasclass('o_stablecoin_unmatched')]"))

    def test_the_cached_instructions_follow_a_renamed_network(self):
        """The payment instructions are rendered once per request (t-cache, keyed on the
        token's record among others): a network renamed by a system administrator shows under
        its new name on an open invoice's page."""
        invoice = self.make_invoice(6.0)
        shown = "string(//table[hasclass('o_stablecoin_payment')]//strong)"
        self.assertIn(self.network.name, self.page(invoice).xpath(shown))
        admin = new_test_user(self.env, "scoin_sysadmin", groups="base.group_system")
        self.network.with_user(admin).name = "Renamed chain"
        self.assertEqual(self.page(invoice).xpath(shown), "Pay in USDC on Renamed chain")

    def test_status_route_reads_the_database_and_never_the_chain(self):
        """An open page polls its invoice's status: the answer is what is stored. The poll
        neither calls a node nor asks the watcher for a scan (issue 26: the watcher follows
        the head by itself while payments are expected), however often pages poll."""
        invoice = self.make_invoice(8.0)
        token = invoice._portal_ensure_token()
        url = f"/my/invoices/{invoice.id}/stablecoin/status?access_token={token}"
        self.assertEqual(self.url_open(url.split("?")[0]).status_code, 404, "no token: nothing")
        scan = self.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", scan.id)]).unlink()
        calls = []

        def no_node(client, method, *params):
            calls.append(method)
            raise AssertionError(f"a page's poll called the node: {method}")

        with (
            patch.object(JsonRpcClient, "call", no_node),
            patch.object(JsonRpcClient, "batch", lambda client, batch: no_node(client, "batch")),
        ):
            for _poll in range(5):
                answer = json.loads(self.url_open(url).text)
        self.assertEqual((answer["status"], answer["units"]), ("awaiting", "8000000"))
        self.assertEqual(calls, [])
        self.assertEqual(Trigger.search_count([("cron_id", "=", scan.id)]), 0)
        self.pay(8_000_000)
        self.settle()
        answer = json.loads(self.url_open(url).text)
        self.assertEqual((answer["status"], answer["units"]), ("paid", ""))
