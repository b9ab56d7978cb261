# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StablecoinWebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, as it went: when, the answer, how long it took."""

    _name = "stablecoin.webhook.attempt"
    _description = "Stablecoin Webhook Attempt"
    _order = "id desc"
    _rec_name = "sent_at"

    delivery_id = fields.Many2one(
        "stablecoin.webhook.delivery", required=True, readonly=True, index=True, ondelete="cascade"
    )
    endpoint_id = fields.Many2one(related="delivery_id.endpoint_id", store=True, index=True)
    company_id = fields.Many2one(related="delivery_id.company_id", store=True)
    url = fields.Char(string="URL", readonly=True)
    sent_at = fields.Datetime(readonly=True)
    status_code = fields.Integer(
        string="Status", readonly=True, help="The HTTP status answered; 0: no answer."
    )
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    error = fields.Char(readonly=True, help="Why no answer came (connection, timeout, URL).")
    response_excerpt = fields.Text(readonly=True, help="The answer's first 500 characters.")
    retry_after = fields.Char(readonly=True, help="The receiver's Retry-After header.")
