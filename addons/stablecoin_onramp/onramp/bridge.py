# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bridge (bridge.xyz): the calls the on-ramp makes and its webhook signature. No ORM.

Bridge turns a bank wire (or ACH, SEPA) into stablecoins sent to an address: ``POST
/v0/transfers`` returns the deposit instructions the payer follows; Bridge then reports the
transfer's progress in signed webhook events. Nothing here marks an invoice paid: the chain
does, when the watcher sees the stablecoins arrive.
"""

import base64
import binascii
import hashlib
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .http import call
from .webhook import WebhookRefused, parse_event

LIVE_URL = "https://api.bridge.xyz"
SANDBOX_URL = "https://api.sandbox.bridge.xyz"
# Bridge asks receivers to refuse events older than this (each retry is signed afresh).
REPLAY_WINDOW_MS = 10 * 60 * 1000

# Bridge's transfer states, in the order a deposit goes through them.
TRANSFER_STATES = (
    "awaiting_funds",
    "in_review",
    "funds_received",
    "payment_submitted",
    "payment_processed",
    "undeliverable",
    "returned",
    "refunded",
    "canceled",
    "error",
)
# Bridge's destination payment rails by EVM chain id.
PAYMENT_RAILS = {1: "ethereum", 8453: "base", 137: "polygon", 42161: "arbitrum", 10: "optimism"}


class BridgeError(Exception):
    """Bridge refused a call, or could not be reached."""


class InvalidKey(ValueError):
    """A webhook public key that is not Bridge's kind (an RSA public key in PEM)."""


def parse_signature_header(header):
    """``t=<milliseconds>,v0=<base64 signature>`` -> (milliseconds, signature bytes)."""
    fields = {}
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if sep and key in ("t", "v0") and key not in fields:
            fields[key] = value
    if not fields.get("t", "").isdigit() or not fields.get("v0"):
        raise WebhookRefused("The X-Webhook-Signature header is missing or malformed.")
    try:
        signature = base64.b64decode(fields["v0"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookRefused("The webhook signature is not valid base64.") from exc
    return int(fields["t"]), signature


def load_public_key(pem):
    try:
        key = serialization.load_pem_public_key((pem or "").strip().encode())
    except (ValueError, TypeError) as exc:
        raise InvalidKey("The webhook public key is not a PEM public key.") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidKey("The webhook public key must be an RSA key (Bridge's are).")
    return key


def verify_webhook(header, raw_body, public_key_pem, now_ms=None):
    """The event a delivery carries, once its signature and age are checked.

    Bridge signs the SHA-256 digest of ``<t>.<raw body>`` with RSA (PKCS#1 v1.5, SHA-256):
    checked against Bridge's published test vector. Events older than 10 minutes (or as far
    in the future) are refused, so a recorded delivery cannot be replayed later.
    """
    timestamp, signature = parse_signature_header(header)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now_ms - timestamp) > REPLAY_WINDOW_MS:
        raise WebhookRefused("The webhook event is older than 10 minutes (or from the future).")
    digest = hashlib.sha256(str(timestamp).encode() + b"." + raw_body).digest()
    try:
        load_public_key(public_key_pem).verify(
            signature, digest, padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError) as exc:
        raise WebhookRefused("The webhook signature does not verify.") from exc
    return parse_event(raw_body, "event_id", "Bridge")


def event_summary(event):
    """What the event ledger keeps of a verified event: its id, type, the status it reports
    and when Bridge made it."""
    return {
        "name": event["event_id"],
        "event_type": str(event.get("event_type") or "")[:100],
        "status": str(event.get("event_object_status") or "")[:50],
        "event_created_at": str(event.get("event_created_at") or "")[:40],
    }


def sign_webhook(private_key, raw_body, timestamp_ms):
    """The header Bridge sends with ``raw_body`` (used by the simulator and the tests)."""
    digest = hashlib.sha256(str(timestamp_ms).encode() + b"." + raw_body).digest()
    signature = private_key.sign(digest, padding.PKCS1v15(), hashes.SHA256())
    return f"t={timestamp_ms},v0={base64.b64encode(signature).decode()}"


def deposit_instructions(transfer):
    """What the payer needs from a transfer's (or a virtual account's)
    ``source_deposit_instructions``, by name."""
    source = transfer.get("source_deposit_instructions") or {}
    rails = source.get("payment_rails") or [source.get("payment_rail") or ""]
    return {
        "payment_rail": ", ".join(r for r in rails if r),
        "amount": source.get("amount") or "",
        "currency": (source.get("currency") or "").upper(),
        "bank_name": source.get("bank_name") or "",
        "bank_account_number": source.get("bank_account_number") or "",
        "bank_routing_number": source.get("bank_routing_number") or "",
        "iban": source.get("iban") or "",
        "bic": source.get("bic") or "",
        "bank_beneficiary_name": source.get("bank_beneficiary_name") or "",
        "bank_beneficiary_address": source.get("bank_beneficiary_address") or "",
        "deposit_message": source.get("deposit_message") or "",
    }


def activity_details(activity):
    """What a ``virtual_account.activity`` event's object says of a deposit: its id, type,
    memo, sender and amounts, and the stablecoin transaction once sent."""
    source = activity.get("source") or {}
    return {
        "deposit_id": str(activity.get("deposit_id") or activity.get("id") or ""),
        "type": str(activity.get("type") or ""),
        "memo": str(source.get("description") or ""),
        "sender_name": str(source.get("sender_name") or ""),
        "sender_bank_routing_number": str(source.get("sender_bank_routing_number") or ""),
        "payment_rail": str(source.get("payment_rail") or ""),
        "amount": str(activity.get("amount") or ""),
        "exchange_fee": str(activity.get("exchange_fee_amount") or "0"),
        "developer_fee": str(activity.get("developer_fee_amount") or "0"),
        "gas_fee": str(activity.get("gas_fee") or "0"),
        "final_amount": str(activity.get("subtotal_amount") or ""),
        "destination_tx_hash": str(activity.get("destination_tx_hash") or "").lower(),
    }


class BridgeClient:
    """The Bridge API with an API key (``Api-Key`` header). Each creating call carries an
    ``Idempotency-Key``: sent again, the same call returns the same object."""

    def __init__(self, base_url, api_key, timeout=20.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _request(self, method, path, payload=None, idempotency_key=None):
        headers = {"Api-Key": self.api_key, "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return call(
            BridgeError,
            "Bridge",
            method,
            self.base_url + path,
            self.timeout,
            json=payload,
            headers=headers,
        )

    def create_transfer(self, idempotency_key, *, customer_id, amount, source, destination):
        """An on-ramp transfer: ``source`` (rail, currency) into ``destination`` (rail,
        currency, to_address). Returns the transfer with its deposit instructions."""
        payload = {
            "on_behalf_of": customer_id,
            "amount": amount,
            "source": source,
            "destination": destination,
        }
        return self._request("POST", "/v0/transfers", payload, idempotency_key)

    def create_virtual_account(self, idempotency_key, *, customer_id, source, destination):
        """A permanent bank account (``source``: currency) whose deposits Bridge turns into
        ``destination`` (currency, payment_rail, address). Returns it with its deposit
        instructions."""
        payload = {"source": source, "destination": destination}
        return self._request(
            "POST", f"/v0/customers/{customer_id}/virtual_accounts", payload, idempotency_key
        )

    def get_transfer(self, transfer_id):
        return self._request("GET", f"/v0/transfers/{transfer_id}")
