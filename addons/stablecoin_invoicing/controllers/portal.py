# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json

from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount

from ..models.stablecoin_payment_claim import ClaimNotMinedYet


class StablecoinPortal(PortalAccount):
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        # An expired quote is re-quoted when the invoice is viewed: the QR and URI always show
        # a live quote.
        invoice.sudo()._stablecoin_refresh_request()
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
        # On a shared address (identity by amount), a transfer of another amount from a wallet
        # that paid this customer before is shown to them, with its claim a click away.
        values["stablecoin_unmatched"] = (
            invoice.sudo()._stablecoin_unmatched_from_payers() if open_stablecoin else None
        )
        # No amount quoted on an old exchange rate: the card says so (the business was asked).
        values["stablecoin_no_quote"] = bool(
            open_stablecoin and invoice.sudo()._stablecoin_quote_refusal()
        )
        # What the last action said, kept in this visitor's session, never read from the URL:
        # a crafted link cannot put words of its own ("send to 0x... instead") on the card.
        values["stablecoin_error"] = request.session.pop("stablecoin_error", None)
        notice = request.session.pop("stablecoin_notice", None)
        values["stablecoin_notice"] = notice if notice in ("claimed", "suggested") else None
        return values

    def _stablecoin_invoice(self, invoice_id, access_token):
        return self._document_check_access("account.move", invoice_id, access_token=access_token)

    def _stablecoin_back(self, invoice, access_token, error=None, notice=None):
        params = {"access_token": access_token} if access_token else {}
        if error:
            request.session["stablecoin_error"] = error
        if notice:
            request.session["stablecoin_notice"] = notice
        return request.redirect(f"/my/invoices/{invoice.id}?{url_encode(params)}")

    def _stablecoin_action(self, invoice_id, access_token, action):
        try:
            invoice = self._stablecoin_invoice(invoice_id, access_token)
        except (AccessError, MissingError, TypeError, ValueError):
            # TypeError: Odoo's token comparison refuses non-ASCII text.
            return request.redirect("/my")
        try:
            notice = action(invoice)
        except UserError as exc:
            return self._stablecoin_back(invoice, access_token, error=str(exc))
        return self._stablecoin_back(
            invoice, access_token, notice=notice if isinstance(notice, str) else None
        )

    @staticmethod
    def _stablecoin_client_key():
        """The client, for rate limits: a hash of its address (the address is not kept)."""
        remote = request.httprequest.remote_addr or ""
        return hashlib.sha256(remote.encode()).hexdigest()[:32]

    @staticmethod
    def _stablecoin_claim(invoice, tx_hash, signature=None):
        return (
            request.env["stablecoin.payment.claim"]
            .sudo()
            ._submit(
                invoice.sudo(),
                tx_hash,
                StablecoinPortal._stablecoin_client_key(),
                signature=signature or None,
            )
        )

    def _stablecoin_json(self, payload, status=200):
        return request.make_response(
            json.dumps(payload),
            headers=[("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            status=status,
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/claim",
        type="http",
        auth="public",
        methods=["POST"],
    )
    def stablecoin_claim(self, invoice_id, tx_hash=None, access_token=None, signature=None, **kw):
        """The payer gives the hash of the transaction that paid this invoice, with the
        sending wallet's signature of the claim when they can (a form post, or the
        browser-wallet button's fetch with ``Accept: application/json``)."""
        wants_json = "application/json" in (request.httprequest.headers.get("Accept") or "")
        if not wants_json:

            def claim(invoice):
                submitted = self._stablecoin_claim(invoice, tx_hash, signature)
                return "claimed" if submitted.state == "bound" else "suggested"

            return self._stablecoin_action(invoice_id, access_token, claim)
        try:
            invoice = self._stablecoin_invoice(invoice_id, access_token)
        except (AccessError, MissingError, TypeError, ValueError):
            return self._stablecoin_json({"ok": False, "message": "Not found."}, status=404)
        try:
            claim = self._stablecoin_claim(invoice, tx_hash, signature)
        except UserError as exc:
            retry = isinstance(exc, ClaimNotMinedYet)
            return self._stablecoin_json({"ok": False, "retry": retry, "message": str(exc)})
        return self._stablecoin_json(
            {"ok": True, "bound": claim.state == "bound", "message": claim.message}
        )

    @http.route(
        "/my/invoices/<int:invoice_id>/stablecoin/status",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def stablecoin_status(self, invoice_id, access_token=None, **kw):
        """What the open invoice page polls: the payment status, as stored. A poll never
        reaches the chain nor the watcher: the watcher follows the network's head by itself
        while payments are expected, whether or not a page is open."""
        try:
            invoice = self._stablecoin_invoice(invoice_id, access_token)
        except (AccessError, MissingError, TypeError, ValueError):
            return self._stablecoin_json({"ok": False}, status=404)
        return self._stablecoin_json(dict(invoice.sudo()._stablecoin_portal_status(), ok=True))

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
