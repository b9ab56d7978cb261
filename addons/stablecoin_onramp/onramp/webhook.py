# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every on-ramp's webhook check ends with, once the signature verified: the body as an
event object, or a refusal."""

import json


class WebhookRefused(Exception):
    """A webhook delivery that is not the on-ramp's, or not now: answered 400 (it retries)."""


def parse_event(raw_body, id_key, name):
    """The JSON object ``raw_body`` carries, with a text ``id_key``; else refused as not
    ``name``'s event."""
    try:
        event = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookRefused("The webhook body is not JSON.") from exc
    if not isinstance(event, dict) or not isinstance(event.get(id_key), str):
        raise WebhookRefused(f"The webhook body is not a {name} event.")
    return event
