# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.http import Controller, request, route

from odoo.addons.payment import utils as payment_utils
from odoo.addons.stablecoin_wallet import compat


class StablecoinController(Controller):
    _process_url = "/payment/stablecoin/process"

    @route(_process_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_process_transaction(self, **post):
        """The redirect form lands here: the transaction waits for the chain (pending).

        Only the reference is read from the request, with the checkout's access token (signed
        for the reference when the form was rendered); nothing the browser says marks it paid.
        """
        reference = post.get("reference") or ""
        if len(reference) > 100 or not reference.isprintable():
            # Not a reference Odoo ever makes (and PostgreSQL refuses NUL characters).
            raise ValidationError(
                request.env._("Stablecoin: %r is not a payment reference.", reference[:100])
            )
        # References are guessable (the invoice's name and a counter): only the page that
        # started the checkout, which got the redirect form and its signed token, goes on.
        if not payment_utils.check_access_token(post.get("access_token"), reference):
            raise ValidationError(
                request.env._("Stablecoin: this checkout was not started from this page.")
            )
        tx = compat.process_payment_data(
            request.env(su=True), "stablecoin", {"reference": reference}
        )
        # Back to the invoice's own page, where its payment card (QR code, wallet buttons,
        # live status) is: the payment is made there, not on a generic status page.
        invoice = tx.invoice_ids[:1]
        if invoice:
            return request.redirect(invoice.get_portal_url(anchor="stablecoin_portal_payment"))
        return request.redirect("/payment/status")
