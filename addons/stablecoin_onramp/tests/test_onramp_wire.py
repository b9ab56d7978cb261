# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bank wire into stablecoins through Bridge, end to end on real Odoo and anvil, with the
local Bridge simulator (tools/scoin_dev/bridge_sim.py) speaking Bridge's API and signing its
events with a key of its own: the payer gets wire instructions on the invoice page, Bridge's
events (some twice, some out of order) move the wire's status, and the invoice is paid only
when the watcher sees the stablecoins Bridge sent."""

import json
import subprocess
import tempfile
import threading
import time
from unittest.mock import patch

from lxml import html

try:  # tools/scoin_dev: absent from a node-free run, which leaves this class out by its tag
    from scoin_dev.bridge_sim import BridgeSimulator
except ImportError:
    BridgeSimulator = None

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_onramp.onramp import bridge
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin, allow_outside_requests

from .common import onramp_provider

WEBHOOK = "/payment/stablecoin/bridge/webhook"


@tagged("post_install", "-at_install", "stablecoin_node")
class TestOnrampWire(AnvilChainMixin, StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hot_wallet = cls.chain.accounts[8]
        cls.sim = BridgeSimulator(cls.chain, {"usdc": cls.usdc}, hot_wallet).start()
        cls.addClassCleanup(cls.sim.stop)
        # Test mode: Bridge's sandbox; the local chain stands for Ethereum.
        cls.provider = onramp_provider(
            cls.env,
            "stablecoin_bridge",
            stablecoin_bridge_api_url=cls.sim.url,
            stablecoin_bridge_api_key=cls.sim.api_key,
            stablecoin_bridge_customer_id="cust_simulated_merchant",
            stablecoin_bridge_webhook_key=cls.sim.public_key_pem,
        )

    def setUp(self):
        super().setUp()
        # The simulator's webhook deliveries come from outside the test (19.0's test server
        # takes them only when told). Those it makes inside a request of Odoo's (the card
        # simulator paying at once) are left as they are.
        deliver, test_thread = self.sim.deliver, threading.current_thread()

        def deliver_to_the_test_server(*args, **kwargs):
            if threading.current_thread() is not test_thread:
                return deliver(*args, **kwargs)
            with allow_outside_requests(self):
                return deliver(*args, **kwargs)

        self.startPatcher(patch.object(self.sim, "deliver", deliver_to_the_test_server))
        self.sim.webhook_url = self.base_url() + WEBHOOK

    def ask_for_wire(self, invoice):
        """The payer, a public visitor with the invoice's link, asks for wire instructions."""
        self.authenticate(None, None)
        page = self.url_open(invoice.get_portal_url()).text
        self.assertTrue("Pay by bank wire instead" in page or "Pay by bank wire" in page)
        token = html.fromstring(page).xpath("//input[@name='csrf_token']/@value")[0]
        response = self.url_open(
            f"/my/invoices/{invoice.id}/stablecoin/wire",
            data={"csrf_token": token, "access_token": invoice.access_token},
        )
        self.env.invalidate_all()  # what the server wrote, in the test's records
        return html.fromstring(response.content)

    def pdf_text(self, invoice):
        """The invoice's PDF as wkhtmltopdf draws it, read back as text (pdftotext)."""
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account.account_invoices", invoice.ids)
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
            out.write(pdf)
            out.flush()
            return subprocess.run(
                ["pdftotext", out.name, "-"], capture_output=True, text=True, check=True, timeout=60
            ).stdout

    def deliver(self, *events):
        statuses = [self.sim.deliver(event) for event in events]
        self.env.invalidate_all()
        return statuses

    def test_wire_instructions_then_events_then_the_chain_pays(self):
        invoice = self.make_invoice(250.0)
        page = self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        self.assertEqual(len(onramp), 1)
        self.assertEqual((onramp.amount, onramp.currency), ("250.00", "USD"))
        self.assertEqual(onramp.state, "awaiting_funds")
        bridge_transfer = self.sim.transfers[onramp.name]
        # Bridge was asked for exactly this invoice's stablecoins, to its address.
        self.assertEqual(
            bridge_transfer["destination"],
            {
                "payment_rail": "ethereum",
                "currency": "usdc",
                "to_address": invoice.stablecoin_address,
            },
        )
        # The instructions on the page, each with its copy button.
        rows = {
            row.xpath("string(th)"): row.xpath("string(td/code)")
            for row in page.xpath("//table[hasclass('o_stablecoin_wire_instructions')]//tr")
        }
        self.assertEqual(rows["Reference (memo)"], onramp.deposit_message)
        self.assertEqual(rows["Amount"], "250.00 USD")
        self.assertEqual(rows["Routing number"], "101019644")
        copies = page.xpath(
            "//table[hasclass('o_stablecoin_wire_instructions')]//button/@data-copy"
        )
        self.assertIn(onramp.deposit_message, copies)
        # Asked again (a double click, a reload): the same transfer, not a second one.
        at_bridge = len(self.sim.transfers)
        self.ask_for_wire(invoice)
        self.assertEqual(
            self.env["stablecoin.onramp.transfer"].search_count([("move_id", "=", invoice.id)]), 1
        )
        self.assertEqual(len(self.sim.transfers), at_bridge)

        # The wire arrives with the right memo: Bridge reports three steps. They arrive out of
        # order, and one twice.
        received, submitted, processed = self.sim.deposit(memo=onramp.deposit_message, send=False)
        self.assertEqual(self.deliver(processed, received, processed, submitted), [200] * 4)
        self.assertEqual(onramp.state, "payment_processed")
        self.assertEqual(
            onramp.destination_tx_hash,
            processed["event_object"]["receipt"]["destination_tx_hash"].lower(),
        )
        events = self.env["stablecoin.onramp.event"].search([("transfer_id", "=", onramp.id)])
        self.assertEqual(len(events), 3, "each event kept once")
        self.assertEqual(
            sorted(events.mapped("outcome")),
            ["applied", "stale", "stale"],
            "older ones change nothing",
        )
        # Bridge's word pays nothing: the invoice waits for the chain.
        self.assertEqual(invoice.payment_state, "not_paid")
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        receipt = invoice.stablecoin_transfer_ids
        self.assertEqual(receipt.tx_hash, onramp.destination_tx_hash)
        # Paid once: one receipt, one payment, whatever the events said and how often.
        self.assertEqual(len(receipt), 1)
        self.assertEqual(len(receipt.payment_id), 1)
        # Bridge's event for a transfer this database never made changes nothing.
        unknown = dict(
            processed,
            event_id="wh_unknown_transfer",
            event_object_id="transfer_not_ours",
            event_created_at="2999-01-01T00:00:00.000Z",
        )
        self.assertEqual(self.deliver(unknown), [200])
        event = self.env["stablecoin.onramp.event"].search([("name", "=", "wh_unknown_transfer")])
        self.assertEqual((event.outcome, event.transfer_id), ("unknown", onramp.browse()))
        self.assertEqual(onramp.last_event_at, processed["event_created_at"])

    def test_an_idempotency_key_reused_with_another_body_is_refused_clearly(self):
        client = self.provider._stablecoin_bridge_client()
        vals = {
            "customer_id": "cust_simulated_merchant",
            "source": {"payment_rail": "wire", "currency": "usd"},
            "destination": {
                "payment_rail": "ethereum",
                "currency": "usdc",
                "to_address": self.merchant,
            },
        }
        first = client.create_transfer("key-1", amount="10.00", **vals)
        self.assertEqual(client.create_transfer("key-1", amount="10.00", **vals), first)
        with self.assertRaisesRegex(bridge.BridgeError, "422.*another body"):
            client.create_transfer("key-1", amount="11.00", **vals)

    def test_a_short_wire_is_bound_by_the_transaction_bridge_reports(self):
        # 200 USD wired for a 300 USDC invoice on the shared address: nobody's amount, so only
        # the transaction hash Bridge reports binds it to the invoice (the rest stays due).
        invoice = self.make_invoice(300.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        statuses = self.deliver(
            *self.sim.deposit(memo=onramp.deposit_message, amount="200.00", send=False)
        )
        self.assertEqual(statuses, [200] * 3)
        self.assertEqual(onramp.final_amount, "200.00")
        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 100.0)
        receipt = invoice.stablecoin_transfer_ids
        self.assertEqual(receipt.bound_by, "tx_hash")
        self.assertEqual(receipt.request_id.evidence_ids.value, receipt.tx_hash)

    def test_bridge_fees_are_booked_not_left_due(self):
        fees = self.env["account.account"].create(
            {"name": "Bank and on-ramp fees", "code": "627100", "account_type": "expense"}
        )
        self.provider.stablecoin_bridge_fee_account_id = fees
        self.sim.fee_bps = 50  # Bridge keeps 0.5 %: 1.50 of a 300.00 wire
        self.addCleanup(setattr, self.sim, "fee_bps", 0)
        invoice = self.make_invoice(300.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        self.deliver(*self.sim.deposit(memo=onramp.deposit_message, send=False))
        self.assertEqual((onramp.final_amount, onramp.exchange_fee), ("298.50", "1.50"))
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payment = invoice.stablecoin_transfer_ids.payment_id
        fee_line = payment.move_id.line_ids.filtered(lambda line: line.account_id == fees)
        self.assertEqual(fee_line.amount_currency, 1.50)
        self.assertIn(onramp.name, fee_line.name)
        # Without a fees account the difference stays due on the invoice.
        self.provider.stablecoin_bridge_fee_account_id = False
        other = self.make_invoice(100.0)
        self.ask_for_wire(other)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", other.id)])
        self.deliver(*self.sim.deposit(memo=onramp.deposit_message, send=False))
        self.settle()
        self.assertEqual(other.payment_state, "partial")
        self.assertAlmostEqual(other.amount_residual, 0.50)

    def open_bank_account(self):
        admin = new_test_user(
            self.env,
            login="scoin_bridge_admin",
            groups="base.group_system,account.group_account_manager",
        )
        self.provider.with_user(admin).action_stablecoin_bridge_create_account()
        account = self.provider._stablecoin_onramp_account()
        self.assertEqual(account.address, self.merchant, "the company's fixed address")
        return account

    def test_bank_account_on_every_invoice_and_the_memo_names_the_invoice(self):
        account = self.open_bank_account()
        self.assertEqual(account.bank_account_number, "215268120000")
        invoice = self.make_invoice(120.0)
        reference = invoice.payment_reference
        # On the page (the payer's link), the PDF and the email, with the reference.
        self.authenticate(None, None)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        rows = {
            row.xpath("string(th)"): row.xpath("string(td/code)")
            for row in page.xpath("//table[hasclass('o_stablecoin_bank_account_table')]//tr")
        }
        self.assertEqual(rows["Reference (memo)"], reference)
        self.assertEqual(rows["Account number"], "215268120000")
        self.assertEqual(rows["Amount"], "120.00 USD")
        # The invoice's PDF (wkhtmltopdf), read back as text.
        text = self.pdf_text(invoice)
        self.assertIn("215268120000", text)
        self.assertIn(reference, text)
        self.assertIn("215268120000", str(invoice.stablecoin_email_instructions))
        # The wire arrives with the reference among other words: it pays that invoice.
        events = self.sim.va_deposit(
            account.name, f"payment of {reference.lower()} thank you", "120.00", send=False
        )
        self.assertEqual(self.deliver(*events), [200] * 3)
        deposit = self.env["stablecoin.onramp.transfer"].search([("kind", "=", "deposit")])
        self.assertEqual((deposit.move_id, deposit.state), (invoice, "payment_processed"))
        self.assertEqual(invoice.payment_state, "not_paid", "the chain pays, not Bridge")
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_a_wire_with_an_unknown_memo_waits_with_its_sender(self):
        account = self.open_bank_account()
        self.make_invoice(75.0)
        events = self.sim.va_deposit(account.name, "for the consulting", "74.00", send=False)
        self.deliver(*events)
        self.settle()
        receipt = self.env["stablecoin.transfer"].search(
            [("network_id", "=", self.network.id), ("state", "=", "unmatched")]
        )
        self.assertEqual(len(receipt), 1)
        self.assertIn("ACME Buyer LLC", receipt.unmatched_reason)
        self.assertIn("for the consulting", receipt.unmatched_reason)

    def test_asked_instructions_are_printed_and_an_over_wire_leaves_credit(self):
        invoice = self.make_invoice(50.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        # Once asked, the instructions go on the PDF and in the email too.
        text = self.pdf_text(invoice)
        self.assertIn(onramp.deposit_message, text)
        invoice.invalidate_recordset(["stablecoin_email_instructions"])
        self.assertIn(onramp.deposit_message, str(invoice.stablecoin_email_instructions))
        # 60 wired for 50: bound by the hash Bridge reports; the 10 extra is the customer's.
        self.deliver(*self.sim.deposit(memo=onramp.deposit_message, amount="60.00", send=False))
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_payment_status, "overpaid")

    def test_in_review_and_returned_wires_show_and_pay_nothing(self):
        invoice = self.make_invoice(60.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        received, review = self.sim.deposit(
            memo=onramp.deposit_message, outcome="in_review", send=False
        )
        self.deliver(received, review)
        self.assertEqual(onramp.state, "in_review")
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        self.assertEqual(
            page.xpath("string(//strong[hasclass('o_stablecoin_wire_state')])"), "In review"
        )
        # Bridge gives the money back: the wire shows returned, nothing is paid or recorded.
        returned = self.sim._move(self.sim.transfers[onramp.name], "returned")
        self.deliver(returned)
        self.assertEqual(onramp.state, "returned")
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        self.assertEqual(
            page.xpath("string(//strong[hasclass('o_stablecoin_wire_state')])"), "Returned"
        )
        self.settle()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(invoice.stablecoin_transfer_ids)

    def test_sepa_wire_instructions_in_euros(self):
        self.provider.stablecoin_bridge_source_rail = "sepa"
        invoice = self.make_invoice(90.0)
        page = self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        bridge_transfer = self.sim.transfers[onramp.name]
        self.assertEqual(bridge_transfer["source"], {"payment_rail": "sepa", "currency": "eur"})
        self.assertEqual(onramp.currency, "EUR")
        # 90 USDC (pegged to USD) in EUR at today's rate, up to the cent.
        eur = self.env.ref("base.EUR")
        expected = self.usdc_currency._convert(
            90.0, eur, self.env.company, fields.Date.context_today(invoice)
        )
        self.assertAlmostEqual(float(onramp.amount), expected, delta=0.011)
        rows = {
            row.xpath("string(th)"): row.xpath("string(td/code)")
            for row in page.xpath("//table[hasclass('o_stablecoin_wire_instructions')]//tr")
        }
        self.assertEqual(rows["IBAN"], "DE89370400440532013000")
        self.assertNotIn("Routing number", rows)

    def test_a_delivery_that_failed_is_taken_on_bridges_retry(self):
        invoice = self.make_invoice(33.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        (received,) = self.sim.deposit(
            memo=onramp.deposit_message, outcome="in_review", send=False
        )[:1]
        Event = type(self.env["stablecoin.onramp.event"])
        receive, calls = Event._receive, []

        def flaky(records, event, provider=None):
            calls.append(event["event_id"])
            if len(calls) == 1:
                raise RuntimeError("the database went away")  # a 500 for Bridge
            return receive(records, event, provider)

        with patch.object(Event, "_receive", flaky), mute_logger("odoo.http"):
            self.assertEqual(self.deliver(received), [200])
        attempts = [
            status for event_id, status in self.sim.deliveries if event_id == received["event_id"]
        ]
        self.assertEqual(attempts, [500, 200], "retried, signed afresh, taken once")
        self.assertEqual(onramp.state, "funds_received")

    def test_forged_stale_and_garbage_deliveries_are_refused(self):
        invoice = self.make_invoice(40.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        (received,) = self.sim.deposit(
            memo=onramp.deposit_message, outcome="in_review", send=False
        )[:1]
        body = json.dumps(received).encode()
        now = int(time.time() * 1000)
        forger = BridgeSimulator()  # another key: not the one Bridge gave this endpoint
        cases = [
            ("forged", bridge.sign_webhook(forger.private_key, body, now), body),
            ("stale", bridge.sign_webhook(self.sim.private_key, body, now - 11 * 60 * 1000), body),
            ("tampered", bridge.sign_webhook(self.sim.private_key, body, now), body + b" "),
            ("unsigned", "", body),
            ("garbage", "t=abc,v0=%%%", b"\x00\xff"),
        ]
        forger.server.server_close()
        with mute_logger("odoo.addons.stablecoin_onramp.controllers.main"):
            for name, header, data in cases:
                response = self.url_open(
                    WEBHOOK,
                    data=data,
                    headers={"Content-Type": "application/json", "X-Webhook-Signature": header},
                )
                self.assertEqual(response.status_code, 400, name)
        self.assertEqual(onramp.state, "awaiting_funds")
        self.assertFalse(
            self.env["stablecoin.onramp.event"].search([("transfer_id", "=", onramp.id)])
        )
        # The genuine delivery, signed now, is taken.
        self.assertEqual(self.deliver(received), [200])
        self.assertEqual(onramp.state, "funds_received")

    def test_the_checkout_is_a_bridge_transaction_following_bridges_events(self):
        invoice = self.make_invoice(70.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        tx = onramp.transaction_id
        self.assertEqual(
            (tx.provider_id, tx.provider_code, tx.provider_reference, tx.invoice_ids),
            (self.provider, "stablecoin_bridge", onramp.name, invoice),
        )
        self.assertEqual((tx.amount, tx.currency_id), (70.0, invoice.currency_id))
        # Instructions given, nothing wired yet: a checkout not started.
        self.assertEqual(tx.state, "draft")
        received, submitted, processed = self.sim.deposit(memo=onramp.deposit_message, send=False)
        self.deliver(received)
        self.assertEqual(tx.state, "pending", "the money is at Bridge")
        self.deliver(processed, submitted)
        self.assertEqual(onramp.state, "payment_processed")
        self.assertEqual(tx.state, "pending", "Bridge's word completes nothing")
        self.settle()
        receipt = invoice.stablecoin_transfer_ids
        self.assertEqual(tx.state, "done", "the chain does")
        self.assertEqual(tx.payment_id, receipt.payment_id)
        self.assertEqual(len(invoice.transaction_ids), 1)

    def test_a_returned_wire_cancels_its_transaction(self):
        invoice = self.make_invoice(65.0)
        self.ask_for_wire(invoice)
        onramp = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        received, review = self.sim.deposit(
            memo=onramp.deposit_message, outcome="in_review", send=False
        )
        self.deliver(received, review)
        self.assertEqual(onramp.transaction_id.state, "pending")
        self.deliver(self.sim._move(self.sim.transfers[onramp.name], "returned"))
        self.assertEqual(onramp.transaction_id.state, "cancel")
        self.assertFalse(onramp.transaction_id.payment_id)

    def test_events_are_applied_by_the_code_of_the_provider_that_verified_them(self):
        """A body shaped like Stripe's onramp event, signed with Bridge's key, is Bridge's:
        nothing in the payload hands it to the card on-ramp."""
        stripe_provider = onramp_provider(
            self.env,
            "stablecoin_stripe",
            stablecoin_stripe_secret_key="sk_test_dispatch",
            stablecoin_stripe_webhook_secret="whsec_dispatch",
        )
        invoice = self.make_invoice(20.0)
        card = self.env["stablecoin.onramp.transfer"].create(
            {
                "name": "cos_dispatch",
                "kind": "card",
                "provider_id": stripe_provider.id,
                "move_id": invoice.id,
                "request_id": invoice.stablecoin_request_id.id,
                "idempotency_key": "test-cos_dispatch",
            }
        )
        event = {
            "event_id": "wh_shaped_like_stripe",
            "id": "evt_shaped_like_stripe",
            "object": "event",
            "type": "crypto.onramp_session_updated",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "cos_dispatch",
                    "status": "fulfillment_complete",
                    "transaction_details": {"transaction_id": "0x" + "ab" * 32},
                }
            },
        }
        self.assertEqual(self.deliver(event), [200])
        recorded = self.env["stablecoin.onramp.event"].search(
            [("name", "=", "wh_shaped_like_stripe")]
        )
        self.assertEqual((recorded.outcome, recorded.transfer_id), ("unknown", card.browse()))
        # Read as Bridge reads its events (no ``event_type``, no status): not as Stripe's.
        self.assertEqual((recorded.event_type, recorded.status), ("", ""))
        self.assertEqual((card.state, card.destination_tx_hash), ("awaiting_funds", False))
        # Bridge's signature on Stripe's endpoint: refused there.
        body = json.dumps(dict(event, event_id="wh_other")).encode()
        header = bridge.sign_webhook(self.sim.private_key, body, int(time.time() * 1000))
        with mute_logger("odoo.addons.stablecoin_onramp.controllers.main"):
            response = self.url_open(
                "/payment/stablecoin/stripe/webhook",
                data=body,
                headers={"X-Webhook-Signature": header, "Stripe-Signature": header},
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(card.event_ids)
