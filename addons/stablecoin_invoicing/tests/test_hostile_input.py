# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.urls import url_encode

from odoo.tests import HttpCase, tagged

from odoo.addons.stablecoin_wallet import compat

from .common import StablecoinInvoiceMixin

junk = st.one_of(
    st.text(max_size=300),
    st.integers().map(str),
    st.sampled_from(["", "-1", "0", "1e309", "NaN", "9" * 40, "<script>", "' OR 1=1 --"]),
)


@tagged("post_install", "-at_install")
class TestHostilePortalInput(StablecoinInvoiceMixin, HttpCase):
    """Whatever a browser posts to the stablecoin portal routes: a page or a clear message,
    never a server error, never a change the payer is not allowed to make."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.make_invoice(33.0)
        cls.other = cls.make_invoice(44.0)

    def csrf(self):
        page = self.url_open(self.invoice.get_portal_url()).text
        marker = 'name="csrf_token" value="'
        return page[page.index(marker) + len(marker) :].split('"', 1)[0]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(token_id=junk, access_token=junk)
    def test_token_route(self, token_id, access_token):
        before = (self.invoice.stablecoin_token_id, self.other.stablecoin_token_id)
        for invoice in (self.invoice, self.other):
            response = self.url_open(
                f"/my/invoices/{invoice.id}/stablecoin/token",
                data={
                    "csrf_token": self.csrf(),
                    "token_id": token_id,
                    "access_token": access_token,
                },
            )
            self.assertLess(response.status_code, 500)
        self.assertEqual((self.invoice.stablecoin_token_id, self.other.stablecoin_token_id), before)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reason=junk, access_token=junk)
    def test_reject_route_needs_the_invoice_token(self, reason, access_token):
        response = self.url_open(
            f"/my/invoices/{self.other.id}/stablecoin/reject",
            data={"csrf_token": self.csrf(), "reason": reason, "access_token": access_token},
        )
        self.assertLess(response.status_code, 500)
        self.assertFalse(
            self.other.stablecoin_request_id.reject_reason, "rejected without its token"
        )

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(access_token=junk, report_type=st.sampled_from(["", "html", "pdf", "text"]))
    def test_another_invoice_is_not_shown_without_its_token(self, access_token, report_type):
        """Guessing at an invoice's token shows nothing of its payment instructions (address,
        amount, URI) nor of its receipts: the visitor lands on a login or a redirect."""
        self.assertNotEqual(access_token, self.other.access_token)
        params = {"access_token": access_token}
        if report_type:
            params["report_type"] = report_type
        response = self.url_open(f"/my/invoices/{self.other.id}?{url_encode(params)}")
        self.assertLess(response.status_code, 500)
        for secret in (
            self.other.stablecoin_payment_uri,
            self.other.stablecoin_address,
            self.other.name,
        ):
            self.assertNotIn(secret, response.text)
        self.assertNotIn(b"%PDF", response.content[:10])

    def test_another_customer_logged_in_is_refused(self):
        """A portal user of another customer, logged in, cannot open this invoice."""
        # What the checks look for is on the page when the token is right.
        page = self.url_open(self.other.get_portal_url()).text
        self.assertIn(self.other.stablecoin_address, page)
        self.assertIn(self.other.name, page)
        stranger = self.env["res.users"].create(
            {
                "name": "Stranger",
                "login": "stranger_portal",
                "password": "stranger_portal",
                compat.GROUP_IDS: [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate(stranger.login, "stranger_portal")
        response = self.url_open(f"/my/invoices/{self.other.id}")
        self.assertLess(response.status_code, 500)
        self.assertNotIn(self.other.stablecoin_address, response.text)
        self.assertNotIn(self.other.name, response.text)
        response = self.url_open(
            f"/my/invoices/{self.other.id}/stablecoin/reject",
            data={"csrf_token": self.csrf(), "reason": "not mine"},
        )
        self.assertLess(response.status_code, 500)
        self.assertFalse(self.other.stablecoin_request_id.reject_reason)

    def test_balance_route_without_token_changes_nothing(self):
        response = self.url_open(
            f"/my/invoices/{self.other.id}/stablecoin/balance",
            data={"csrf_token": self.csrf(), "confirm": "yes"},
        )
        self.assertLess(response.status_code, 500)
        self.assertEqual(self.other.payment_state, "not_paid")

    def test_post_without_csrf_is_refused(self):
        response = self.url_open(
            f"/my/invoices/{self.invoice.id}/stablecoin/reject",
            data={"reason": "no csrf", "access_token": self.invoice.access_token},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.invoice.stablecoin_request_id.reject_reason)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        tx_hash=st.one_of(
            junk,
            st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64).map(
                lambda h: "0x" + h
            ),
        ),
        access_token=junk,
        as_json=st.booleans(),
    )
    # Found by this test on a clean clone: a NUL character in the hash was stored as given.
    @example(tx_hash="0x\x00", access_token="", as_json=False)
    @example(tx_hash="\x00" * 66, access_token="", as_json=True)
    def test_claim_route(self, tx_hash, access_token, as_json):
        """Whatever is claimed, with or without the invoice's token: a page or a JSON answer,
        never a server error, never a transfer bound without a transaction on chain."""
        self.env["stablecoin.payment.claim"].search([]).unlink()  # no rate limit in the way
        for invoice, token in (
            (self.invoice, self.invoice.access_token),
            (self.other, access_token),
        ):
            response = self.url_open(
                f"/my/invoices/{invoice.id}/stablecoin/claim",
                data={"csrf_token": self.csrf(), "tx_hash": tx_hash, "access_token": token},
                headers={"Accept": "application/json"} if as_json else None,
            )
            self.assertLess(response.status_code, 500)
        self.assertFalse((self.invoice | self.other).stablecoin_transfer_ids)
        self.assertFalse(
            self.env["stablecoin.payment.claim"].search([("move_id", "=", self.other.id)]),
            "nothing is recorded for an invoice without its token",
        )

    def test_status_route_with_junk(self):
        for path in (
            f"/my/invoices/{self.other.id}/stablecoin/status?access_token=junk",
            f"/my/invoices/{self.other.id}/stablecoin/status?access_token=%00",
            "/my/invoices/999999999/stablecoin/status?access_token=x",
        ):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn(self.other.stablecoin_address, response.text)
