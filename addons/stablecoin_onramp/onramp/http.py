# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one way the on-ramp clients call their provider: a timeout, and any failure (not
reached, refused, not JSON) raised as the provider's own error with its reason."""

import requests


def call(error, name, method, url, timeout, what="the request", **kwargs):
    """``method`` ``url`` with ``kwargs`` (requests'); the answer's JSON object. Raises
    ``error`` (the provider's exception class) naming ``name`` and saying why."""
    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.RequestException as exc:
        raise error(f"{name} could not be reached: {type(exc).__name__}.") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or not isinstance(body, dict):
        detail = body.get("message") or body.get("error") if isinstance(body, dict) else None
        if isinstance(detail, dict):  # Stripe: {"error": {"message": ...}}
            detail = detail.get("message")
        if response.status_code < 400:
            raise error(f"{name} answered something that is not an object.")
        raise error(f"{name} refused {what} ({response.status_code}): {detail or response.reason}")
    return body
