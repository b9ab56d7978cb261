# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import ValidationError

from .. import const
from ..controllers.main import StablecoinController


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment`: the redirect form posts the reference to our route."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != const.PROVIDER_CODE:
            return res
        return {"api_url": StablecoinController._process_url, "reference": self.reference}

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != const.PROVIDER_CODE or len(tx) == 1:
            return tx
        reference = notification_data.get("reference")
        tx = self.search(
            [("reference", "=", reference), ("provider_code", "=", const.PROVIDER_CODE)]
        )
        if not reference or not tx:
            raise ValidationError(
                self.env._("Stablecoin: no transaction found matching reference %s.", reference)
            )
        return tx

    def _process_notification_data(self, notification_data):
        """Override of `payment`: the customer was shown how to pay; wait for the chain."""
        super()._process_notification_data(notification_data)
        if self.provider_code != const.PROVIDER_CODE:
            return
        if self.state == "draft":
            self._set_pending()

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
