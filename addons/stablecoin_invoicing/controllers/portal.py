# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount


class StablecoinPortal(PortalAccount):
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        # An expired quote is re-quoted when the invoice is viewed: the QR and URI always show
        # a live quote.
        invoice.sudo()._stablecoin_refresh_quote()
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        # The customer's credit is offered on open stablecoin invoices only: other invoices
        # (the stock portal page) do not pay for the lookup.
        open_stablecoin = invoice.stablecoin_payment_status and invoice.payment_state in (
            "not_paid",
            "partial",
        )
        values["stablecoin_credit"] = (
            invoice.sudo()._stablecoin_credit_lines() if open_stablecoin else None
        )
        values["stablecoin_error"] = kwargs.get("stablecoin_error")
        return values

    def _stablecoin_invoice(self, invoice_id, access_token):
        return self._document_check_access("account.move", invoice_id, access_token=access_token)

    def _stablecoin_back(self, invoice, access_token, error=None):
        params = {"access_token": access_token} if access_token else {}
        if error:
            params["stablecoin_error"] = error
        return request.redirect(f"/my/invoices/{invoice.id}?{url_encode(params)}")

    def _stablecoin_action(self, invoice_id, access_token, action):
        try:
            invoice = self._stablecoin_invoice(invoice_id, access_token)
        except (AccessError, MissingError, TypeError, ValueError):
            # TypeError: Odoo's token comparison refuses non-ASCII text.
            return request.redirect("/my")
        try:
            action(invoice)
        except UserError as exc:
            return self._stablecoin_back(invoice, access_token, error=str(exc))
        return self._stablecoin_back(invoice, access_token)

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/token",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_select_token(self, invoice_id, token_id=None, access_token=None, **kw):
        def select(invoice):
            try:
                token = invoice.stablecoin_token_ids.filtered(lambda t: t.id == int(token_id))
            except (TypeError, ValueError):
                token = None
            if not token:
                raise UserError(request.env._("Choose one of the accepted tokens."))
            invoice._stablecoin_select_token(token)

        return self._stablecoin_action(invoice_id, access_token, select)

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/reject",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_reject(self, invoice_id, reason=None, access_token=None, **kw):
        return self._stablecoin_action(
            invoice_id, access_token, lambda invoice: invoice._stablecoin_reject(reason)
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/balance",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_pay_from_balance(self, invoice_id, confirm=None, access_token=None, **kw):
        def apply(invoice):
            if confirm != "yes":
                raise UserError(request.env._("Confirm to apply your balance."))
            invoice._stablecoin_pay_from_balance()

        return self._stablecoin_action(invoice_id, access_token, apply)
