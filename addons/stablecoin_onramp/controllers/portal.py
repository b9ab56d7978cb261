# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.stablecoin_invoicing.controllers.portal import StablecoinPortal


class StablecoinWirePortal(StablecoinPortal):
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        invoice_sudo = invoice.sudo()
        providers = (
            invoice_sudo._stablecoin_onramp_providers()
            if invoice_sudo.stablecoin_payment_uri
            else request.env["payment.provider"]
        )
        values["stablecoin_card_offered"] = bool(invoice_sudo._stablecoin_card_provider(providers))
        provider = invoice_sudo._stablecoin_wire_provider(providers)
        values["stablecoin_wire_offered"] = bool(provider)
        values["stablecoin_wire"] = (
            request.env["stablecoin.onramp.transfer"]
            .sudo()
            .search(
                [
                    ("move_id", "=", invoice.id),
                    ("request_id", "=", invoice_sudo.stablecoin_request_id.id),
                    ("provider_id", "=", provider.id),
                    ("kind", "=", "transfer"),
                ],
                limit=1,
            )
            if provider
            else None
        )
        return values

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/wire",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_wire(self, invoice_id, access_token=None, **kw):
        """The payer asks for bank wire instructions: the on-ramp makes a transfer into the
        stablecoins this invoice asks for, to its address (the invoice's checkout, a
        transaction of the Bridge provider)."""

        def instructions(invoice):
            invoice_sudo = invoice.sudo()
            provider = invoice_sudo._stablecoin_wire_provider()
            if not provider:
                return
            request.env["stablecoin.onramp.transfer"].sudo()._for_invoice(invoice_sudo, provider)
            return

        return self._stablecoin_action(invoice_id, access_token, instructions)

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/card",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_card(self, invoice_id, access_token=None, **kw):
        """The payer pays by card: a session on Stripe's hosted onramp for exactly this
        invoice's stablecoins, to its address (the invoice's checkout, a transaction of the
        Stripe onramp provider), and off to Stripe's page."""
        session = {}

        def open_session(invoice):
            invoice_sudo = invoice.sudo()
            provider = invoice_sudo._stablecoin_card_provider()
            if provider:
                session["card"] = (
                    request.env["stablecoin.onramp.transfer"]
                    .sudo()
                    ._card_session(invoice_sudo, provider)
                )

        back = self._stablecoin_action(invoice_id, access_token, open_session)
        card = session.get("card")
        if card and card.redirect_url:
            return request.redirect(card.redirect_url, local=False)
        return back
