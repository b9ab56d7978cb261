# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .. import const


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[(const.PROVIDER_CODE, "Stablecoin")],
        ondelete={const.PROVIDER_CODE: "set default"},
    )

    def _get_supported_currencies(self):
        """Override of `payment`: the currencies of the tokens the addon knows."""
        supported_currencies = super()._get_supported_currencies()
        if self.code != const.PROVIDER_CODE:
            return supported_currencies
        groups = self.env["stablecoin.token"].sudo()._read_group([], ["currency_id"])
        token_currencies = self.env["res.currency"].union(*(currency for (currency,) in groups))
        return supported_currencies & token_currencies

    def _get_default_payment_method_codes(self):
        """Override of `payment` to return the default payment method codes."""
        default_codes = super()._get_default_payment_method_codes()
        if self.code != const.PROVIDER_CODE:
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES

    @api.model
    def _stablecoin_default_pending_msg(self):
        return self.env._(
            "<p>Pay from your crypto wallet on the invoice page: scan the QR code or use "
            "<b>Pay with browser wallet</b>. The invoice is marked paid as soon as the network "
            "confirms your transfer.</p>"
        )
