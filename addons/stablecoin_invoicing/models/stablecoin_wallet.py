# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .stablecoin_payment_request import OPEN_STATES


class StablecoinWallet(models.Model):
    _inherit = "stablecoin.wallet"

    def _sync_addresses(self):
        """A wallet's fixed address changed: open invoices that asked for the old one (no
        longer watched) ask for the new one at once, so that every QR code, PDF and link
        shows an address the watcher sees."""
        res = super()._sync_addresses()
        requests_sudo = self.env["stablecoin.payment.request"].sudo()
        stale = requests_sudo.search(
            [("address_id.wallet_id", "in", self.ids), ("state", "in", OPEN_STATES)]
        ).filtered(lambda r: not r.address_id.active)
        requests_sudo._refresh_for(stale.move_id)
        return res
