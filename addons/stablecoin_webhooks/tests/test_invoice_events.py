# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice's payment events reach the company's webhooks: each path that raises one
(``account.move._stablecoin_publish``) queues a signed delivery for the endpoints subscribed
to it, sent after the transaction by the scheduled action."""

import threading
from http.server import ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin

from .test_webhooks import ALLOW_LOOPBACK_PARAM, _Receiver


@tagged("post_install", "-at_install")
class TestInvoiceEvents(StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test receivers are on this server's loopback (development's setting).
        cls.env["ir.config_parameter"].set_param(ALLOW_LOOPBACK_PARAM, True)
        cls.clerk = new_test_user(
            cls.env,
            login="scoin_hook_clerk",
            groups="account.group_account_invoice",
            company_ids=[Command.set(cls.env.company.ids)],
            company_id=cls.env.company.id,
        )

    def clerk_invoice(self, amount):
        """An invoice the billing clerk makes and posts, on an address of its own (partial
        payments are recognised there)."""
        return self.invoice_as(self.clerk, amount, wallet=self.hd_wallet)

    def pay_request(self, invoice, units=None):
        request = invoice.stablecoin_request_id
        return self.pay(
            int(units if units is not None else request.amount_units), to=request.address
        )

    def test_payment_events_reach_the_companys_webhook_signed(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        server.lock, server.received, server.script = threading.Lock(), [], []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        manager = new_test_user(
            self.env, login="scoin_hook_manager", groups="account.group_account_manager"
        )
        events = self.env["stablecoin.webhook.event.type"].search(
            [
                (
                    "code",
                    "in",
                    (
                        "invoice.sent",
                        "payment.seen",
                        "invoice.partially_paid",
                        "invoice.paid",
                        "invoice.rejected",
                    ),
                )
            ]
        )
        endpoint = (
            self.env["stablecoin.webhook.endpoint"]
            .with_user(manager)
            .create(
                {
                    "name": "ERP",
                    "url": f"http://127.0.0.1:{server.server_port}/hooks",
                    "event_type_ids": [Command.set(events.ids)],
                }
            )
        )
        # The clerk sends the invoice from the Send wizard, the customer pays in two parts.
        invoice = self.clerk_invoice(100.0)
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.clerk)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        wizard.action_send_and_print()
        due_units = int(invoice.stablecoin_request_id.amount_units)
        first = self.pay_request(invoice, due_units // 4)
        self.scan()
        self.settle()
        second = self.pay_request(invoice)
        self.settle()
        rejected = self.clerk_invoice(5.0)
        rejected.with_user(self.clerk).sudo()._stablecoin_reject("Not ordered")
        self.assertFalse(server.received, "nothing is sent inside the transaction")
        self.env["stablecoin.webhook.delivery"]._cron_send()

        received = [
            Webhook(endpoint.sudo().secret).verify(r["body"], r["headers"]) for r in server.received
        ]
        kinds = [(e["type"], e["data"]["invoice"]["number"]) for e in received]
        self.assertEqual(
            kinds,
            [
                ("invoice.sent", invoice.name),
                ("payment.seen", invoice.name),
                ("invoice.partially_paid", invoice.name),
                ("invoice.paid", invoice.name),
                ("invoice.rejected", rejected.name),
            ],
        )
        seen, partial, paid = received[1:4]
        self.assertEqual(seen["data"]["transfer"]["tx_hash"], first)
        self.assertEqual(partial["data"]["transfer"]["amount_units"], str(due_units // 4))
        self.assertEqual(
            partial["data"]["invoice"]["amount_residual"], invoice.currency_id.round(75.0)
        )
        self.assertEqual(paid["data"]["transfer"]["tx_hash"], second)
        self.assertEqual(paid["data"]["invoice"]["status"], "paid")
        self.assertIn("access_token=", paid["data"]["invoice"]["url"])

    def test_the_matcher_paying_queues_one_delivery(self):
        events = self.env["stablecoin.webhook.event.type"].search(
            [("code", "in", ("invoice.paid", "invoice.partially_paid", "invoice.overpaid"))]
        )
        endpoint = self.env["stablecoin.webhook.endpoint"].create(
            {
                "name": "ERP",
                "url": "http://127.0.0.1:9/hooks",
                "event_type_ids": [Command.set(events.ids)],
            }
        )
        invoice = self.clerk_invoice(30.0)
        tx_hash = self.pay_request(invoice)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        deliveries = self.env["stablecoin.webhook.delivery"].search(
            [("endpoint_id", "=", endpoint.id)]
        )
        self.assertEqual(deliveries.event_type_id.mapped("code"), ["invoice.paid"])
        self.assertIn(f'"number":"{invoice.name}"', deliveries.payload)
        self.assertIn(tx_hash, deliveries.payload)

    def test_an_event_not_queued_does_not_stop_the_payment(self):
        def broken(*args, **kwargs):
            raise RuntimeError("queue down")

        self.patch(type(self.env["stablecoin.webhook.endpoint"]), "_enqueue", broken)
        invoice = self.clerk_invoice(20.0)
        self.pay_request(invoice)
        with self.assertLogs(
            "odoo.addons.stablecoin_webhooks.models.account_move", "ERROR"
        ) as logs:
            self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertIn("not queued", logs.output[0])
