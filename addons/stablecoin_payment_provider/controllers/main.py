# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.http import Controller, request, route

_logger = logging.getLogger(__name__)


class StablecoinController(Controller):
    _process_url = "/payment/stablecoin/process"

    @route(_process_url, type="http", auth="public", methods=["POST"], csrf=False)
    def stablecoin_process_transaction(self, **post):
        """The redirect form lands here: the transaction waits for the chain (pending).

        Only the reference is read from the request; nothing the browser says marks it paid.
        """
        request.env["payment.transaction"].sudo()._handle_notification_data(
            "stablecoin", {"reference": post.get("reference")}
        )
        return request.redirect("/payment/status")
