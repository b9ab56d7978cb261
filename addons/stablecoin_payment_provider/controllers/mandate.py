# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.stablecoin_invoicing.controllers.portal import StablecoinPortal


class StablecoinMandatePortal(StablecoinPortal):
    """*Save for automatic payments* on the invoice page (the card's script, JSON in and out):
    the terms to sign, then the signed terms kept. Whoever holds the invoice's link may ask;
    only the wallet that signs is ever charged, and only to this business's address."""

    def _stablecoin_mandate_call(self, invoice_id, access_token, action):
        try:
            invoice = self._stablecoin_invoice(invoice_id, access_token)
        except (AccessError, MissingError, TypeError, ValueError):
            return self._stablecoin_json({"ok": False, "message": "Not found."}, status=404)
        try:
            # A refusal keeps nothing of what the action wrote (a mandate inserted, then
            # refused by its constraints): the request's transaction commits what is left.
            with request.env.cr.savepoint():
                result = action(invoice)
        except UserError as exc:  # ValidationError included: the message names the field
            return self._stablecoin_json({"ok": False, "message": str(exc)})
        return self._stablecoin_json({"ok": True, **result})

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/mandate/terms",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_mandate_terms(
        self, invoice_id, access_token=None, payer=None, max_per_charge=None, months=None, **kw
    ):
        return self._stablecoin_mandate_call(
            invoice_id,
            access_token,
            lambda invoice: invoice._stablecoin_mandate_proposal(payer, max_per_charge, months),
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/mandate",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_mandate_save(
        self, invoice_id, access_token=None, message=None, signature=None, **kw
    ):
        def save(invoice):
            try:
                terms = json.loads(message or "")
            except ValueError:
                terms = None
            mandate = invoice._stablecoin_mandate_save(terms, signature)
            return {
                "message": request.env._(
                    "Saved: %s. This invoice is paid from your wallet on its due date; you can "
                    "revoke the mandate at any time.",
                    mandate.display_name,
                )
            }

        return self._stablecoin_mandate_call(invoice_id, access_token, save)
