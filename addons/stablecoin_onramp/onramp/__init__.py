# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""On-ramps: a payer pays by bank wire or card, the business receives stablecoins at the
invoice's address. Pure clients of the providers' APIs and their webhook signatures (no ORM),
and the one shape the provider's code sees them through."""

from typing import NamedTuple

from . import bridge, stripe_onramp
from .webhook import WebhookRefused


class Adapter(NamedTuple):
    """What the webhook endpoint needs of an on-ramp: the provider code it is, the header its
    signature comes in, the provider field holding the endpoint's key or secret, the check
    that returns the verified event (or raises :class:`WebhookRefused`), and what the event
    ledger keeps of a verified event (``summary``: its id, type, status and time)."""

    code: str
    name: str
    signature_header: str
    key_field: str
    verify: object
    summary: object


ADAPTERS = {
    "stablecoin_bridge": Adapter(
        "stablecoin_bridge",
        "Bridge",
        "X-Webhook-Signature",
        "stablecoin_bridge_webhook_key",
        bridge.verify_webhook,
        bridge.event_summary,
    ),
    "stablecoin_stripe": Adapter(
        "stablecoin_stripe",
        "Stripe",
        "Stripe-Signature",
        "stablecoin_stripe_webhook_secret",
        stripe_onramp.verify_webhook,
        stripe_onramp.event_summary,
    ),
}

__all__ = ["ADAPTERS", "Adapter", "WebhookRefused", "bridge", "stripe_onramp"]
