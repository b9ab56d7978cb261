# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.account_payment.controllers.portal import PortalAccount


class StablecoinPayNowPortal(PortalAccount):
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        # *Pay Now* on this page pays this invoice: the stablecoin option is offered when it has
        # a payment request (see `payment.provider._get_compatible_providers`). An integer set
        # here, never a value taken from the URL.
        kwargs["stablecoin_invoice_id"] = invoice.id
        return super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
