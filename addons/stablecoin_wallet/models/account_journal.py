# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    stablecoin_wallet_id = fields.Many2one(
        "stablecoin.wallet", readonly=True, index="btree_not_null"
    )
    stablecoin_token_id = fields.Many2one("stablecoin.token", readonly=True)
