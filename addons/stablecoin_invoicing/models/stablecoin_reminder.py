# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields, models

from odoo.addons.stablecoin_wallet.compat import sql_constraints

_logger = logging.getLogger(__name__)


@sql_constraints
class StablecoinReminder(models.Model):
    """One reminder step of one invoice: sent once, or skipped; never twice."""

    _name = "stablecoin.reminder"
    _description = "Stablecoin Payment Reminder"
    _order = "id desc"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one("stablecoin.reminder.step", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    partner_id = fields.Many2one(related="move_id.partner_id", string="Customer")
    state = fields.Selection(
        [("sent", "Sent"), ("skipped", "Skipped")],
        required=True,
        default="sent",
    )
    message_id = fields.Many2one("mail.message", readonly=True)
    note = fields.Char(readonly=True)

    _sql_constraints = [  # noqa: RUF012 - Odoo's declaration
        ("move_step_uniq", "unique(move_id, step_id)", "One reminder per step and invoice.")
    ]

    def _send(self, invoice, step, skipped=()):
        """Send ``step``'s reminder of ``invoice`` (posted on its chatter, emailed to the
        customer) and record it; record the ``skipped`` steps. A failure is recorded, not
        raised: one bad invoice never stops the others."""
        vals = self._skipped_vals(invoice, skipped)
        invoice = invoice.sudo()
        try:
            with self.env.cr.savepoint():
                # The amount and QR code of the email ask for what is due today.
                invoice._stablecoin_refresh_request()
                message = invoice.message_post_with_source(
                    step.mail_template_id,
                    message_type="auto_comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=invoice.partner_id.ids,
                )
            vals.append({"move_id": invoice.id, "step_id": step.id, "message_id": message[:1].id})
        except Exception:  # pylint: disable=broad-except
            # Not recorded: tried again at the next run.
            _logger.exception("Stablecoin reminder of %s not sent", invoice.name)
        return self.sudo().create(vals)

    def _skip(self, invoice, steps):
        return self.sudo().create(self._skipped_vals(invoice, steps))

    def _skipped_vals(self, invoice, steps):
        return [
            {
                "move_id": invoice.id,
                "step_id": step.id,
                "state": "skipped",
                "note": self.env._("Not sent: a later step was due, or the invoice came later."),
            }
            for step in steps
        ]
