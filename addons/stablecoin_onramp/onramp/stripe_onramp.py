# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe's crypto onramp: a card payment turned into stablecoins sent to an address. No ORM.

A session (``POST /v1/crypto/onramp_sessions``) locks the invoice's address, token, network
and amount; the payer pays by card on Stripe's hosted onramp (``redirect_url``); Stripe reports
the session's progress in signed webhook events (``crypto.onramp_session_updated``), the last
one carrying the transaction that delivered the stablecoins. That transaction pays the invoice
when the watcher sees it, never the event.
"""

import hashlib
import hmac
import time

from .http import call
from .webhook import WebhookRefused, parse_event

API_URL = "https://api.stripe.com"
# Stripe's own libraries refuse events signed more than 5 minutes ago.
TOLERANCE_SECONDS = 300
# A session's status, as the on-ramp transfer's state.
STATES = {
    "initialized": "awaiting_funds",
    "requires_payment": "awaiting_funds",
    "fulfillment_processing": "payment_submitted",
    "fulfillment_complete": "payment_processed",
    "rejected": "error",
}
NETWORKS = {1: "ethereum", 8453: "base", 137: "polygon"}


class StripeError(Exception):
    """Stripe refused a call, or could not be reached."""


def verify_webhook(header, raw_body, secret, now=None):
    """The event of a delivery signed with the endpoint's secret (``whsec_...``): the
    ``Stripe-Signature`` header's ``t`` and ``v1`` (HMAC-SHA256 of ``<t>.<body>``; several
    ``v1`` while a secret is rolled), at most 5 minutes old."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if sep and key == "t" and value.isdigit():
            timestamp = int(value)
        elif sep and key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookRefused("The Stripe-Signature header is missing or malformed.")
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise WebhookRefused("The webhook event is older than 5 minutes (or from the future).")
    expected = hmac.new(
        (secret or "").encode(), str(timestamp).encode() + b"." + raw_body, hashlib.sha256
    ).hexdigest()
    if not secret or not any(hmac.compare_digest(expected, s) for s in signatures):
        raise WebhookRefused("The webhook signature does not verify.")
    return parse_event(raw_body, "id", "Stripe")


def session_details(session):
    """What an onramp session says of the payment: its state, amounts, fees, transaction."""
    details = session.get("transaction_details") or {}
    fees = details.get("fees") or {}
    return {
        "id": str(session.get("id") or ""),
        "state": STATES.get(session.get("status"), ""),
        "final_amount": str(details.get("destination_amount") or ""),
        "exchange_fee": str(fees.get("transaction_fee_monetary") or "0"),
        "gas_fee": str(fees.get("network_fee_monetary") or "0"),
        "destination_tx_hash": str(details.get("transaction_id") or "").lower(),
    }


def event_summary(event):
    """What the event ledger keeps of a verified event: its id, type, the session's status
    (as the on-ramp transfer's state) and when Stripe made it."""
    session = (event.get("data") or {}).get("object") or {}
    return {
        "name": event["id"],
        "event_type": str(event.get("type") or "")[:100],
        "status": STATES.get(session.get("status"), "") if isinstance(session, dict) else "",
        "event_created_at": str(event.get("created") or "")[:40],
    }


class StripeOnrampClient:
    """Stripe's API with a secret key (``Authorization: Bearer``), form-encoded as Stripe
    takes it, each creating call with an ``Idempotency-Key``."""

    def __init__(self, base_url, secret_key, timeout=20.0):
        self.base_url = base_url.rstrip("/")
        self.secret_key = secret_key
        self.timeout = timeout

    def create_session(self, idempotency_key, *, wallet_address, network, currency, amount):
        data = {
            f"wallet_addresses[{network}]": wallet_address,
            "lock_wallet_address": "true",
            "destination_currencies[]": currency,
            "destination_networks[]": network,
            "destination_currency": currency,
            "destination_network": network,
            "destination_amount": amount,
        }
        return call(
            StripeError,
            "Stripe",
            "POST",
            self.base_url + "/v1/crypto/onramp_sessions",
            self.timeout,
            what="the session",
            data=data,
            headers={
                "Authorization": f"Bearer {self.secret_key}",
                "Idempotency-Key": idempotency_key,
            },
        )
