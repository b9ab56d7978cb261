# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    stablecoin_token_ids = fields.Many2many(
        related="company_id.stablecoin_token_ids", readonly=False
    )
    stablecoin_quote_minutes = fields.Integer(
        related="company_id.stablecoin_quote_minutes", readonly=False
    )
    stablecoin_rate_max_days = fields.Integer(
        related="company_id.stablecoin_rate_max_days", readonly=False
    )
    stablecoin_quote_grace_minutes = fields.Integer(
        related="company_id.stablecoin_quote_grace_minutes", readonly=False
    )
    stablecoin_watch_days = fields.Integer(
        related="company_id.stablecoin_watch_days", readonly=False
    )
    stablecoin_tolerance_percent = fields.Float(
        related="company_id.stablecoin_tolerance_percent", readonly=False
    )
    stablecoin_tolerance_amount = fields.Monetary(
        related="company_id.stablecoin_tolerance_amount", readonly=False
    )
    stablecoin_writeoff_account_id = fields.Many2one(
        related="company_id.stablecoin_writeoff_account_id", readonly=False
    )
    stablecoin_notify_customer = fields.Boolean(
        related="company_id.stablecoin_notify_customer", readonly=False
    )
