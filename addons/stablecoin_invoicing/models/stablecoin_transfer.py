# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

MATCH_BATCH = 100


class StablecoinTransfer(models.Model):
    _inherit = "stablecoin.transfer"

    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", copy=False
    )
    partner_id = fields.Many2one(related="move_id.partner_id", store=True)
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        transfers = super().create(vals_list)
        # A transfer to an invoice's own (derived) address belongs to it from the first sight,
        # so the invoice shows "in progress" while the blocks pile up.
        for transfer in transfers.filtered(lambda t: t.address_id.derivation_index >= 0):
            invoice = transfer._invoice_of_own_address()
            if invoice:
                transfer.move_id = invoice
        return transfers

    def _invoice_of_own_address(self):
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("stablecoin_address_id", "=", self.address_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            limit=1,
        )

    @api.model
    def _cron_match(self):
        """Scheduled action: match confirmed transfers to invoices, pay and reconcile them.

        Idempotent: only confirmed transfers are taken, and each leaves that state.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        transfers = self.search([("state", "=", "confirmed")], order="block_number, log_index, id")
        for done, transfer in enumerate(transfers, 1):
            with self.env.cr.savepoint():
                transfer._match()
            if auto_commit and (done % MATCH_BATCH == 0 or done == len(transfers)):
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(transfers) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _match(self):
        """Find the invoice this transfer pays; pay it, or leave it to an accountant."""
        self.ensure_one()
        # Row lock: a second matcher (manual run, another worker) skips this transfer instead
        # of paying the invoice twice.
        self.env.cr.execute(
            "SELECT id FROM stablecoin_transfer WHERE id = %s AND state = 'confirmed' "
            "FOR UPDATE SKIP LOCKED",
            [self.id],
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset(["state"])
        invoice = self._find_invoice()
        if not invoice:
            self.state = "unmatched"
            return False
        self._pay_invoice(invoice)
        return True

    def _find_invoice(self):
        if self.address_id.derivation_index >= 0:
            # A per-invoice address: whatever arrives there pays that invoice (partial and
            # several payments included), if it is the invoice's token.
            invoice = self.move_id or self._invoice_of_own_address()
            return invoice if invoice.stablecoin_token_id == self.token_id else invoice.browse()
        # A shared address: the exact amount due, among the open invoices in this token.
        candidates = self.env["account.move"].search(
            [
                ("stablecoin_address_id", "=", self.address_id.id),
                ("stablecoin_token_id", "=", self.token_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        units = int(self.amount_units)
        exact = candidates.filtered(lambda m: m._stablecoin_units(m.amount_residual) == units)
        return exact if len(exact) == 1 else candidates.browse()

    def _pay_invoice(self, invoice):
        """Post the payment in the wallet's journal and reconcile it with ``invoice``."""
        self.ensure_one()
        journal = self.wallet_id._journal_for(self.token_id)
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.commercial_partner_id.id,
                    "amount": self.currency_id.round(self.amount),
                    "currency_id": self.currency_id.id,
                    "journal_id": journal.id,
                    "company_id": invoice.company_id.id,
                    "date": (self.block_time and self.block_time.date())
                    or fields.Date.context_today(self),
                    "memo": self.tx_hash,
                }
            )
        )
        payment.action_post()
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        counterpart = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in receivable.account_id and not line.reconciled
        )
        (receivable + counterpart).reconcile()
        self.write({"state": "matched", "move_id": invoice.id, "payment_id": payment.id})
        invoice.message_post(
            body=self.env._(
                "Paid %(amount)s %(symbol)s on %(network)s (transaction %(tx)s).",
                amount=self.amount,
                symbol=self.token_id.symbol,
                network=self.network_id.name,
                tx=self.tx_hash,
            )
        )
        return payment


class StablecoinNetwork(models.Model):
    _inherit = "stablecoin.network"

    @api.model
    def _cron_scan(self):
        """After a scan, let the matcher run right away rather than at its next interval."""
        res = super()._cron_scan()
        match_cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match", False)
        if match_cron:
            match_cron._trigger()
        return res
