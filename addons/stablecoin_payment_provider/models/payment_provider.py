# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.payment import utils as payment_utils

from .. import const


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[(const.PROVIDER_CODE, "Stablecoin")],
        ondelete={const.PROVIDER_CODE: "set default"},
    )

    @api.model
    def _get_compatible_providers(self, *args, stablecoin_invoice_id=None, **kwargs):
        """Override of `payment`: the stablecoin provider pays one invoice that has a payment
        request (in its token's currency or priced from a fiat one), nothing else: not a sales
        order, not a free amount, not several invoices at once."""
        providers = super()._get_compatible_providers(*args, **kwargs)
        stablecoin = providers.filtered(lambda p: p.code == const.PROVIDER_CODE)
        if not stablecoin:
            return providers
        # Integers only: set by the invoice page (``stablecoin_invoice_id``) or by the payment
        # link once its access token is checked (``invoice_id``), never text from a URL.
        invoice_id = next(
            (i for i in (stablecoin_invoice_id, kwargs.get("invoice_id")) if type(i) is int), None
        )
        invoice = self.env["account.move"].sudo().browse(invoice_id).exists()
        if invoice and invoice._stablecoin_payable_now():
            return providers
        payment_utils.add_to_report(
            kwargs.get("report"),
            stablecoin,
            available=False,
            reason=self.env._("pays only an invoice with a stablecoin payment request"),
        )
        return providers - stablecoin

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
