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

    @api.model
    def _hook_if_success(self, moves_data, **kwargs):
        """Override of `account`: an invoice paid in stablecoins that went out by email is an
        ``invoice.sent`` event for the company's own systems. (``kwargs``: 19.0 passes
        ``from_cron``.)"""
        res = super()._hook_if_success(moves_data, **kwargs)
        for move, move_data in moves_data.items():
            if (
                move.move_type == "out_invoice"
                and move.stablecoin_token_id
                and "email" in move_data["sending_methods"]
                and self._is_applicable_to_move("email", move, **move_data)
            ):
                move._stablecoin_event("invoice.sent")
        return res
