# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.stablecoin_wallet.compat import sql_constraints


@sql_constraints
class StablecoinWebhookEventType(models.Model):
    """An event webhooks are sent for (data records: ``invoice.paid``, ``payment.seen`` ...),
    the ``type`` of the Standard Webhooks envelope; endpoints subscribe to them."""

    _name = "stablecoin.webhook.event.type"
    _description = "Stablecoin Webhook Event Type"
    _order = "sequence, code"

    code = fields.Char(required=True, readonly=True, help="The envelope's type.")
    name = fields.Char(required=True, translate=True)
    description = fields.Char(translate=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [  # noqa: RUF012
        ("code_unique", "unique(code)", "An event type's code is unique."),
    ]
