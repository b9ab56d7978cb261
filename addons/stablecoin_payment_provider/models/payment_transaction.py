# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.payment import utils as payment_utils

from .. import const
from ..controllers.main import StablecoinController

# A checkout left pending this long without its invoice paid is cancelled.
PENDING_DAYS = 7


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment`: the redirect form posts the reference to our route, with a
        token signed for it that only the page starting the checkout gets."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != const.PROVIDER_CODE:
            return res
        return {
            "api_url": StablecoinController._process_url,
            "reference": self.reference,
            "access_token": payment_utils.generate_access_token(self.reference),
        }

    # The payment hooks of both series over the same code (``compat.process_payment_data``):
    # 18.0 calls _get_tx_from_notification_data and _process_notification_data, 19.0
    # _search_by_reference, _extract_amount_data and _apply_updates.

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        """Override of `payment` (18.0)."""
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != const.PROVIDER_CODE or len(tx) == 1:
            return tx
        return self._stablecoin_find_checkout(notification_data)

    @api.model
    def _search_by_reference(self, provider_code, payment_data):
        """Override of `payment` (19.0)."""
        if provider_code != const.PROVIDER_CODE:
            return super()._search_by_reference(provider_code, payment_data)
        return self._stablecoin_find_checkout(payment_data)

    @api.model
    def _stablecoin_find_checkout(self, data):
        reference = data.get("reference")
        tx = self.search(
            [("reference", "=", reference), ("provider_code", "=", const.PROVIDER_CODE)]
        )
        if not reference or not tx:
            raise ValidationError(
                self.env._("Stablecoin: no transaction found matching reference %s.", reference)
            )
        return tx

    def _process_notification_data(self, notification_data):
        """Override of `payment` (18.0)."""
        super()._process_notification_data(notification_data)
        if self.provider_code != const.PROVIDER_CODE:
            return
        self._stablecoin_checkout_started()

    def _extract_amount_data(self, payment_data):
        """Override of `payment` (19.0): no amount to check in the browser's data; the chain
        checks what arrives."""
        if self.provider_code != const.PROVIDER_CODE:
            return super()._extract_amount_data(payment_data)
        return None

    def _apply_updates(self, payment_data):
        """Override of `payment` (19.0)."""
        if self.provider_code != const.PROVIDER_CODE:
            return super()._apply_updates(payment_data)
        self._stablecoin_checkout_started()
        return None

    def _stablecoin_checkout_started(self):
        """The customer was shown how to pay; wait for the chain."""
        if not self.invoice_ids:
            # The provider pays invoices (their requests, their addresses): nothing else.
            raise ValidationError(
                self.env._("Stablecoin: transaction %s pays no invoice.", self.reference)
            )
        if self.state == "draft":
            self._set_pending()

    @api.model
    def _stablecoin_expire_pending(self, days=PENDING_DAYS):
        """Pending stablecoin transactions whose invoice was not paid within ``days`` are
        cancelled: the checkout was abandoned (a later payment on chain still pays the invoice
        through its request)."""
        stale = self.search(
            [
                ("provider_code", "=", const.PROVIDER_CODE),
                ("state", "=", "pending"),
                ("last_state_change", "<", fields.Datetime.now() - timedelta(days=days)),
            ]
        )
        stale._set_canceled(self.env._("No payment arrived within %s days.", days))
        return stale

    @api.model
    def _stablecoin_chain_codes(self):
        """Override: *Pay now*'s transactions are completed by the chain too."""
        return super()._stablecoin_chain_codes() | {const.PROVIDER_CODE}
