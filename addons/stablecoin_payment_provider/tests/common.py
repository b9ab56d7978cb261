# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin


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

    def create_pending_tx(self, invoice):
        tx = self.env["payment.transaction"].create(
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
        processing = tx._get_processing_values()
        self.assertIn("/payment/stablecoin/process", processing["redirect_form_html"])
        response = self.url_open("/payment/stablecoin/process", data={"reference": tx.reference})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "pending")
        return tx
