# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outgoing webhooks, end to end: a local HTTP server receives them, and the reference
implementation of Standard Webhooks (the ``standardwebhooks`` package) verifies them."""

import datetime as dt
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.stablecoin_webhooks import webhooks

ALLOW_LOOPBACK_PARAM = "stablecoin_webhooks.allow_loopback"  # system administrators only

_real_getaddrinfo = socket.getaddrinfo


def fake_dns(mapping):
    """socket.getaddrinfo answering ``mapping`` (name -> addresses), the real one otherwise."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host in mapping:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in mapping[host]
            ]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    return patch("socket.getaddrinfo", getaddrinfo)


def self_signed(directory, name):
    """A key and a self-signed certificate for ``name``, written in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


class _Receiver(BaseHTTPRequestHandler):
    """Records each request; answers the next scripted (status, headers, body), else 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        with server.lock:
            server.received.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            status, headers, text = server.script.pop(0) if server.script else (200, {}, b"ok")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


class WebhookCase(TransactionCase):
    """A receiver on this server's loopback (allowed by the system parameter, as for
    development), a company's accounting administrators and billing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param(ALLOW_LOOPBACK_PARAM, True)
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        cls.server.lock = threading.Lock()
        cls.server.received, cls.server.script = [], []
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.url = f"http://127.0.0.1:{cls.server.server_port}/hooks"

        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})

        def user(login, groups, company):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.a_manager = user("wh_a_mgr", "account.group_account_manager", cls.company_a)
        cls.b_manager = user("wh_b_mgr", "account.group_account_manager", cls.company_b)
        cls.a_billing = user("wh_a_bill", "account.group_account_invoice", cls.company_a)
        cls.Endpoint = cls.env["stablecoin.webhook.endpoint"].with_user(cls.a_manager)
        cls.Delivery = cls.env["stablecoin.webhook.delivery"]
        cls.paid = cls.env.ref("stablecoin_webhooks.webhook_event_invoice_paid")
        cls.endpoint = cls.Endpoint.create({"name": "ERP", "url": cls.url})

    def setUp(self):
        super().setUp()
        self.server.received.clear()
        self.server.script.clear()

    # -- helpers -----------------------------------------------------------------------------
    def https_server(self, name):
        """An HTTPS receiver on 127.0.0.1 with a certificate for ``name``, trusted by the
        sender for this test; returns the server (its requests in ``received``)."""
        directory = tempfile.mkdtemp()
        cert_path, key_path = self_signed(directory, name)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.lock, server.received, server.script = threading.Lock(), [], []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        trust = patch(
            "odoo.addons.stablecoin_webhooks.models.stablecoin_webhook_delivery.TLS_VERIFY",
            cert_path,
        )
        trust.start()
        self.addCleanup(trust.stop)
        return server

    def script(self, *answers):
        """Queue the server's next answers: a status, or (status, headers)."""
        for answer in answers:
            status, headers = answer if isinstance(answer, tuple) else (answer, {})
            self.server.script.append((status, headers, b'{"status": "noted"}'))

    def send(self):
        self.Delivery._cron_send()
        return list(self.server.received)

    def make_due(self, deliveries):
        deliveries.sudo().write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})

    def enqueue(self, code="invoice.paid", data=None, user=None, company=None):
        Endpoint = self.env["stablecoin.webhook.endpoint"].with_user(user or self.a_manager)
        return Endpoint._enqueue(
            company or self.company_a, code, data if data is not None else {"invoice": "INV/1"}
        )

    def assert_verifies(self, request, secret):
        envelope = Webhook(secret).verify(request["body"], request["headers"])
        self.assertEqual(json.loads(request["body"]), envelope)
        return envelope


