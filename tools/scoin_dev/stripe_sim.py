"""A local stand-in for Stripe's crypto onramp, for the tests and the demo.

It speaks what the card on-ramp uses of Stripe's API: ``POST /v1/crypto/onramp_sessions``
(form-encoded, ``Authorization: Bearer sk_...``, ``Idempotency-Key``: the same key with the
same parameters returns the same session, with others it is refused), the session object's
shape and statuses, a hosted page (``redirect_url``) where the payer "pays by card", and
``crypto.onramp_session_updated`` events signed as Stripe signs them (``Stripe-Signature:
t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` with the endpoint's ``whsec_`` secret),
retried on any answer other than 2xx. When paid, a real ERC-20 transfer on the local chain
delivers the stablecoins to the locked address.

Not Stripe: no card network, no KYC, fees are a fixed amount, nothing is persisted.
"""

import hashlib
import hmac
import json
import secrets
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests


def stripe_signature(secret, body, timestamp):
    """The ``Stripe-Signature`` header of ``body`` at ``timestamp`` (seconds)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class StripeOnrampSimulator:
    def __init__(self, chain=None, tokens=None, hot_wallet=None, fee="0.00", port=0):
        self.chain, self.tokens, self.hot_wallet = chain, tokens or {}, hot_wallet
        self.secret_key = "sk_test_" + secrets.token_hex(12)
        self.webhook_secret = "whsec_" + secrets.token_hex(16)
        self.fee = Decimal(fee)
        self.webhook_url = None
        self.sessions = {}
        self.idempotency = {}
        self.deliveries = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _create(self, params):
        network = params.get("destination_network", [""])[0]
        currency = params.get("destination_currency", [""])[0]
        address = params.get(f"wallet_addresses[{network}]", [""])[0]
        amount = params.get("destination_amount", [""])[0]
        if not (network and currency and address and amount):
            return 400, {"error": {"type": "invalid_request_error", "message": "Missing parameter"}}
        session_id = "cos_" + secrets.token_hex(12)
        session = {
            "id": session_id,
            "object": "crypto.onramp_session",
            "client_secret": f"{session_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "livemode": False,
            "metadata": {},
            "redirect_url": f"{self.url}/onramp/{session_id}",
            "status": "initialized",
            "transaction_details": {
                "destination_currency": currency,
                "destination_amount": amount,
                "destination_network": network,
                "fees": None,
                "lock_wallet_address": params.get("lock_wallet_address", ["false"])[0] == "true",
                "source_currency": "usd",
                "source_amount": None,
                "transaction_id": None,
                "wallet_address": address,
                "wallet_addresses": {network: address},
            },
        }
        self.sessions[session_id] = session
        return 200, session

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body, kind="application/json"):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                session = sim.sessions.get(self.path.rpartition("/")[2])
                if self.path.startswith("/onramp/") and session:
                    return self._answer(200, sim.hosted_page(session), "text/html; charset=utf-8")
                if self.headers.get("Authorization") != f"Bearer {sim.secret_key}":
                    return self._answer(401, {"error": {"message": "Invalid API Key provided"}})
                if session and self.path.startswith("/v1/crypto/onramp_sessions/"):
                    return self._answer(200, session)
                return self._answer(404, {"error": {"message": "No such session"}})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/onramp/") and self.path.endswith("/pay"):
                    return self._answer(*sim.pay_once(self.path.split("/")[2]))
                if self.headers.get("Authorization") != f"Bearer {sim.secret_key}":
                    return self._answer(401, {"error": {"message": "Invalid API Key provided"}})
                if self.path != "/v1/crypto/onramp_sessions":
                    return self._answer(404, {"error": {"message": "Unrecognized request URL"}})
                params = parse_qs(raw.decode(), keep_blank_values=True)
                key = self.headers.get("Idempotency-Key")
                fingerprint = hashlib.sha256(raw).digest()
                with sim.lock:
                    seen = sim.idempotency.get(key) if key else None
                    if seen and seen[0] != fingerprint:
                        return self._answer(
                            400,
                            {
                                "error": {
                                    "type": "idempotency_error",
                                    "message": "Keys for idempotent requests can only be used "
                                    "with the same parameters they were first used with.",
                                }
                            },
                        )
                    if not seen:
                        seen = (fingerprint, *sim._create(params))
                        if key and seen[1] < 400:
                            sim.idempotency[key] = seen
                return self._answer(seen[1], seen[2])

        return Handler

    def pay_once(self, session_id):
        """The hosted page's *Pay*: (status, body, content type). A session is fulfilled once,
        as Stripe's: a double click pays once."""
        if session_id not in self.sessions:
            return 404, {"error": {"message": "No such session"}}, "application/json"
        with self.lock:
            fresh = self.sessions[session_id]["status"] == "initialized"
            if fresh:
                self.sessions[session_id]["status"] = "requires_payment"
        if not fresh:
            return 409, "This session is already paid.", "text/plain"
        self.pay(session_id)
        return 200, "Paid: the stablecoins are on their way.", "text/plain"

    def hosted_page(self, session):
        details = session["transaction_details"]
        pay = (
            """<button onclick="this.disabled = true; fetch(location.pathname + '/pay',
 {method: 'POST'}).then(() => location.reload())">Pay with test card 4242 4242 4242 4242
</button>"""
            if session["status"] == "initialized"
            else "<p><b>Paid.</b></p>"
        )
        return f"""<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stripe onramp simulator</title></head>
<body style="font-family:sans-serif;max-width:520px;margin:24px auto;padding:0 12px">
<h1>Buy {details["destination_amount"]} {details["destination_currency"].upper()}</h1>
<p>Sent to <code>{details["wallet_address"]}</code> (locked). A local stand-in for Stripe's
hosted onramp: no card is charged, and the stablecoins arrive on the demo's local chain (Stripe
is told "{details["destination_network"]}", the network it would deliver on).</p>
<p>Status: <b>{session["status"]}</b></p>
{pay}
<p>The invoice's page, in the tab you came from, shows the payment by itself: you can close
this tab once paid.</p>
</body></html>"""

    def _event(self, session):
        return {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "type": "crypto.onramp_session_updated",
            "livemode": False,
            "data": {"object": json.loads(json.dumps(session))},
        }

    def pay(self, session_id, send=True):
        """The payer paid by card: requires_payment, fulfillment_processing, then the
        stablecoins sent on chain (fulfillment_complete). Returns the events."""
        session = self.sessions[session_id]
        details = session["transaction_details"]
        amount = Decimal(details["destination_amount"])
        events = []
        for status in ("requires_payment", "fulfillment_processing", "fulfillment_complete"):
            session["status"] = status
            if status == "fulfillment_processing":
                details["fees"] = {
                    "network_fee_monetary": "0.00",
                    "transaction_fee_monetary": str(self.fee),
                }
                details["source_amount"] = str(amount + self.fee)
            if status == "fulfillment_complete":
                token = self.tokens[details["destination_currency"]]
                units = int(amount * 10**6)
                self.chain.mint(token, self.hot_wallet, units)
                details["transaction_id"] = self.chain.transfer(
                    token, self.hot_wallet, details["wallet_address"], units
                )
            events.append(self._event(session))
            time.sleep(0.01)
        if send:
            for event in events:
                self.deliver(event)
        return events

    def deliver(self, event, attempts=5, pause=0.2):
        body = json.dumps(event).encode()
        status = None
        for _ in range(attempts):
            header = stripe_signature(self.webhook_secret, body, int(time.time()))
            try:
                status = requests.post(
                    self.webhook_url,
                    data=body,
                    headers={"Content-Type": "application/json", "Stripe-Signature": header},
                    timeout=30,
                ).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.deliveries.append((event["id"], status))
            if isinstance(status, int) and 200 <= status < 300:
                return status
            time.sleep(pause)
        return status
