# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet.tests.common import ROUTE_ERROR_STATUS

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
            data={**extra, **self.redirect_form_data(self.tx), "reference": reference},
            allow_redirects=False,
        )
        if reference == self.tx.reference:
            self.assertEqual(response.status_code, 303)
            # Back to the invoice's own page and its payment card.
            location = response.headers["Location"]
            self.assertIn(f"/my/invoices/{self.invoice.id}?", location)
            self.assertTrue(location.endswith("#stablecoin_portal_payment"), location)
        else:
            self.assertEqual(response.status_code, ROUTE_ERROR_STATUS, response.text[:300])
        self.env.invalidate_all()
        self.assertEqual(self.tx.state, "pending")
        self.assertFalse(self.tx.payment_id)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        self.assertEqual(self.env["stablecoin.transfer"].search_count([]), self.transfers)


@tagged("post_install", "-at_install")
class TestCheckoutStarterOnly(StablecoinCheckoutMixin, HttpCase):
    """A checkout's reference is guessable (the invoice's name and a counter): knowing it is
    not enough to turn someone's started checkout to pending (for up to a week). Only the page
    that started it, which received the checkout's signed token, can."""

    def test_a_stranger_knowing_the_reference_cannot_make_a_checkout_pending(self):
        invoice = self.make_invoice(31.0)
        tx = self.create_tx(invoice)
        other = self.create_tx(self.make_invoice(32.0))
        form = self.redirect_form_data(tx)
        token = form.get("access_token") or ""
        others_token = self.redirect_form_data(other).get("access_token") or ""
        self.authenticate(None, None)
        for forged in (
            {"reference": tx.reference},
            {"reference": tx.reference, "access_token": ""},
            {"reference": tx.reference, "access_token": "0" * 64},
            {"reference": tx.reference, "access_token": token[:-1]},
            # Another checkout's token, for its own reference: not for this one.
            {"reference": tx.reference, "access_token": others_token},
        ):
            with self.subTest(forged):
                response = self.url_open(
                    "/payment/stablecoin/process", data=forged, allow_redirects=False
                )
                self.assertEqual(response.status_code, ROUTE_ERROR_STATUS, response.text[:300])
                self.env.invalidate_all()
                self.assertEqual(tx.state, "draft")
        # The payer's page, with the token it received, still can.
        self.assertTrue(token, "the page gets the checkout's token")
        response = self.url_open("/payment/stablecoin/process", data=form, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertIn(f"/my/invoices/{invoice.id}?", response.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(tx.state, "pending")
        self.assertEqual(other.state, "draft")
