# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models

from odoo.addons.stablecoin_wallet.jobs import run_batches

_logger = logging.getLogger(__name__)

BATCH = 100


class StablecoinPaymentNotice(models.Model):
    """A payment notice owed to a customer (payment seen, partly paid, paid, overpaid): queued
    by the event, in the matcher's transaction, and sent by a scheduled action right after. The
    matcher pays receipts at the pace of Odoo's own *Register payment*; rendering and posting an
    email per receipt there would double its time. A notice that fails to send never touched
    the payment, and is kept with its error."""

    _name = "stablecoin.payment.notice"
    _description = "Stablecoin Payment Notice"
    _order = "id"

    move_id = fields.Many2one("account.move", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    code = fields.Char(required=True, help="The event: payment.seen, invoice.paid, ...")
    transfer_id = fields.Many2one("stablecoin.transfer", ondelete="set null")
    notice = fields.Json(help="What the email shows of the transfer, as it was at the event.")
    state = fields.Selection(
        [("pending", "To send"), ("sent", "Sent"), ("failed", "Not sent")],
        default="pending",
        required=True,
        index=True,
    )
    error = fields.Char(readonly=True)

    def _queue(self, move, code, transfer=None, notice=None):
        """Owe ``move``'s customer the notice of ``code``; the sending job runs after commit.
        ``notice``: what it says of the payment, when that is no transfer."""
        notice = self.sudo().create(
            {
                "move_id": move.id,
                "code": code,
                "transfer_id": transfer.id if transfer else False,
                "notice": notice or move._stablecoin_notice_values(transfer),
            }
        )
        # One wake-up of the sending job per transaction, however many receipts it pays: the
        # mark is kept with what runs after commit (cleared by a commit or a rollback; the
        # pre-commit data is cleared at every flush, which each receipt's savepoint makes).
        # A savepoint rolled back after the wake-up leaves later notices of the transaction
        # to the job's next run.
        data = self.env.cr.postcommit.data
        if not data.get("stablecoin_notice_triggered"):
            data["stablecoin_notice_triggered"] = True
            cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_notices", False)
            if cron:
                cron.sudo()._trigger()
        return notice

    @api.model
    def _cron_send(self):
        """Send the notices owed, oldest first, in batches (committed each outside tests)."""

        def send(notices):
            for notice in notices:
                notice._send()

        run_batches(self.env, self._pending_batches(), send)

    @api.model
    def _pending_batches(self):
        """The pending notices, a batch at a time, until none is left (each batch sent leaves
        that state, and notices queued meanwhile are taken too)."""
        while notices := self.search([("state", "=", "pending")], limit=BATCH):
            yield notices

    def _send(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.move_id._stablecoin_notify_customer(self.code, notice=self.notice or {})
            self.state = "sent"
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning(
                "Stablecoin notice %s of %s not sent", self.code, self.move_id.name, exc_info=True
            )
            self.write({"state": "failed", "error": str(exc)[:200]})
