# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError

from .. import const


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    # The payment hooks of both series over the same code (``compat.process_payment_data``):
    # 18.0 calls _get_tx_from_notification_data and _process_notification_data, 19.0
    # _search_by_reference, _extract_amount_data and _apply_updates.

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        """Override of `payment` (18.0): an on-ramp checkout is found by the on-ramp's id."""
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code not in const.PROVIDER_CODES or len(tx) == 1:
            return tx
        return self._onramp_find_checkout(provider_code, notification_data)

    @api.model
    def _search_by_reference(self, provider_code, payment_data):
        """Override of `payment` (19.0): an on-ramp checkout is found by the on-ramp's id."""
        if provider_code not in const.PROVIDER_CODES:
            return super()._search_by_reference(provider_code, payment_data)
        return self._onramp_find_checkout(provider_code, payment_data)

    @api.model
    def _onramp_find_checkout(self, provider_code, data):
        reference = data.get("provider_reference")
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
        """Override of `payment` (18.0)."""
        super()._process_notification_data(notification_data)
        if self.provider_code not in const.PROVIDER_CODES:
            return
        self._onramp_follow_status(notification_data)

    def _extract_amount_data(self, payment_data):
        """Override of `payment` (19.0): the on-ramp's status carries no amount to check; the
        chain checks what arrives."""
        if self.provider_code not in const.PROVIDER_CODES:
            return super()._extract_amount_data(payment_data)
        return None

    def _apply_updates(self, payment_data):
        """Override of `payment` (19.0)."""
        if self.provider_code not in const.PROVIDER_CODES:
            return super()._apply_updates(payment_data)
        self._onramp_follow_status(payment_data)
        return None

    def _onramp_follow_status(self, data):
        """The checkout's state follows the on-ramp's status through
        ``const.STATUS_MAPPING``. No status makes it done: the chain does (see
        ``account.move._stablecoin_after_payment``)."""
        status = data.get("onramp_status")
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
