# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Card payments into stablecoins through Stripe's crypto onramp, end to end on real Odoo
and anvil with the local Stripe onramp simulator (tools/scoin_dev/stripe_sim.py): the payer
leaves for the hosted onramp of exactly this invoice's stablecoins, Stripe's signed events
move the payment's status, and the invoice is paid when the watcher sees the stablecoins.
Signatures are checked by our code and by Stripe's own library."""

import json
import threading
import time
from unittest.mock import patch

import stripe
from lxml import html

try:  # tools/scoin_dev: absent from a node-free run, which leaves this class out by its tag
    from scoin_dev.stripe_sim import StripeOnrampSimulator, stripe_signature
except ImportError:
    StripeOnrampSimulator = stripe_signature = None

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_onramp.onramp import bridge, stripe_onramp
from odoo.addons.stablecoin_wallet import compat
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin, allow_outside_requests

from .common import onramp_provider

WEBHOOK = "/payment/stablecoin/stripe/webhook"


@tagged("post_install", "-at_install", "stablecoin_node")
class TestOnrampCard(AnvilChainMixin, StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = StripeOnrampSimulator(cls.chain, {"usdc": cls.usdc}, cls.chain.accounts[6])
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        cls.provider = onramp_provider(
            cls.env,
            "stablecoin_stripe",
            stablecoin_stripe_api_url=cls.sim.url,
            stablecoin_stripe_secret_key=cls.sim.secret_key,
            stablecoin_stripe_webhook_secret=cls.sim.webhook_secret,
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

    def pay_by_card(self, invoice):
        """The payer, with the invoice's link, clicks *Pay by card* under the invoice's payment
        card: off to the onramp."""
        self.authenticate(None, None)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        (form,) = page.xpath(
            "//form[hasclass('o_stablecoin_card')][.//button[hasclass('o_stablecoin_card_button')]]"
        )
        fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
        response = self.url_open(form.get("action"), data=fields, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def test_card_session_then_events_then_the_chain_pays(self):
        invoice = self.make_invoice(80.0)
        response = self.pay_by_card(invoice)
        card = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        self.assertEqual((card.kind, card.state), ("card", "awaiting_funds"))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response.headers["Location"], card.redirect_url)
        session = self.sim.sessions[card.name]
        details = session["transaction_details"]
        # The session locks exactly this invoice's address, token and amount.
        self.assertTrue(details["lock_wallet_address"])
        self.assertEqual(
            (details["wallet_address"], details["destination_currency"]),
            (invoice.stablecoin_address, "usdc"),
        )
        self.assertEqual(details["destination_amount"], "80.00")
        # A second click: the same session.
        self.assertEqual(self.pay_by_card(invoice).headers["Location"], card.redirect_url)
        self.assertEqual(
            len(self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])), 1
        )
        # Paid on the hosted page: three events, delivered out of order and one twice.
        first, processing, complete = self.sim.pay(card.name, send=False)
        for event in (complete, first, complete, processing):
            self.assertEqual(self.sim.deliver(event), 200)
        self.env.invalidate_all()
        self.assertEqual(card.state, "payment_processed")
        self.assertEqual(card.destination_tx_hash, details["transaction_id"].lower())
        self.assertEqual(invoice.payment_state, "not_paid", "the chain pays, not Stripe")
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_transfer_ids.tx_hash, card.destination_tx_hash)
        self.assertEqual(len(invoice.stablecoin_transfer_ids.payment_id), 1, "paid once")

    def test_the_card_path_opens_beside_the_invoice_and_pays_once(self):
        """The on-ramp opens in a tab of its own (the invoice page stays and is where the payer
        comes back to); a double click on its *Pay* pays once; accountants find card sessions
        under *Card Payments*, not *Bank Wires*."""
        invoice = self.make_invoice(33.0)
        self.authenticate(None, None)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        (form,) = page.xpath("//form[@id='o_stablecoin_card_form']")
        self.assertEqual(form.get("target"), "_blank")
        self.pay_by_card(invoice)
        card = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        before = self.chain.balance_of(self.usdc, invoice.stablecoin_address)
        pay_url = f"{card.redirect_url}/pay"
        first = self.url_open(pay_url, data={"card": "4242"}, allow_redirects=False)
        second = self.url_open(pay_url, data={"card": "4242"}, allow_redirects=False)
        self.assertEqual((first.status_code, second.status_code), (200, 409))
        self.assertEqual(
            self.chain.balance_of(self.usdc, invoice.stablecoin_address) - before, 33_000_000
        )
        self.assertNotIn("Pay with test card", self.url_open(card.redirect_url).text)
        accountant = self.company_user(
            "scoin_card_accountant", "account.group_account_user", [self.env.company]
        )
        Transfer = self.env["stablecoin.onramp.transfer"].with_user(accountant)
        cards = self.env.ref("stablecoin_onramp.stablecoin_onramp_card_action")
        wires = self.env.ref("stablecoin_onramp.stablecoin_onramp_transfer_action")
        self.assertIn(card, Transfer.search(safe_eval(cards.domain)))
        self.assertNotIn(card, Transfer.search(safe_eval(wires.domain)))

    def test_card_payment_to_a_deposit_address(self):
        """A wallet of deposit addresses (the default): the session delivers to the invoice's
        own deposit address, and the chain pays the invoice there."""
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Deposit addresses",
                "kind": "deposit",
                "address": self.chain.accounts[8],
                "token_ids": [(6, 0, self.token_usdc.ids)],
            }
        )
        invoice = self.make_invoice(45.0, wallet=wallet)
        address = invoice.stablecoin_request_id.address_id
        self.assertTrue(address.deposit_salt)
        self.pay_by_card(invoice)
        card = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        details = self.sim.sessions[card.name]["transaction_details"]
        self.assertEqual(details["wallet_address"].lower(), address.address.lower())
        for event in self.sim.pay(card.name, send=False):
            self.assertEqual(self.sim.deliver(event), 200)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.stablecoin_transfer_ids.address_id, address)

    def test_signatures_agree_with_stripes_library_and_forgeries_are_refused(self):
        body = json.dumps({"id": "evt_1", "object": "event", "type": "x"}).encode()
        now = int(time.time())
        header = stripe_signature(self.sim.webhook_secret, body, now)
        # Stripe's own library and ours accept the simulator's signature...
        stripe.WebhookSignature.verify_header(body.decode(), header, self.sim.webhook_secret, 300)
        self.assertEqual(
            stripe_onramp.verify_webhook(header, body, self.sim.webhook_secret, now)["id"], "evt_1"
        )
        # ... and both refuse another secret, another body, a signature over 5 minutes old.
        old = stripe_signature(self.sim.webhook_secret, body, now - 301)
        for bad_header, bad_body in (
            (stripe_signature("whsec_other", body, now), body),
            (header, body + b" "),
            (old, body),
        ):
            with self.assertRaises(stripe.SignatureVerificationError):
                stripe.WebhookSignature.verify_header(
                    bad_body.decode(), bad_header, self.sim.webhook_secret, 300
                )
            with self.assertRaises(bridge.WebhookRefused):
                stripe_onramp.verify_webhook(bad_header, bad_body, self.sim.webhook_secret, now)
        # Over HTTP: a forged delivery is refused with 400 and changes nothing.
        with mute_logger("odoo.addons.stablecoin_onramp.controllers.main"):
            response = self.url_open(
                WEBHOOK,
                data=body,
                headers={"Stripe-Signature": stripe_signature("whsec_forged", body, now)},
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["stablecoin.onramp.event"].search([("name", "=", "evt_1")]))

    def test_a_copied_database_forgets_the_onramp_credentials(self):
        from odoo.modules.neutralize import get_neutralization_queries

        wire = onramp_provider(
            self.env,
            "stablecoin_bridge",
            stablecoin_bridge_api_key="sk-live-bridge",
            stablecoin_bridge_customer_id="cust_live",
        )
        self.env.flush_all()
        for query in get_neutralization_queries(["stablecoin_onramp"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        provider, wire = self.provider.sudo(), wire.sudo()
        self.assertFalse(provider.stablecoin_stripe_secret_key)
        self.assertFalse(provider.stablecoin_stripe_webhook_secret)
        self.assertFalse(wire.stablecoin_bridge_api_key)
        # Neither on-ramp takes payments any more.
        self.assertEqual((provider.state, wire.state), ("disabled", "disabled"))

    def test_credentials_are_for_system_administrators_only(self):
        accountant = self.env["res.users"].create(
            {
                "login": "scoin_card_accountant",
                "name": "Accounting manager, not a system administrator",
                compat.GROUP_IDS: [(6, 0, [self.env.ref("account.group_account_manager").id])],
            }
        )
        provider = self.provider.with_user(accountant)
        with self.assertRaises(AccessError):
            provider.read(["stablecoin_stripe_secret_key"])
        with self.assertRaises(AccessError):
            provider.read(["stablecoin_bridge_api_key"])

    def test_the_checkout_is_a_stripe_transaction_done_by_the_chain(self):
        invoice = self.make_invoice(45.0)
        self.pay_by_card(invoice)
        card = self.env["stablecoin.onramp.transfer"].search([("move_id", "=", invoice.id)])
        tx = card.transaction_id
        self.assertEqual(
            (tx.provider_id, tx.provider_code, tx.provider_reference, tx.invoice_ids, tx.state),
            (self.provider, "stablecoin_stripe", card.name, invoice, "draft"),
        )
        first, processing, complete = self.sim.pay(card.name, send=False)
        self.sim.deliver(first)
        self.env.invalidate_all()
        self.assertEqual(tx.state, "draft", "the payer is on Stripe's page: nothing paid")
        self.sim.deliver(processing)
        self.sim.deliver(complete)
        self.env.invalidate_all()
        self.assertEqual((card.state, tx.state), ("payment_processed", "pending"))
        self.settle()
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.payment_id, invoice.stablecoin_transfer_ids.payment_id)
