# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from lxml import html

from odoo.tools.misc import hmac as hmac_tool

from odoo.addons.payment import utils as payment_utils
from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin

# A browser test's ``ready``: the page's scripts have started, so a click from the test reaches
# a handler. Odoo sets ``odoo.__WOWL_DEBUG__`` once its public root and every public widget
# started (18.0: the payment form too); 19.0 runs the payment form and its *Pay* button as
# interactions and marks the body ``is-ready`` once they started. Until the deferred scripts
# run, a click is a plain click that nothing replays (on a cold 19.0 page they start ~5 s after
# the page is parsed), so "the element is there" is not enough.
PAGE_STARTED = (
    "!!(window.odoo && odoo.__WOWL_DEBUG__)"
    " && (!odoo.loader.modules.has('@web/public/interaction_service')"
    " || document.body.getAttribute('is-ready') === 'true')"
)


def enable_stablecoin_provider(env):
    """Enable and publish the stablecoin provider and activate its payment method."""
    provider = env.ref("stablecoin_payment_provider.payment_provider_stablecoin")
    provider.write({"state": "enabled", "is_published": True})
    method = provider.with_context(active_test=False).payment_method_ids
    method.active = True
    return provider, method


class StablecoinCheckoutMixin(StablecoinInvoiceMixin):
    """The stablecoin provider enabled, and a pending checkout transaction for an invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider, cls.method = enable_stablecoin_provider(cls.env)

    def create_tx(self, invoice):
        """A checkout of ``invoice`` as *Pay now* starts it (draft)."""
        return self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": f"{invoice.name}-scoin",
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "invoice_ids": [(6, 0, invoice.ids)],
                "operation": "online_redirect",
            }
        )

    def redirect_form_data(self, tx):
        """The fields of the redirect form the payer's page gets for ``tx`` (and posts)."""
        # Rendered outside a request: its token made as payment.utils makes it in one (as in
        # Odoo's own payment tests), with this database's secret.
        with patch.object(payment_utils, "generate_access_token", self._test_access_token):
            form_html = tx._get_processing_values()["redirect_form_html"]
        form = html.fromstring(form_html)
        self.assertEqual(form.get("action"), "/payment/stablecoin/process")
        return {field.get("name"): field.get("value") for field in form.xpath(".//input")}

    def _test_access_token(self, *values):
        return hmac_tool(self.env(su=True), "generate_access_token", "|".join(map(str, values)))

    def create_pending_tx(self, invoice):
        tx = self.create_tx(invoice)
        response = self.url_open("/payment/stablecoin/process", data=self.redirect_form_data(tx))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "pending")
        return tx