@tagged("post_install", "-at_install")
class TestWebhooks(WebhookCase):
    """How a receiver's answers drive deliveries. The test receiver is on the loopback, whose
    answers are never kept (TestWebhooksToThisServer): here it stands in for a remote one."""

    def setUp(self):
        super().setUp()
        self.startPatcher(patch.object(webhooks, "is_local", return_value=False))

    # -- URLs --------------------------------------------------------------------------------
    def test_urls_the_manager_may_and_may_not_give(self):
        self.assertEqual(self.endpoint.url, self.url)
        self.assertTrue(self.endpoint.secret.startswith("whsec_"))
        self.assertIn("invoice.paid", self.endpoint.event_type_ids.mapped("code"))
        self.assertNotIn("webhook.test", self.endpoint.event_type_ids.mapped("code"))
        refused = {
            "http://example.com/hooks": "must use https",
            "https://10.0.0.1/hooks": "private",
            "https://192.168.0.5/": "private",
            "https://169.254.169.254/latest/meta-data/": "link-local",
            "https://[fe80::1]/": "link-local",
            "https://[::ffff:10.0.0.1]/": "private",
            "https://[fd00::1]/": "unique-local",
            "https://0.0.0.0/": "unspecified",
            "https://100.64.0.1/": "carrier-grade NAT",
            "https://user:secret@hooks.example.com/": "no user name or password",
            "https://intranet.example.com/hooks": r"intranet.example.com \(10.20.30.40\)",
        }
        dns = {"intranet.example.com": ["10.20.30.40"], "hooks.example.com": ["93.184.215.14"]}
        with fake_dns(dns):
            for url, reason in refused.items():
                with (
                    self.subTest(url),
                    self.assertRaisesRegex(ValidationError, reason),
                    self.env.cr.savepoint(),
                ):
                    self.Endpoint.create({"name": "Bad", "url": url})
            with (
                self.assertRaisesRegex(ValidationError, "Webhook URL https://10.0.0.1"),
                self.env.cr.savepoint(),
            ):
                self.endpoint.write({"url": "https://10.0.0.1"})
            public = self.Endpoint.create({"name": "Public", "url": "https://hooks.example.com/x"})
        self.assertEqual(public.url, "https://hooks.example.com/x")
        self.assertEqual(self.endpoint.url, self.url)

    def test_the_manager_adds_an_endpoint_in_the_form(self):
        with Form(self.Endpoint) as form:
            form.name = "Warehouse"
            form.url = self.url + "/warehouse"
        endpoint = form.record
        self.assertEqual(endpoint.company_id, self.company_a)
        self.assertRegex(endpoint.secret, r"^whsec_[A-Za-z0-9+/]{32}$")
        self.assertNotEqual(endpoint.secret, self.endpoint.secret)
        codes = set(endpoint.event_type_ids.mapped("code"))
        self.assertEqual(
            codes,
            {
                "invoice.sent",
                "payment.seen",
                "invoice.paid",
                "invoice.partially_paid",
                "invoice.overpaid",
                "invoice.rejected",
                "payment.failed",
                "invoice.refunded",
                "invoice.on_hold",
            },
            "every business event by default, not the test event",
        )
        for secret in ("", "whsec_short", "not-a-secret"):
            with (
                self.subTest(secret),
                self.assertRaisesRegex(ValidationError, "Signing secret"),
                self.env.cr.savepoint(),
            ):
                endpoint.write({"secret": secret})
        form = Form(endpoint)
        form.url = "https://169.254.169.254/latest"
        with self.assertRaisesRegex(ValidationError, "link-local"), self.env.cr.savepoint():
            form.save()
        self.assertEqual(endpoint.url, self.url + "/warehouse")

    def test_the_url_is_checked_again_when_sending(self):
        """DNS may change after the endpoint was saved: the sender asks again."""
        with fake_dns({"hooks.example.com": ["93.184.215.14"]}):
            endpoint = self.Endpoint.create({"name": "Rebind", "url": "https://hooks.example.com/"})
        self.endpoint.active = False
        delivery = self.enqueue()
        self.assertEqual(delivery.endpoint_id, endpoint)
        with fake_dns({"hooks.example.com": ["169.254.169.254"]}):
            self.send()
        self.assertFalse(self.server.received)
        attempt = delivery.attempt_ids
        self.assertEqual(len(attempt), 1)
        self.assertIn("URL refused", attempt.error)
        self.assertIn("link-local", attempt.error)
        self.assertEqual(attempt.status_code, 0)
        self.assertEqual(delivery.state, "pending", "retried later, the URL checked again")

    def test_https_to_the_address_checked_with_the_certificate_of_the_name(self):
        """A host name is resolved once per attempt, checked, and connected to at that
        address (a second resolution could point elsewhere: DNS rebinding); TLS still
        checks the certificate against the name."""
        server = self.https_server("hooks.test")
        port = server.server_port
        answers = {"hooks.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
        asked = []

        def rebinding(host, port, *args, **kwargs):
            if host not in answers:
                return _real_getaddrinfo(host, port, *args, **kwargs)
            asked.append(host)
            address = answers[host][0] if len(asked) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        with patch("socket.getaddrinfo", rebinding):
            endpoint = self.Endpoint.create({"name": "TLS", "url": f"https://hooks.test:{port}/in"})
        self.endpoint.active = False
        asked.clear()
        delivery = self.enqueue()
        with patch("socket.getaddrinfo", rebinding):
            self.send()
        self.assertEqual(asked, ["hooks.test"], "resolved once, by the check")
        self.assertEqual(delivery.state, "delivered", delivery.last_error)
        request = server.received[0]
        self.assertEqual(request["path"], "/in")
        self.assertEqual(request["headers"]["Host"], f"hooks.test:{port}")
        self.assert_verifies(request, endpoint.secret)

        # The same server under another name: its certificate does not name it.
        with fake_dns({"other.test": ["127.0.0.1"]}):
            other = self.Endpoint.create({"name": "Other", "url": f"https://other.test:{port}/"})
            endpoint.active = False
            delivery = self.enqueue()
            self.send()
        self.assertEqual(delivery.endpoint_id, other)
        self.assertEqual(delivery.state, "pending")
        self.assertIn("SSLError", delivery.attempt_ids.error)
        self.assertEqual(len(server.received), 1)

    # -- delivery ----------------------------------------------------------------------------
    def test_queued_in_the_callers_transaction_sent_by_the_job_and_verified(self):
        Trigger = self.env["ir.cron.trigger"].sudo()
        cron = self.env.ref("stablecoin_webhooks.ir_cron_stablecoin_webhook_send")
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        other = self.Endpoint.create(
            {
                "name": "Only refunds",
                "url": self.url + "/refunds",
                "event_type_ids": [
                    Command.set(
                        self.env.ref("stablecoin_webhooks.webhook_event_invoice_refunded").ids
                    )
                ],
            }
        )
        b_endpoint = (
            self.env["stablecoin.webhook.endpoint"]
            .with_user(self.b_manager)
            .create({"name": "B", "url": self.url + "/b"})
        )
        delivery = self.enqueue(data={"invoice": "INV/2026/0001", "amount": "120.000001"})
        self.assertEqual(delivery.endpoint_id, self.endpoint, "only subscribed endpoints of A")
        self.assertEqual(delivery.state, "pending")
        self.assertFalse(self.server.received, "nothing is sent in the caller's transaction")
        self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), triggers)

        received = self.send()
        self.assertEqual(len(received), 1)
        request = received[0]
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["path"], "/hooks")
        self.assertEqual(request["headers"]["Content-Type"], "application/json")
        self.assertEqual(request["headers"]["webhook-id"], delivery.msg_id)
        self.assertTrue(delivery.msg_id.startswith("msg_"))
        self.assertEqual(request["body"], delivery.payload.encode())
        envelope = self.assert_verifies(request, self.endpoint.secret)
        self.assertEqual(envelope["type"], "invoice.paid")
        self.assertEqual(envelope["data"], {"invoice": "INV/2026/0001", "amount": "120.000001"})
        self.assertRegex(envelope["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$")
        with self.assertRaises(WebhookVerificationError):
            Webhook(self.endpoint.secret).verify(
                request["body"].replace(b"120.000001", b"999.000001"), request["headers"]
            )
        with self.assertRaises(WebhookVerificationError):
            Webhook(other.secret).verify(request["body"], request["headers"])

        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.attempt_count, 1)
        attempt = delivery.attempt_ids
        self.assertEqual(attempt.status_code, 200)
        self.assertGreaterEqual(attempt.duration_ms, 0)
        self.assertEqual(attempt.response_excerpt, "ok")
        self.assertTrue(attempt.sent_at)
        self.assertEqual(self.endpoint.last_status_code, 200)
        self.assertEqual(len(self.send()), 1, "a delivered event is not sent again")
        self.assertFalse(b_endpoint.sudo().delivery_ids, "another company's endpoint gets nothing")

    def test_rotation_signs_with_both_secrets_for_a_day(self):
        old = self.endpoint.secret
        self.endpoint.action_rotate_secret()
        new = self.endpoint.secret
        self.assertNotEqual(old, new)
        self.assertGreater(self.endpoint.previous_secret_until, fields.Datetime.now())
        self.enqueue()
        request = self.send()[0]
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 2)
        self.assert_verifies(request, old)
        self.assert_verifies(request, new)

        self.endpoint.sudo().previous_secret_until = fields.Datetime.now() - timedelta(seconds=1)
        self.server.received.clear()
        self.enqueue()
        request = self.send()[0]
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 1)
        self.assert_verifies(request, new)
        with self.assertRaises(WebhookVerificationError):
            Webhook(old).verify(request["body"], request["headers"])

    def test_a_500_is_retried_later_with_the_same_message(self):
        self.script(500)
        delivery = self.enqueue()
        before = fields.Datetime.now()
        self.assertEqual(len(self.send()), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.last_status_code, 500)
        # 5 s, within the jitter (the field keeps whole seconds)
        self.assertGreaterEqual(delivery.next_attempt_at, before + timedelta(seconds=3))
        self.assertLessEqual(delivery.next_attempt_at, before + timedelta(seconds=8))
        cron = self.env.ref("stablecoin_webhooks.ir_cron_stablecoin_webhook_send")
        wakeups = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "=", cron.id), ("call_at", ">", before)])
        )
        self.assertEqual(wakeups.call_at, delivery.next_attempt_at, "the job wakes for the retry")
        self.assertEqual(len(self.send()), 1, "not due yet: nothing sent")
        self.assertEqual(
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", ">", before)]),
            1,
            "one wake-up per retry, not one per run",
        )

        self.make_due(delivery)
        received = self.send()
        self.assertEqual(len(received), 2)
        self.assertEqual(delivery.state, "delivered")
        first, second = received
        self.assertEqual(first["headers"]["webhook-id"], second["headers"]["webhook-id"])
        self.assertEqual(first["body"], second["body"])
        self.assert_verifies(second, self.endpoint.secret)
        attempts = delivery.attempt_ids.sorted("id")
        self.assertEqual(attempts.mapped("status_code"), [500, 200])
        self.assertTrue(all(a.duration_ms >= 0 and a.sent_at for a in attempts))
        self.assertEqual(delivery.attempt_count, 2)

    def test_retry_after_is_honoured(self):
        self.script((503, {"Retry-After": "600"}), (429, {"Retry-After": "7200"}))
        delivery = self.enqueue()
        before = fields.Datetime.now()
        self.send()
        self.assertEqual(delivery.attempt_ids.retry_after, "600")
        self.assertGreaterEqual(delivery.next_attempt_at, before + timedelta(seconds=599))
        self.assertLessEqual(delivery.next_attempt_at, before + timedelta(seconds=602))
        self.make_due(delivery)
        before = fields.Datetime.now()
        self.send()
        self.assertEqual(delivery.retry_step, 2)
        self.assertGreaterEqual(delivery.next_attempt_at, before + timedelta(seconds=7199))
        self.assertEqual(delivery.state, "pending")

    def test_failed_after_the_last_retry(self):
        self.script(500)
        delivery = self.enqueue()
        delivery.sudo().retry_step = len(webhooks.RETRY_DELAYS)
        self.send()
        self.assertEqual(delivery.state, "failed")
        self.assertFalse(delivery.next_attempt_at)

    def test_410_disables_the_endpoint(self):
        self.script(410)
        first, second = self.enqueue(), self.enqueue(code="invoice.partially_paid")
        self.send()
        self.assertEqual(len(self.server.received), 1, "no more attempts once gone")
        self.assertFalse(self.endpoint.active)
        self.assertIn("410", self.endpoint.disabled_reason)
        self.assertEqual((first | second).mapped("state"), ["failed", "failed"])
        self.assertFalse(self.enqueue(), "a disabled endpoint gets no new events")
        with self.assertRaisesRegex(UserError, "Activate the endpoint"):
            first.with_user(self.a_manager).action_resend()
        self.assertEqual(len(self.send()), 1)
        self.endpoint.active = True
        self.assertFalse(self.endpoint.disabled_reason)

    def test_one_failing_endpoint_does_not_stop_the_others(self):
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            dead_port = probe.getsockname()[1]
        dead = self.Endpoint.create({"name": "Dead", "url": f"http://127.0.0.1:{dead_port}/"})
        deliveries = self.enqueue()
        self.assertEqual(deliveries.endpoint_id, self.endpoint | dead)
        self.send()
        by_endpoint = {d.endpoint_id: d for d in deliveries}
        self.assertEqual(by_endpoint[self.endpoint].state, "delivered")
        failed = by_endpoint[dead]
        self.assertEqual(failed.state, "pending")
        self.assertIn("ConnectionError", failed.attempt_ids.error)
        self.assertEqual(failed.attempt_ids.status_code, 0)
        self.assertEqual(dead.last_status_code, 0)
        self.assertIn("ConnectionError", dead.last_error)

    def test_resend_from_the_log(self):
        delivery = self.enqueue()
        self.send()
        self.assertEqual(delivery.state, "delivered")
        as_manager = delivery.with_user(self.a_manager)
        as_manager.action_resend()
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(len(self.server.received), 1, "queued, sent by the job")
        with self.assertRaisesRegex(UserError, "already queued"):
            as_manager.action_resend()
        received = self.send()
        self.assertEqual(len(received), 2)
        self.assertEqual(received[1]["headers"]["webhook-id"], delivery.msg_id)
        self.assertEqual(received[1]["body"], received[0]["body"])
        self.assert_verifies(received[1], self.endpoint.secret)
        self.assertEqual(len(delivery.attempt_ids), 2)
        self.assertEqual(delivery.state, "delivered")

    def test_send_test_event_button(self):
        other = self.Endpoint.create({"name": "Other", "url": self.url + "/other"})
        action = self.endpoint.action_send_test_event()
        received = list(self.server.received)
        self.assertEqual(len(received), 1, "sent at once, to this endpoint only")
        self.assertEqual(received[0]["path"], "/hooks")
        envelope = self.assert_verifies(received[0], self.endpoint.secret)
        self.assertEqual(envelope["type"], "webhook.test")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("HTTP 200", action["params"]["message"])
        self.assertFalse(other.sudo().delivery_ids)

        self.script(500)
        action = self.endpoint.action_send_test_event()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("HTTP 500", action["params"]["message"])
        test_delivery = self.endpoint.delivery_ids.sorted("id")[-1]
        self.assertEqual(test_delivery.state, "failed", "a test event is not retried")
        self.assertEqual(len(self.send()), 2)

    def test_a_neutralized_copy_sends_nothing(self):
        from odoo.modules.neutralize import get_neutralization_queries

        delivery = self.enqueue()
        for query in get_neutralization_queries(["stablecoin_webhooks"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.endpoint.active)
        self.assertIn("neutralized", self.endpoint.disabled_reason)
        self.assertEqual(delivery.state, "failed")
        self.assertFalse(self.enqueue())
        self.assertFalse(self.send())

    def test_a_neutralized_copy_cannot_sign_as_the_original(self):
        """The receivers trust the original's signing secrets: a copy gets a new one, so that
        an endpoint reactivated there cannot send messages the receiver takes as genuine."""
        from odoo.modules.neutralize import get_neutralization_queries

        endpoint_sudo = self.endpoint.sudo()
        endpoint_sudo.action_rotate_secret()
        original = {endpoint_sudo.secret, endpoint_sudo.previous_secret}
        self.env.flush_all()
        for query in get_neutralization_queries(["stablecoin_webhooks"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(endpoint_sudo.previous_secret)
        self.assertNotIn(endpoint_sudo.secret, original)
        endpoint_sudo._check_secret()  # still a valid secret: the copy can be reactivated
        self.assertFalse(set(endpoint_sudo._signing_secrets()) & original)

    def test_enqueue_refuses_an_unknown_event(self):
        with self.assertRaisesRegex(ValueError, "Unknown webhook event type"):
            self.enqueue(code="invoice.exploded")

    # -- who sees what -----------------------------------------------------------------------
    def test_billing_users_action_queues_events_they_cannot_see(self):
        deliveries = self.enqueue(user=self.a_billing)
        self.assertEqual(deliveries.endpoint_id, self.endpoint)
        self.assertEqual(len(self.send()), 1)
        for model in ("stablecoin.webhook.endpoint", "stablecoin.webhook.delivery"):
            with self.assertRaises(AccessError, msg=model), mute_logger("odoo.models"):
                self.env[model].with_user(self.a_billing).search([])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.endpoint.with_user(self.a_billing).read(["url"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["stablecoin.webhook.endpoint"].with_user(self.a_billing).create(
                {"name": "Mine", "url": self.url}
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            deliveries.with_user(self.a_billing).action_resend()

    def test_another_company_manager_sees_and_changes_nothing(self):
        delivery = self.enqueue()
        self.send()
        for model, record in (
            ("stablecoin.webhook.endpoint", self.endpoint),
            ("stablecoin.webhook.delivery", delivery),
            ("stablecoin.webhook.attempt", delivery.attempt_ids),
        ):
            as_b = self.env[model].with_user(self.b_manager)
            self.assertFalse(as_b.search([("id", "=", record.id)]), model)
            with self.assertRaises(AccessError, msg=model), mute_logger("odoo.models"):
                as_b.browse(record.id).read(["id"])
        as_b = self.endpoint.with_user(self.b_manager)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            as_b.write({"url": self.url + "/stolen"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            as_b.action_rotate_secret()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            as_b.action_send_test_event()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            delivery.with_user(self.b_manager).action_resend()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            as_b.unlink()
        self.assertEqual(self.endpoint.url, self.url)
        self.assertEqual(len(self.server.received), 1)


@tagged("post_install", "-at_install")
class TestWebhooksToThisServer(WebhookCase):
    """An accounting administrator may not turn webhooks into a port scanner of the server's
    own services: the loopback and the server's own addresses are refused unless a system
    administrator allows them (development), and then their answers are never kept."""

    def closed_port(self):
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def test_an_accounting_admin_cannot_aim_webhooks_at_this_server(self):
        self.env["ir.config_parameter"].set_param(ALLOW_LOOPBACK_PARAM, False)
        port = self.server.server_port
        with fake_dns({"self.example.com": ["127.0.0.1"]}):
            for url in (
                f"http://127.0.0.1:{port}/hooks",
                f"http://127.0.0.2:{port}/",
                f"http://localhost:{port}/",
                f"http://[::1]:{port}/",
                f"https://[::ffff:127.0.0.1]:{port}/",
                f"https://self.example.com:{port}/",
            ):
                with (
                    self.subTest(url),
                    self.assertRaisesRegex(ValidationError, "this server itself"),
                    self.env.cr.savepoint(),
                ):
                    self.Endpoint.create({"name": "Probe", "url": url})
        with (
            self.assertRaisesRegex(ValidationError, "stablecoin_webhooks.allow_loopback"),
            self.env.cr.savepoint(),
        ):
            self.endpoint.write({"url": f"http://127.0.0.1:{self.closed_port()}/"})
        # This server's own public address (its interfaces, its host name), by IP or by name.
        own = frozenset({ipaddress.ip_address("93.184.215.14")})
        with (
            fake_dns({"me.example.com": ["93.184.215.14"]}),
            patch.object(webhooks, "own_addresses", return_value=own),
        ):
            for url in ("https://93.184.215.14/hooks", "https://me.example.com/hooks"):
                with (
                    self.subTest(url),
                    self.assertRaisesRegex(ValidationError, "this server itself"),
                    self.env.cr.savepoint(),
                ):
                    self.Endpoint.create({"name": "Probe", "url": url})
        # The system parameter is not theirs to set.
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["ir.config_parameter"].with_user(self.a_manager).set_param(
                ALLOW_LOOPBACK_PARAM, True
            )
        # An endpoint saved while it was allowed: nothing is sent to it any more.
        delivery = self.enqueue()
        self.send()
        action = self.endpoint.action_send_test_event()
        self.assertFalse(self.server.received)
        self.assertIn("this server itself", delivery.attempt_ids.error)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("this server itself", action["params"]["message"])

    def test_a_receiver_on_this_server_tells_only_whether_it_took_the_event(self):
        # A system administrator (not the superuser) allows it, for development.
        admin = new_test_user(self.env, login="wh_sysadmin", groups="base.group_system")
        self.env["ir.config_parameter"].set_param(ALLOW_LOOPBACK_PARAM, False)
        self.env["ir.config_parameter"].with_user(admin).set_param(ALLOW_LOOPBACK_PARAM, True)
        closed = self.Endpoint.create(
            {"name": "Closed", "url": f"http://127.0.0.1:{self.closed_port()}/"}
        )
        self.script((500, {"Retry-After": "7200"}), 410)
        deliveries = self.enqueue()
        before = fields.Datetime.now()
        self.send()
        by_endpoint = {d.endpoint_id: d for d in deliveries}
        for endpoint in (self.endpoint, closed):
            delivery = by_endpoint[endpoint]
            attempt = delivery.attempt_ids
            with self.subTest(endpoint.name):
                self.assertEqual(delivery.state, "pending", "failed, retried")
                self.assertEqual(attempt.status_code, 0, "no status kept")
                self.assertEqual(delivery.last_status_code, 0)
                self.assertEqual(endpoint.last_status_code, 0)
                self.assertEqual(attempt.duration_ms, 0, "no timing kept")
                self.assertFalse(attempt.retry_after)
                self.assertEqual(attempt.response_excerpt, "(not kept: a receiver on this server)")
                self.assertEqual(
                    attempt.error,
                    "Not delivered (a receiver on this server: no answer is kept).",
                    "no connection error (refused, reset, timed out...)",
                )
                self.assertEqual(delivery.last_error, attempt.error)
                # The schedule's 5 s, not the receiver's Retry-After.
                self.assertLessEqual(delivery.next_attempt_at, before + timedelta(seconds=8))
        # A 410 from a local receiver does not disable the endpoint (nor say it answered 410).
        self.make_due(deliveries)
        self.send()
        self.assertTrue(self.endpoint.active)
        self.assertFalse(self.endpoint.disabled_reason)
        self.assertEqual(by_endpoint[self.endpoint].attempt_ids.mapped("status_code"), [0, 0])

        # The test event is not sent while the administrator waits (that would time it): the
        # job sends it, and the log says only whether it was delivered.
        for endpoint, state in ((self.endpoint, "delivered"), (closed, "failed")):
            with self.subTest(endpoint.name):
                received = len(self.server.received)
                action = endpoint.action_send_test_event()
                self.assertEqual(action["params"]["type"], "info")
                self.assertIn("queued", action["params"]["message"])
                self.assertNotIn("HTTP", action["params"]["message"])
                self.assertEqual(len(self.server.received), received, "not sent at once")
                test = endpoint.delivery_ids.filtered(
                    lambda d: d.event_type_id.code == "webhook.test"
                )
                self.assertEqual(test.state, "pending")
                self.send()
                self.assertEqual(test.state, state)
                self.assertFalse(test.next_attempt_at, "a test event is not retried")
                self.assertEqual(test.attempt_ids.status_code, 0)
                self.assertEqual(test.attempt_ids.duration_ms, 0)
        self.assert_verifies(self.server.received[-1], self.endpoint.secret)
        self.assertEqual(
            json.loads(self.server.received[-1]["body"])["type"], "webhook.test", "delivered"
        )

    def test_an_unexpected_error_of_a_local_receiver_is_not_shown(self):
        delivery = self.enqueue()
        with (
            patch("requests.Session.post", side_effect=RuntimeError("SSH-2.0-OpenSSH_9.6")),
            self.assertLogs(
                "odoo.addons.stablecoin_webhooks.models.stablecoin_webhook_delivery", "WARNING"
            ),
        ):
            self.send()
        self.assertEqual(delivery.state, "pending")
        self.assertNotIn("SSH", delivery.attempt_ids.error)
        self.assertNotIn("SSH", delivery.last_error)
        self.assertEqual(delivery.attempt_ids.status_code, 0)
