# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models

from odoo.addons.stablecoin_wallet.compat import sql_constraints

from .. import const
from ..onramp import ADAPTERS


@sql_constraints
class StablecoinOnrampEvent(models.Model):
    """A webhook event the on-ramp delivered, once its signature was checked: kept once per
    event id (a delivery sent twice is the same event), applied if newer than the last."""

    _name = "stablecoin.onramp.event"
    _description = "Stablecoin On-ramp Event"
    _order = "id desc"

    name = fields.Char(string="Event", required=True, readonly=True)
    transfer_id = fields.Many2one("stablecoin.onramp.transfer", readonly=True, index=True)
    company_id = fields.Many2one(related="transfer_id.company_id", store=True)
    event_type = fields.Char(readonly=True)
    status = fields.Char(readonly=True)
    event_created_at = fields.Char(readonly=True)
    outcome = fields.Selection(
        [
            ("applied", "Applied"),
            ("stale", "Older than the last applied"),
            ("unknown", "Unknown transfer"),
        ],
        readonly=True,
    )
    payload = fields.Text(readonly=True)

    _sql_constraints = [  # noqa: RUF012
        ("name_unique", "UNIQUE(name)", "Each event is kept once."),
    ]

    # The on-ramp transfer's method applying an event, by the provider code whose key
    # verified it.
    RECEIVERS = {const.BRIDGE: "_from_bridge", const.STRIPE: "_from_stripe"}  # noqa: RUF012

    @api.model
    def _receive(self, event, provider):
        """Record and apply a verified event of ``provider`` (whose key verified it), by its
        code. Idempotent on the event id: returns False for an event already received."""
        summary = ADAPTERS[provider.code].summary(event)
        if self.search_count([("name", "=", summary["name"])], limit=1):
            return False
        Transfer = self.env["stablecoin.onramp.transfer"]
        transfer, applied = getattr(Transfer, self.RECEIVERS[provider.code])(event, provider)
        self.create(
            {
                **summary,
                "transfer_id": transfer.id,
                "outcome": "applied" if applied else "stale" if transfer else "unknown",
                "payload": json.dumps(event)[:100_000],
            }
        )
        return True
