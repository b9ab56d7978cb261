"""A local stand-in for Bridge's API (bridge.xyz), for the tests and the demo.

It speaks the parts of Bridge's documented API the on-ramp uses, with Bridge's JSON shapes and
rules, and sends Bridge's webhook events signed as Bridge signs them (RSA-2048, PKCS#1 v1.5
over the SHA-256 digest of ``<t>.<body>``, header ``X-Webhook-Signature: t=..,v0=..``):

- ``POST /v0/transfers`` (``Api-Key`` and ``Idempotency-Key`` headers): the same key with the
  same body returns the same transfer; the same key with another body is refused (422);
- ``GET /v0/transfers/<id>``;
- what Bridge does when money arrives, triggered by the test (or ``POST /sim/deposit`` from the
  demo's page): ``deposit()`` with the right memo, another memo or none, under or over the
  amount, into review, returned; the processed event follows a real ERC-20 transfer on the
  local chain from the simulator's hot wallet to the transfer's address;
- each event is delivered to the webhook URL, retried with a fresh signature on any answer
  other than 2xx (as Bridge does), and every attempt is kept in ``deliveries``.

Not Bridge: no KYC, customers or virtual accounts; fees are a fixed rate; nothing is persisted.
"""

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SOURCE_RAILS = {"wire": "usd", "ach_push": "usd", "sepa": "eur"}
DESTINATION_CURRENCIES = ("usdc", "usdt")
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


def sign_webhook(private_key, raw_body, timestamp_ms):
    """Bridge's signature of a delivery, written here on Bridge's side (not the addon's
    code): RSA PKCS#1 v1.5 with SHA-256 over the SHA-256 digest of ``<t>.<body>``."""
    digest = hashlib.sha256(str(timestamp_ms).encode() + b"." + raw_body).digest()
    signature = private_key.sign(digest, padding.PKCS1v15(), hashes.SHA256())
    return f"t={timestamp_ms},v0={base64.b64encode(signature).decode()}"


