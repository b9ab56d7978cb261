# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import HttpCase, tagged

from .common import StablecoinCheckoutMixin

EXISTING = "<the pending transaction's reference>"
junk = st.one_of(
    st.text(max_size=200),
    st.integers().map(str),
    st.sampled_from(["", "0", "-1", "1e309", "NaN", "<script>", "' OR 1=1 --", "a" * 5000]),
)
# What a forged notification might claim: a state, an amount, a transaction hash, a signature.
claims = st.dictionaries(
    st.sampled_from(["state", "amount", "currency", "tx_hash", "signature", "provider_code"]),
    st.one_of(junk, st.sampled_from(["done", "paid", "0x" + "ab" * 32, "0x" + "cd" * 65])),
    max_size=4,
)


@tagged("post_install", "-at_install")
class TestHostileNotification(StablecoinCheckoutMixin, HttpCase):
    """The checkout's public notification route: whatever is posted to it, the answer is the
    invoice's page or a clear refusal, never a server error, and nothing it says pays an
    invoice (only a confirmed transfer on chain does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(27.0)

    def setUp(self):
        super().setUp()
        self.tx = self.create_pending_tx(self.invoice)  # once: hypothesis examples share it
        self.transfers = self.env["stablecoin.transfer"].search_count([])

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reference=st.one_of(junk, st.just(EXISTING)), extra=claims)
    def test_forged_notification_changes_nothing(self, reference, extra):
        if reference == EXISTING:
            reference = self.tx.reference
        response = self.url_open(
            "/payment/stablecoin/process",
            data=dict(extra, reference=reference),
            allow_redirects=False,
        )
        if reference == self.tx.reference:
            self.assertEqual(response.status_code, 303)
            # Back to the invoice's own page and its payment card.
            location = response.headers["Location"]
            self.assertIn(f"/my/invoices/{self.invoice.id}?", location)
            self.assertTrue(location.endswith("#stablecoin_portal_payment"), location)
        else:
            self.assertEqual(response.status_code, 400, response.text[:300])
        self.env.invalidate_all()
        self.assertEqual(self.tx.state, "pending")
        self.assertFalse(self.tx.payment_id)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertEqual(self.env["stablecoin.transfer"].search_count([]), self.transfers)
