# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StablecoinReminderStep(models.Model):
    _inherit = "stablecoin.reminder.step"

    def _due_for(self, invoice, seen, today):
        """Override: no payment reminder for an invoice that will be charged to its mandate
        (*Charge on Due Date*: the notices before the charge say what to do instead). Once the
        setting stops (the charge failed for good, or the business cleared it), the reminders
        come back: only the latest due goes out."""
        if invoice.stablecoin_autopay_token_id:
            return self.browse()
        return super()._due_for(invoice, seen, today)
