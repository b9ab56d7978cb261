# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.exceptions import ValidationError
from odoo.http import Controller, request, route

from ..onramp import ADAPTERS, WebhookRefused

_logger = logging.getLogger(__name__)


class StablecoinController(Controller):
    _process_url = "/payment/stablecoin/process"

    @route(_process_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_process_transaction(self, **post):
        """The redirect form lands here: the transaction waits for the chain (pending).

        Only the reference is read from the request; nothing the browser says marks it paid.
        """
        reference = post.get("reference") or ""
        if len(reference) > 100 or not reference.isprintable():
            # Not a reference Odoo ever makes (and PostgreSQL refuses NUL characters).
            raise ValidationError(
                request.env._("Stablecoin: %r is not a payment reference.", reference[:100])
            )
        tx = (
            request.env["payment.transaction"]
            .sudo()
            ._handle_notification_data("stablecoin", {"reference": reference})
        )
        # Back to the invoice's own page, where its payment card (QR code, wallet buttons,
        # live status) is: the payment is made there, not on a generic status page.
        invoice = tx.invoice_ids[:1]
        if invoice:
            return request.redirect(invoice.get_portal_url(anchor="stablecoin_portal_payment"))
        return request.redirect("/payment/status")

    _bridge_webhook_url = "/payment/stablecoin/bridge/webhook"
    _stripe_webhook_url = "/payment/stablecoin/stripe/webhook"

    @route(_bridge_webhook_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_bridge_webhook(self, **kw):
        """Bridge's webhook events (RSA signature, 10 minutes)."""
        return self._stablecoin_onramp_webhook(ADAPTERS["bridge"])

    @route(_stripe_webhook_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_stripe_webhook(self, **kw):
        """Stripe's onramp events (HMAC signature, 5 minutes)."""
        return self._stablecoin_onramp_webhook(ADAPTERS["stripe"])

    def _stablecoin_onramp_webhook(self, adapter):
        """An on-ramp's event: checked against the key each stablecoin provider holds for that
        on-ramp's endpoint and refused (400: the on-ramp retries, signed afresh) when none
        verifies it or it is too old. A verified event is kept once by its id and applied if
        newer than the last; it never pays an invoice: the stablecoins it reports do, when
        the watcher sees them."""
        raw = request.httprequest.get_data(cache=False)
        header = request.httprequest.headers.get(adapter.signature_header, "")
        providers = (
            request.env["payment.provider"]
            .sudo()
            .search([("code", "=", "stablecoin"), (adapter.key_field, "!=", False)])
        )
        event, provider = None, None
        refusal = f"No {adapter.name} webhook key is configured."
        for candidate in providers:
            try:
                event = adapter.verify(header, raw, candidate[adapter.key_field])
                provider = candidate
                break
            except WebhookRefused as exc:
                refusal = str(exc)
        if event is None:
            _logger.warning("%s webhook refused: %s", adapter.name, refusal)
            return request.make_json_response({"ok": False, "message": refusal}, status=400)
        new = request.env["stablecoin.onramp.event"].sudo()._receive(event, provider)
        return request.make_json_response({"ok": True, "duplicate": not new})
