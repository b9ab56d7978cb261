# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_mail_body(self, move, mail_template, mail_lang):
        """Override of `account`: the invoice email says how to pay it in stablecoins (the
        exact amount, token, network, address, and the link to the page with its QR code)."""
        body = super()._get_default_mail_body(move, mail_template, mail_lang)
        if move.move_type != "out_invoice" or not move.stablecoin_payment_uri:
            return body
        block = (
            self.env["ir.qweb"]
            .with_context(lang=mail_lang)
            ._render(
                "stablecoin_invoicing.stablecoin_payment_email",
                {"invoice": move, "portal_url": move.get_base_url() + move.get_portal_url()},
            )
        )
        return Markup(body or "") + Markup(block)
