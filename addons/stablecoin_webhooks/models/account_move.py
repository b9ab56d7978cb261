# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _stablecoin_publish(self, code, transfer=None):
        """Override of `stablecoin_invoicing`: the event is queued for the webhook endpoints
        of the invoice's company subscribed to it (sent after this transaction commits). A
        failure to queue it is logged: it never stops the payment that caused the event."""
        res = super()._stablecoin_publish(code, transfer)
        Endpoint = self.env["stablecoin.webhook.endpoint"].sudo()
        try:
            with self.env.cr.savepoint():
                # The data is read only when an endpoint listens (one lookup per event).
                Endpoint._enqueue(
                    self.company_id, code, lambda: self._stablecoin_event_data(transfer)
                )
        except Exception:  # pylint: disable=broad-except
            _logger.exception("Stablecoin webhook event %s of %s not queued", code, self.name)
        return res
