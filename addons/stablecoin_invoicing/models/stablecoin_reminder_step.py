# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.stablecoin_wallet.compat import sql_constraints
from odoo.addons.stablecoin_wallet.jobs import run_batches

_logger = logging.getLogger(__name__)

# Statuses of an invoice that still waits for its customer: a reminder may go out. Not while
# a payment is on its way (in progress), never once paid, rejected or failed.
REMINDED_STATUSES = ("awaiting", "partial", "expired")


@sql_constraints
class StablecoinReminderStep(models.Model):
    _name = "stablecoin.reminder.step"
    _description = "Stablecoin Payment Reminder Step"
    _order = "company_id, offset_days"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    offset_days = fields.Integer(
        string="Days from Due Date",
        required=True,
        help="When the reminder goes out, in days from the invoice's due date: -3 is three "
        "days before it, 0 the due date, 7 a week after.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        required=True,
        domain=[("model", "=", "account.move")],
        help="The email sent at this step (amount due now, QR code, payment link).",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [  # noqa: RUF012 - Odoo's declaration
        (
            "offset_company_uniq",
            "unique(company_id, offset_days)",
            "A company has one reminder step per day offset.",
        )
    ]

    @api.depends("offset_days")
    def _compute_name(self):
        for step in self:
            days = abs(step.offset_days)
            if step.offset_days < 0:
                step.name = self.env._("%s day(s) before the due date", days)
            elif step.offset_days > 0:
                step.name = self.env._("%s day(s) after the due date", days)
            else:
                step.name = self.env._("On the due date")

    @api.constrains("offset_days")
    def _check_offset_days(self):
        for step in self:
            if abs(step.offset_days) > 365:
                raise ValidationError(
                    self.env._("Days from Due Date: a reminder step is within a year of it.")
                )

    # -- the scheduled action --------------------------------------------------------------------
    @api.model
    def _cron_send_reminders(self):
        """Scheduled daily: each open stablecoin invoice gets each step's reminder once, when
        its day has come. When several steps are due at once (the job did not run, or the
        invoice was issued late), only the latest goes out; the others are recorded as
        skipped, so nobody gets three reminders in one morning."""
        today = fields.Date.context_today(self)
        steps = self.search([("active", "=", True)])
        for company, company_steps in steps.grouped("company_id").items():
            invoices = self.env["account.move"].search(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("stablecoin_token_id", "!=", False),
                    ("stablecoin_payment_status", "in", REMINDED_STATUSES),
                    (
                        "invoice_date_due",
                        "<=",
                        today - timedelta(days=min(company_steps.mapped("offset_days"))),
                    ),
                ]
            )
            done = self.env["stablecoin.reminder"].search_fetch(
                [("move_id", "in", invoices.ids)], ["move_id", "step_id"]
            )
            seen = {(r.move_id.id, r.step_id.id) for r in done}
            # Only the invoices with a step due (most have none on a given day), each committed
            # on its own outside tests: a failure later on sends none twice, and one invoice
            # that cannot be reminded does not stop the others.
            owed = invoices.filtered(
                lambda invoice, steps=company_steps, seen=seen: steps._due_for(invoice, seen, today)
            )
            run_batches(
                self.env,
                owed,
                lambda invoice, steps=company_steps, seen=seen: steps._remind(invoice, seen, today),
                total=len(owed),
                on_error=lambda invoice, exc: _logger.error(
                    "Stablecoin reminder of %s not sent: %s", invoice.name, exc
                ),
            )

    def _due_for(self, invoice, seen, today):
        """The steps among these due for ``invoice`` by ``today`` that it has not had
        (``seen``: the pairs of invoice and step ids already recorded), oldest first."""
        return self.filtered(
            lambda s: (
                (invoice.id, s.id) not in seen
                and invoice.invoice_date_due + timedelta(days=s.offset_days) <= today
            )
        ).sorted("offset_days")

    def _remind(self, invoice, seen, today):
        """Send ``invoice`` the latest of these steps due by ``today`` that it has not had;
        record the others due as skipped."""
        due = self._due_for(invoice, seen, today)
        # A step dated before the invoice was issued has nothing to remind of.
        early = due.filtered(
            lambda s: (
                invoice.invoice_date_due + timedelta(days=s.offset_days) < invoice.invoice_date
            )
        )
        due -= early
        if due:
            self.env["stablecoin.reminder"]._send(invoice, due[-1], skipped=due[:-1] | early)
        elif early:
            self.env["stablecoin.reminder"]._skip(invoice, early)
