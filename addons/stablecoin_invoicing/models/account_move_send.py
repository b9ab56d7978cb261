# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _get_default_mail_body(self, move, mail_template, mail_lang):
        """Override of `account`: whatever template is chosen, the email of an invoice paid in
        stablecoins says how to pay it (the exact amount, token, network, address, and the link
        to the page with its QR code). The stablecoin invoice template carries it already."""
        body = super()._get_default_mail_body(move, mail_template, mail_lang)
        own = self.env.ref(
            "stablecoin_invoicing.email_template_stablecoin_invoice", raise_if_not_found=False
        )
        if (
            move.move_type != "out_invoice"
            or not move.stablecoin_payment_uri
            or (own and mail_template == own)
        ):
            return body
        block = move.with_context(lang=mail_lang).stablecoin_email_instructions
        return Markup(body or "") + Markup(block or "")
