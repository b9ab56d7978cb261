# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bridge's webhook signature, checked against Bridge's own published test vector and against
tampering. Plain pytest: no database."""

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_onramp.const import STATUS_MAPPING
from odoo.addons.stablecoin_onramp.onramp import bridge, stripe_onramp

# Bridge's test data ("Webhook Event Signature Verification", apidocs.bridge.xyz).
BRIDGE_PUBLIC_KEY = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtqsEE4eI7EmzhcquGJXt\n"
    "LX9PMK0UH6Kl1WIR21sv8HtueG8BuvvpP3MiN7ltzmIhS8KaynCjN4l+620PnXeu\n"
    "xWG+CSnEdkinL9hCqbEid5vv9zl0j9LWiJx3FkKHqADU7cgm46aa8dKUdIQYF2X+\n"
    "O7WmyLkC4wUM/mWhBPMsIQBznashRMZxx7XJjsVp27ACUE4eNIjEXbVYN6U8jSbU\n"
    "hG++CfL8xXu+GHDqKmFE6Po6HnuURvLFVnCtE3mXXBcVFlPy+octfx8nOMLT3X8O\n"
    "9UehIigJ34o2yMm/Fq3HUJzg2BsiAiGgtr0vmeoV9Q7upSNj9TuOumAzZFi4pYA+\n"
    "qwIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
)
BRIDGE_HEADER = (
    "t=1705854411204,v0=jz/0dmHJ63FAzacGutrDTEoq+iSz/PHm/ugdooXDQu5NwuVIT2LmZGjsnCsBHgR9Py6O"
    "BP9zurzW4dHgygU4EDqmMPTUOvhvndYb4lWt+TY66LihaFI2whL6DAf/jb1QjYjNU0A6x9SLzC45dgE6X7zT"
    "DUM+2Z+scG/WEQf6SxQMt4E2sEipl5PqMK5lYUe3otdJV+X2c9D64bGwCEE7QSia+Vhozg8QNOQEk/rdz2IE"
    "ONIg6oC43CeiN4E2kF9XLAGuy9uAHx9O9OJH5ZPLJZjyo4VcXYeWQgxaQ1gZ1Qu6hEEzgiPSff/1nou58dm4"
    "bIIazgCWli/mO0NyGcpfFw=="
)
BRIDGE_BODY = b'{"message":"Hello World!"}'
SIGNED_AT = 1705854411204


def _event_body(event_id="wh_1"):
    return json.dumps({"event_id": event_id, "event_category": "transfer"}).encode()


def test_bridge_test_vector_verifies_at_its_time():
    # Bridge's sample body is not an event: the signature verifies, then the body is refused
    # for what it is, not for its signature.
    with pytest.raises(bridge.WebhookRefused, match="not a Bridge event"):
        bridge.verify_webhook(BRIDGE_HEADER, BRIDGE_BODY, BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT)


def test_bridge_test_vector_refuses_another_body_or_time():
    with pytest.raises(bridge.WebhookRefused, match="does not verify"):
        bridge.verify_webhook(
            BRIDGE_HEADER, b'{"message":"Hello World?"}', BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT
        )
    later = BRIDGE_HEADER.replace("t=1705854411204", "t=1705854411205")
    with pytest.raises(bridge.WebhookRefused, match="does not verify"):
        bridge.verify_webhook(later, BRIDGE_BODY, BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT)


def test_events_older_than_ten_minutes_are_refused():
    with pytest.raises(bridge.WebhookRefused, match="older than 10 minutes"):
        bridge.verify_webhook(
            BRIDGE_HEADER, BRIDGE_BODY, BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT + 10 * 60 * 1000 + 1
        )


def test_our_signer_and_verifier_agree_and_keys_are_checked():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    body = _event_body()
    header = bridge.sign_webhook(key, body, 1_800_000_000_000)
    event = bridge.verify_webhook(header, body, pem, now_ms=1_800_000_000_000)
    assert event["event_id"] == "wh_1"
    # Another endpoint's key does not verify it.
    with pytest.raises(bridge.WebhookRefused):
        bridge.verify_webhook(header, body, BRIDGE_PUBLIC_KEY, now_ms=1_800_000_000_000)
    with pytest.raises(bridge.InvalidKey):
        bridge.load_public_key("not a key")


@given(header=st.text(max_size=300), body=st.binary(max_size=300))
def test_any_header_is_refused_cleanly(header, body):
    # Whatever arrives, the answer is a refusal with a reason, never another error.
    with pytest.raises(bridge.WebhookRefused):
        bridge.verify_webhook(header, body, BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT)


@given(flip=st.integers(min_value=0, max_value=255))
def test_a_changed_signature_byte_is_refused(flip):
    t, sig = bridge.parse_signature_header(BRIDGE_HEADER)
    changed = bytearray(sig)
    changed[flip] ^= 0x01
    header = f"t={t},v0={base64.b64encode(bytes(changed)).decode()}"
    with pytest.raises(bridge.WebhookRefused, match="does not verify"):
        bridge.verify_webhook(header, BRIDGE_BODY, BRIDGE_PUBLIC_KEY, now_ms=SIGNED_AT)


def test_every_onramp_status_maps_to_one_transaction_state_and_none_to_done():
    mapped = [status for statuses in STATUS_MAPPING.values() for status in statuses]
    assert sorted(mapped) == sorted(bridge.TRANSFER_STATES)
    assert set(stripe_onramp.STATES.values()) <= set(mapped)
    # The stablecoins the chain delivers complete a checkout, never an on-ramp's status.
    assert "done" not in STATUS_MAPPING
