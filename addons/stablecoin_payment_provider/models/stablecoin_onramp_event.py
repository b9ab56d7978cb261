# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models


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

    @api.model
    def _receive(self, event, provider=None):
        """Record and apply a verified event (of ``provider``, whose key verified it).
        Idempotent on the event id: returns False for an event already received."""
        self.env.cr.execute(
            "SELECT id FROM stablecoin_onramp_event WHERE name = %s",
            [event.get("event_id") or event.get("id")],
        )
        if self.env.cr.fetchone():
            return False
        Transfer = self.env["stablecoin.onramp.transfer"]
        if str(event.get("object")) == "event" and provider:  # Stripe's envelope
            found = Transfer._from_stripe(event, provider)
            card, applied = found or (Transfer, False)
            self.create(
                {
                    "name": event["id"],
                    "transfer_id": card.id,
                    "event_type": str(event.get("type") or "")[:100],
                    "status": card.state or "",
                    "event_created_at": str(event.get("created") or "")[:40],
                    "outcome": "applied" if applied else "stale" if found else "unknown",
                    "payload": json.dumps(event)[:100_000],
                }
            )
            return True
        if event.get("event_category") == "virtual_account.activity" and provider:
            applied = Transfer._from_activity(event, provider)
            deposit_id = (event.get("event_object") or {}).get("deposit_id")
            deposit = Transfer.search(
                [("provider_id", "=", provider.id), ("name", "=", f"deposit {deposit_id}")],
                limit=1,
            )
            self._record(event, deposit, "applied" if applied else "stale")
            return True
        transfer = Transfer.search([("name", "=", str(event.get("event_object_id")))], limit=1)
        if transfer:
            # One event at a time per transfer (Bridge retries, several workers).
            self.env.cr.execute(
                "SELECT id FROM stablecoin_onramp_transfer WHERE id = %s FOR UPDATE",
                [transfer.id],
            )
        outcome = "unknown"
        if transfer:
            outcome = "applied" if transfer._apply(event) else "stale"
        self._record(event, transfer, outcome)
        return True

    def _record(self, event, transfer, outcome):
        self.create(
            {
                "name": event["event_id"],
                "transfer_id": transfer.id,
                "event_type": str(event.get("event_type") or "")[:100],
                "status": str(event.get("event_object_status") or "")[:50],
                "event_created_at": str(event.get("event_created_at") or "")[:40],
                "outcome": outcome,
                "payload": json.dumps(event)[:100_000],
            }
        )
