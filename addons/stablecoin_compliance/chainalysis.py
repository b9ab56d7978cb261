"""Chainalysis' free sanctions screening API: is this address on a sanctions list?

``GET {base}/api/v1/address/{address}`` with the ``X-API-Key`` header answers
``{"identifications": [{"category": "sanctions", "name": ..., "description": ..., "url": ...}]}``;
an empty list means the address is not identified. The one network call of this module.
"""

import requests

DEFAULT_BASE_URL = "https://public.chainalysis.com"


class ScreeningUnavailable(RuntimeError):
    """The provider gave no usable answer: the address is neither cleared nor listed."""


def identifications(address, api_key, base_url=DEFAULT_BASE_URL, timeout=10, session=None):
    """The provider's identifications of ``address`` (a list, empty when it is not listed).

    Raises :class:`ScreeningUnavailable` on any failure (network, status, body): a failure
    must never read as "not listed"."""
    if not api_key:
        raise ScreeningUnavailable("No API key is configured for the screening provider.")
    url = f"{base_url.rstrip('/')}/api/v1/address/{address}"
    try:
        response = (session or requests).get(
            url, headers={"X-API-Key": api_key, "Accept": "application/json"}, timeout=timeout
        )
    except requests.RequestException as exc:
        raise ScreeningUnavailable(f"The screening provider cannot be reached: {exc}") from exc
    if response.status_code != 200:
        raise ScreeningUnavailable(f"The screening provider answered HTTP {response.status_code}.")
    try:
        found = response.json()["identifications"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ScreeningUnavailable("The screening provider's answer is not understood.") from exc
    if not isinstance(found, list):
        raise ScreeningUnavailable("The screening provider's answer is not understood.")
    return [item for item in found if isinstance(item, dict)]
