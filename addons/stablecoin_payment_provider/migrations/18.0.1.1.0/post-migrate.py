# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """18.0.1.1.0: the provider is no longer limited to the token currencies (a EUR invoice
    priced in USDC is paid through it); its stored currencies are computed again."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["payment.provider"].search([("code", "=", "stablecoin")])._compute_available_currency_ids()