def _now():
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BridgeSimulator:
    def __init__(self, chain=None, tokens=None, hot_wallet=None, api_key=None, fee_bps=0, port=0):
        """``chain`` (a DevChain), ``tokens`` ({"usdc": contract}), ``hot_wallet`` (an
        unlocked anvil account that sends the stablecoins)."""
        self.chain, self.tokens, self.hot_wallet = chain, tokens or {}, hot_wallet
        self.api_key = api_key or "sk-test-" + secrets.token_hex(8)
        self.fee_bps = fee_bps
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key_pem = (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        self.webhook_url = None
        self.transfers = {}
        self.virtual_accounts = {}
        self.idempotency = {}
        self.deliveries = []  # (event_id, status code or error)
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

    # -- the API -------------------------------------------------------------------------------
    def _create_transfer(self, body):
        errors = []
        amount = body.get("amount")
        try:
            if Decimal(str(amount)) <= 0:
                errors.append("amount must be positive")
        except (InvalidOperation, ValueError):
            errors.append("amount must be a decimal string")
        source, destination = body.get("source") or {}, body.get("destination") or {}
        if SOURCE_RAILS.get(source.get("payment_rail")) != source.get("currency"):
            errors.append("source: unsupported payment_rail/currency")
        if destination.get("currency") not in DESTINATION_CURRENCIES:
            errors.append("destination.currency must be usdc or usdt")
        if not ADDRESS.match(str(destination.get("to_address") or "")):
            errors.append("destination.to_address is not an address")
        if not body.get("on_behalf_of"):
            errors.append("on_behalf_of is required")
        if errors:
            return 400, {"code": "invalid_parameters", "message": "; ".join(errors)}
        transfer_id = "transfer_" + secrets.token_hex(8)
        rail = source["payment_rail"]
        instructions = {
            "payment_rail": rail,
            "amount": str(amount),
            "currency": source["currency"],
            "deposit_message": "BRG" + secrets.token_hex(5).upper(),
            "bank_beneficiary_name": "Bridge Ventures Inc (simulator)",
            "bank_beneficiary_address": "1 Simulated Way, San Francisco, CA 94107, US",
        }
        if rail == "sepa":
            instructions |= {
                "bank_name": "Simulated Bank SE",
                "iban": "DE89370400440532013000",
                "bic": "COBADEFFXXX",
            }
        else:
            instructions |= {
                "bank_name": "Simulated Lead Bank",
                "bank_account_number": "900000" + str(len(self.transfers) + 1).zfill(6),
                "bank_routing_number": "101019644",
            }
        transfer = {
            "id": transfer_id,
            "state": "awaiting_funds",
            "on_behalf_of": body["on_behalf_of"],
            "amount": str(amount),
            "currency": source["currency"],
            "developer_fee": "0.0",
            "source": {"payment_rail": rail, "currency": source["currency"]},
            "destination": dict(destination),
            "source_deposit_instructions": instructions,
            "receipt": {},
            "created_at": _now(),
            "updated_at": _now(),
        }
        self.transfers[transfer_id] = transfer
        return 201, transfer

    def _post_idempotent(self, key, raw, create):
        """A creating ``POST`` with Bridge's idempotency rules: (status, body)."""
        if not key:
            return 400, {"code": "missing_idempotency_key", "message": "Idempotency-Key"}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"code": "invalid_json", "message": "Invalid JSON"}
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
        with self.lock:
            seen = self.idempotency.get(key)
            if seen and seen[0] != fingerprint:
                return 422, {
                    "code": "idempotency_key_reused",
                    "message": "This Idempotency-Key was used with another body",
                }
            if not seen:
                status, answer = create(body)
                seen = (fingerprint, status, answer)
                if status < 400:
                    self.idempotency[key] = seen
        return seen[1], seen[2]

    def _create_virtual_account(self, customer_id, body):
        source, destination = body.get("source") or {}, body.get("destination") or {}
        if source.get("currency") not in ("usd", "eur"):
            return 400, {"code": "invalid_parameters", "message": "source.currency: usd or eur"}
        if destination.get("currency") not in DESTINATION_CURRENCIES or not ADDRESS.match(
            str(destination.get("address") or "")
        ):
            return 400, {"code": "invalid_parameters", "message": "destination: currency, address"}
        account_id = "va_" + secrets.token_hex(8)
        usd = source["currency"] == "usd"
        instructions = {
            "currency": source["currency"],
            "payment_rails": ["ach_push", "wire"] if usd else ["sepa"],
            "bank_name": "Simulated Lead Bank" if usd else "Simulated Bank SE",
            "bank_address": "1 Simulated Way, Kansas City, MO 64108",
            "bank_beneficiary_name": "Your business (simulator)",
            "bank_beneficiary_address": "2 Merchant Street, San Francisco, CA 94107",
        }
        if usd:
            instructions |= {
                "bank_routing_number": "101019644",
                "bank_account_number": "215268120000",
            }
        else:
            instructions |= {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
        account = {
            "id": account_id,
            "status": "activated",
            "customer_id": customer_id,
            "source_deposit_instructions": instructions,
            "destination": dict(destination),
            "developer_fee_percent": "0.0",
        }
        self.virtual_accounts[account_id] = account
        return 201, account

    def va_deposit(self, account_id, memo, amount, sender_name="ACME Buyer LLC", send=True):
        """A wire into the virtual account with ``memo`` for ``amount``: Bridge reports it as
        ``virtual_account.activity`` events and sends the stablecoins to the account's
        address. Returns the events (delivered unless ``send`` is False)."""
        account = self.virtual_accounts[account_id]
        received = Decimal(str(amount))
        fee = (received * self.fee_bps / Decimal(10_000)).quantize(Decimal("0.01"))
        deposit_id = secrets.token_hex(8)
        base = {
            "amount": str(received),
            "currency": account["destination"]["currency"],
            "customer_id": account["customer_id"],
            "virtual_account_id": account_id,
            "deposit_id": deposit_id,
            "exchange_fee_amount": str(fee),
            "developer_fee_amount": "0.0",
            "gas_fee": "0.0",
            "subtotal_amount": str(received - fee),
            "source": {
                "description": memo or "",
                "sender_name": sender_name,
                "payment_rail": "wire",
                "sender_bank_routing_number": "021000021",
            },
        }
        events = []
        for step in ("funds_received", "payment_submitted", "payment_processed"):
            activity = dict(base, id=secrets.token_hex(8), type=step, created_at=_now())
            if step == "payment_processed":
                activity["destination_tx_hash"] = self._send(account["destination"], received - fee)
            time.sleep(0.002)
            events.append(
                {
                    "api_version": "v0",
                    "event_id": "wh_" + secrets.token_hex(10),
                    "event_developer_id": "dev_simulator",
                    "event_category": "virtual_account.activity",
                    "event_type": "virtual_account.activity.created",
                    "event_object_id": activity["id"],
                    "event_object_status": None,
                    "event_object": activity,
                    "event_object_changes": {},
                    "event_created_at": _now(),
                }
            )
        if send:
            for event in events:
                self.deliver(event)
        return events

    def restore_virtual_account(self, account_id, customer_id, address, currency="usd"):
        """A virtual account opened by an earlier run (the demo keeps its database)."""
        self.virtual_accounts[account_id] = {
            "id": account_id,
            "status": "activated",
            "customer_id": customer_id,
            "source_deposit_instructions": {"currency": currency},
            "destination": {"currency": "usdc", "payment_rail": "ethereum", "address": address},
        }

    def test_page(self):
        """The demo's page to play the payer's bank: wire a transfer's instructions, or any
        amount with any memo to the business's bank account."""
        rows = "".join(
            f"<tr><td>{t['source_deposit_instructions']['deposit_message']}</td>"
            f"<td>{t['amount']} {t['currency'].upper()}</td><td>{t['state']}</td>"
            f"<td><button onclick=\"send('/sim/deposit', {{memo: "
            f"'{t['source_deposit_instructions']['deposit_message']}'}})\">Wire it</button>"
            "</td></tr>"
            for t in self.transfers.values()
        )
        accounts = "".join(f"<option>{account_id}</option>" for account_id in self.virtual_accounts)
        return f"""<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bridge simulator: your bank</title>
<style>body{{font-family:sans-serif;max-width:760px;margin:24px auto;padding:0 12px}}
td,th{{padding:4px 8px;text-align:left}} input{{margin:4px 0}}</style></head><body>
<h1>Bridge simulator: play the payer's bank</h1>
<p>Not Bridge: a local stand-in that speaks Bridge's API and signs its webhook events. A wire
sent here is turned into demo USDC on the local chain, sent to the invoice's address, and
reported to Odoo as Bridge would.</p>
<h2>Wire instructions asked on an invoice page</h2>
<table><tr><th>Reference</th><th>Amount</th><th>Status</th><th></th></tr>{rows}</table>
<h2>Wire to the business's bank account</h2>
<form onsubmit="event.preventDefault(); send('/sim/va_deposit', {{account: this.account.value,
 memo: this.memo.value, amount: this.amount.value}})">
<label>Account <select name="account">{accounts}</select></label><br>
<label>Memo (the invoice's reference) <input name="memo" size="30"></label><br>
<label>Amount <input name="amount" value="100.00" size="10"></label><br>
<button>Wire it</button></form>
<p id="answer"></p>
<script>async function send(path, body) {{
 const r = await fetch(path, {{method: 'POST', body: JSON.stringify(body)}});
 document.getElementById('answer').textContent = r.ok ? 'Sent: Odoo has been told, and the '
  + 'stablecoins are on their way.' : 'Refused: ' + (await r.text());
 setTimeout(() => location.reload(), 1500);
}}</script></body></html>"""

    def _send(self, destination, amount):
        token = self.tokens[destination["currency"]]
        units = int(amount * 10**6)
        self.chain.mint(token, self.hot_wallet, units)
        return self.chain.transfer(token, self.hot_wallet, destination["address"], units)

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                if self.headers.get("Api-Key") != sim.api_key:
                    self._answer(401, {"code": "unauthorized", "message": "Invalid API key"})
                    return False
                return True

            def do_GET(self):
                if self.path == "/":
                    page = sim.test_page().encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return None
                if not self._authorised():
                    return None
                match = re.fullmatch(r"/v0/transfers/([\w-]+)", self.path)
                transfer = match and sim.transfers.get(match.group(1))
                if not transfer:
                    return self._answer(404, {"code": "not_found", "message": "Not found"})
                return self._answer(200, transfer)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path in ("/sim/deposit", "/sim/va_deposit"):
                    body = json.loads(raw or b"{}")
                    try:
                        if self.path == "/sim/deposit":
                            events = sim.deposit(memo=body.get("memo"), amount=body.get("amount"))
                        else:
                            events = sim.va_deposit(
                                body["account"], body.get("memo", ""), body["amount"]
                            )
                    except (KeyError, ValueError, InvalidOperation) as exc:
                        return self._answer(400, {"message": str(exc)})
                    return self._answer(200, {"events": [e["event_id"] for e in events]})
                if not self._authorised():
                    return
                key = self.headers.get("Idempotency-Key")
                customer = re.fullmatch(r"/v0/customers/([\w-]+)/virtual_accounts", self.path)
                if customer:
                    status, answer = sim._post_idempotent(
                        key, raw, lambda body: sim._create_virtual_account(customer.group(1), body)
                    )
                    return self._answer(status, answer)
                if self.path != "/v0/transfers":
                    return self._answer(404, {"code": "not_found", "message": "Not found"})
                status, answer = sim._post_idempotent(key, raw, sim._create_transfer)
                return self._answer(status, answer)

        return Handler

    # -- what happens when money arrives -------------------------------------------------------
    def _event(self, transfer, previous):
        return {
            "api_version": "v0",
            "event_id": "wh_" + secrets.token_hex(10),
            "event_developer_id": "dev_simulator",
            "event_category": "transfer",
            "event_type": "transfer.updated.status_transitioned",
            "event_object_id": transfer["id"],
            "event_object_status": transfer["state"],
            "event_object": json.loads(json.dumps(transfer)),
            "event_object_changes": {"state": [previous, transfer["state"]]},
            "event_created_at": _now(),
        }

    def _move(self, transfer, state, **receipt):
        previous = transfer["state"]
        transfer["state"] = state
        transfer["receipt"] = {**transfer["receipt"], **receipt}
        transfer["updated_at"] = _now()
        time.sleep(0.002)  # distinct event times, in order
        return self._event(transfer, previous)

    def deposit(self, memo=None, amount=None, outcome="processed", send=True, transfer_id=None):
        """A wire arrives with ``memo`` (the deposit message; None: none) for ``amount``
        (default: the amount asked). ``outcome``: processed, in_review, returned. Returns the
        events (delivered at once unless ``send`` is False)."""
        transfer = self.transfers.get(transfer_id) or next(
            (
                t
                for t in self.transfers.values()
                if memo and t["source_deposit_instructions"]["deposit_message"] == memo
            ),
            None,
        )
        if transfer is None:
            # No transfer carries that memo: Bridge holds the money and returns it.
            return []
        received = Decimal(str(amount if amount is not None else transfer["amount"]))
        fee = (received * self.fee_bps / Decimal(10_000)).quantize(Decimal("0.01"))
        final = received - fee
        events = [
            self._move(
                transfer,
                "funds_received",
                initial_amount=str(received),
                exchange_fee=str(fee),
                developer_fee="0.0",
                gas_fee="0.0",
                subtotal_amount=str(final),
                final_amount=str(final),
            )
        ]
        if outcome == "in_review":
            events.append(self._move(transfer, "in_review"))
        elif outcome == "returned":
            events.append(self._move(transfer, "returned"))
        else:
            events.append(self._move(transfer, "payment_submitted"))
            tx_hash = self._pay_out(transfer, final)
            events.append(self._move(transfer, "payment_processed", destination_tx_hash=tx_hash))
        if send:
            for event in events:
                self.deliver(event)
        return events

    def _pay_out(self, transfer, final):
        destination = transfer["destination"]
        return self._send({**destination, "address": destination["to_address"]}, final)

    def deliver(self, event, attempts=5, pause=0.2):
        """POST ``event`` to the webhook URL, signed now; on an answer other than 2xx, again
        with a fresh signature. Returns the last status."""
        body = json.dumps(event).encode()
        status = None
        for _ in range(attempts):
            header = sign_webhook(self.private_key, body, int(time.time() * 1000))
            try:
                response = requests.post(
                    self.webhook_url,
                    data=body,
                    headers={"Content-Type": "application/json", "X-Webhook-Signature": header},
                    timeout=30,
                )
                status = response.status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.deliveries.append((event["event_id"], status))
            if isinstance(status, int) and 200 <= status < 300:
                return status
            time.sleep(pause)
        return status
