# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.http import Controller, request, route

from .. import const
from ..onramp import ADAPTERS, WebhookRefused

_logger = logging.getLogger(__name__)


class StablecoinOnrampController(Controller):
    # The addresses Bridge and Stripe were given before the on-ramps had their own provider
    # codes: kept, so that no endpoint has to be registered again.
    _bridge_webhook_url = "/payment/stablecoin/bridge/webhook"
    _stripe_webhook_url = "/payment/stablecoin/stripe/webhook"

    @route(_bridge_webhook_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_bridge_webhook(self, **kw):
        """Bridge's webhook events (RSA signature, 10 minutes)."""
        return self._stablecoin_onramp_webhook(ADAPTERS[const.BRIDGE])

    @route(_stripe_webhook_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_stripe_webhook(self, **kw):
        """Stripe's onramp events (HMAC signature, 5 minutes)."""
        return self._stablecoin_onramp_webhook(ADAPTERS[const.STRIPE])

    def _stablecoin_onramp_webhook(self, adapter):
        """An on-ramp's event: checked against the key each provider of that on-ramp's code
        holds for its endpoint and refused (400: the on-ramp retries, signed afresh) when none
        verifies it or it is too old. A verified event is kept once by its id and applied, by
        the code of the provider that verified it, if newer than the last; it never pays an
        invoice: the stablecoins it reports do, when the watcher sees them."""
        raw = request.httprequest.get_data(cache=False)
        header = request.httprequest.headers.get(adapter.signature_header, "")
        providers = (
            request.env["payment.provider"]
            .sudo()
            .search([("code", "=", adapter.code), (adapter.key_field, "!=", False)])
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
