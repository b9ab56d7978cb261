# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError

from .. import const


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        """Override of `payment`: an on-ramp checkout is found by the on-ramp's id."""
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code not in const.PROVIDER_CODES or len(tx) == 1:
            return tx
        reference = notification_data.get("provider_reference")
        tx = self.search(
            [("provider_reference", "=", reference), ("provider_code", "=", provider_code)],
            limit=1,
        )
        if not reference or not tx:
            raise ValidationError(
                self.env._("On-ramp: no transaction found for %s.", reference or "?")
            )
        return tx

    def _process_notification_data(self, notification_data):
        """Override of `payment`: the checkout's state follows the on-ramp's status through
        ``const.STATUS_MAPPING``. No status makes it done: the chain does (see
        ``account.move._stablecoin_after_payment``)."""
        super()._process_notification_data(notification_data)
        if self.provider_code not in const.PROVIDER_CODES:
            return
        status = notification_data.get("onramp_status")
        message = self.env._("The on-ramp reports the payment %s.", status)
        if status in const.STATUS_MAPPING["pending"] and self.state == "draft":
            self._set_pending()
        elif self.state not in ("draft", "pending"):
            return  # done by the chain, or closed already
        elif status in const.STATUS_MAPPING["cancel"]:
            self._set_canceled(message)
        elif status in const.STATUS_MAPPING["error"]:
            self._set_error(message)

    @api.model
    def _stablecoin_chain_codes(self):
        """The provider codes whose transactions the chain completes (the stablecoins that
        arrive pay the invoice, and a reorganisation that drops them reverses it)."""
        return set(const.PROVIDER_CODES)

    def _stablecoin_confirm(self, payment):
        """The chain confirmed a transfer paying these transactions' invoice with ``payment``."""
        for tx in self.filtered(lambda t: t.state in ("draft", "pending")):
            tx.payment_id = payment
            tx._set_done()
        self._post_process()

    def _stablecoin_reverse(self, tx_hash):
        """The transfer that completed these transactions vanished from the chain."""
        for tx in self:
            tx._set_error(
                tx.env._(
                    "The network no longer has transaction %s (chain reorganisation): the "
                    "payment was reversed.",
                    tx_hash,
                ),
                extra_allowed_states=("done",),
            )
