# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.stablecoin_wallet.chain import from_units
from odoo.addons.stablecoin_wallet.models.stablecoin_network import try_lock_row

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
        transfers._link_own_address_invoices()
        return transfers

    def _on_recorded(self):
        self._link_own_address_invoices()
        return super()._on_recorded()

    def _link_own_address_invoices(self):
        """A transfer to an invoice's own (derived) address belongs to it from the first sight,
        so the invoice shows "in progress" while the blocks pile up."""
        for transfer in self.filtered(lambda t: t.address_id.derivation_index >= 0):
            invoice = transfer._invoice_of_own_address()
            if invoice:
                transfer.move_id = invoice

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
        self._flag_expired_quotes()
        transfers = self.search(
            [("state", "=", "confirmed"), ("direction", "=", "in")],
            order="block_number, log_index, id",
        )
        transfers |= self.search(
            [("state", "=", "confirmed"), ("direction", "=", "out")],
            order="block_number, log_index, id",
        )
        done = 0
        for batch in split_every(MATCH_BATCH, transfers.ids, self.browse):
            try:
                with self.env.cr.savepoint():
                    batch._match_batch()
            except Exception:  # pylint: disable=broad-except
                # One bad receipt must not block the others: retry them one by one.
                _logger.exception("Batch matching failed; matching one by one")
                self.env.invalidate_all()
                for transfer in batch:
                    with self.env.cr.savepoint():
                        transfer._match_one()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(transfers) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _match_one(self):
        return self._match_refund() if self.direction == "out" else self._match()

    def _match_batch(self):
        """Match these transfers: receipts for distinct invoices are paid in one batch; the
        rest (refunds, a second receipt for the same invoice) one by one, in chain order."""
        plans, later, invoices = [], self.browse(), set()
        for transfer in self:
            if transfer.direction == "out":
                later |= transfer
                continue
            if not try_lock_row(
                self.env.cr, "stablecoin_transfer", transfer.id, SQL("state = 'confirmed'")
            ):
                continue
            transfer.invalidate_recordset(["state"])
            invoice, quote = transfer._find_invoice()
            if not invoice:
                transfer.state = "unmatched"
            elif invoice.id in invoices:
                later |= transfer
            else:
                invoices.add(invoice.id)
                plans.append((transfer, invoice, quote))
        if plans:
            self._pay_invoices_batch(plans)
        for transfer in later:
            with self.env.cr.savepoint():
                transfer._match_one()

    @api.model
    def _flag_expired_quotes(self):
        """Invoices whose quote ran out show "Quote expired" until viewed (and re-quoted)."""
        moves = self.env["account.move"].search(
            [
                ("stablecoin_payment_status", "=", "awaiting"),
                ("stablecoin_quote_id.expires_at", "<", fields.Datetime.now()),
            ]
        )
        if moves:
            self.env.add_to_compute(moves._fields["stablecoin_payment_status"], moves)
            moves.flush_recordset(["stablecoin_payment_status"])

    def _match(self):
        """Find the invoice this transfer pays; pay it, or leave it to an accountant."""
        self.ensure_one()
        # Row lock: a second matcher (manual run, another worker) skips this transfer instead
        # of paying the invoice twice.
        if not try_lock_row(
            self.env.cr, "stablecoin_transfer", self.id, SQL("state = 'confirmed'")
        ):
            return False
        self.invalidate_recordset(["state"])
        invoice, quote = self._find_invoice()
        if not invoice:
            self.state = "unmatched"
            return False
        self._pay_invoice(invoice, quote)
        return True

    def _match_refund(self):
        """A transfer out of our wallet that pays exactly a credit note's refund request posts
        the outbound payment and reconciles it with the credit note."""
        self.ensure_one()
        refunds = (
            self.env["account.move"]
            .search(
                [
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("stablecoin_refund_token_id", "=", self.token_id.id),
                    ("stablecoin_refund_address", "=", self.recipient),
                ]
            )
            .filtered(lambda m: m.stablecoin_refund_units == self.amount_units)
        )
        if len(refunds) != 1:
            self.state = "unmatched"
            return False
        refund = refunds
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": refund.commercial_partner_id.id,
                    "amount": self.currency_id.round(self.amount),
                    "currency_id": self.currency_id.id,
                    "journal_id": self.wallet_id._journal_for(self.token_id).id,
                    "company_id": refund.company_id.id,
                    "date": (self.block_time and self.block_time.date())
                    or fields.Date.context_today(self),
                    "memo": self.tx_hash,
                }
            )
        )
        payment.action_post()
        payable = refund.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        counterpart = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in payable.account_id and not line.reconciled
        )
        (payable + counterpart).reconcile()
        self.write({"state": "matched", "move_id": refund.id, "payment_id": payment.id})
        refund.message_post(body=self.env._("Refunded on chain (transaction %s).", self.tx_hash))
        return True

    def _find_invoice(self):
        """Return (invoice, quote) this transfer pays, or empty recordsets."""
        Quote = self.env["stablecoin.quote"].sudo()
        none = (self.env["account.move"], Quote)
        units = self.amount_units
        if self.address_id.derivation_index >= 0:
            # A per-invoice address: whatever arrives there pays that invoice (partial and
            # several payments included), if it is one of the invoice's tokens.
            invoice = self.move_id or self._invoice_of_own_address()
            if not invoice or self.token_id not in (
                invoice.stablecoin_token_ids | invoice.stablecoin_token_id
            ):
                return none
            quotes = invoice.stablecoin_quote_ids.filtered(lambda q: q.token_id == self.token_id)
            exact = quotes.filtered(lambda q: q.amount_units == units)
            return invoice, (exact or quotes)[:1]
        # A shared address: exactly the amount of a quote, among the open invoices.
        quotes = Quote.search(
            [
                ("address_id", "=", self.address_id.id),
                ("token_id", "=", self.token_id.id),
                ("amount_units", "=", units),
                ("state", "in", ("active", "superseded")),
                ("move_id.state", "=", "posted"),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
            ]
        )
        invoice = quotes.move_id
        if len(invoice) != 1:
            return none
        # A live quote first; an expired or superseded one means a late payment.
        live = quotes.filtered(lambda q: q.state == "active" and not q._is_expired(self.block_time))
        return invoice, (live or quotes)[:1]

    def _settlement(self, invoice, quote):
        """What this transfer settles on ``invoice``: invoice-currency amounts and the
        payment's write-off lines (tolerated shortfall, exchange difference)."""
        token, company = self.token_id, invoice.company_id
        inv_cur, tok_cur, comp_cur = invoice.currency_id, token.currency_id, company.currency_id
        date = (self.block_time and self.block_time.date()) or fields.Date.context_today(self)
        paid_units = int(self.amount_units)
        quoted_units = int(quote.amount_units) if quote else paid_units
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        due = sum(receivable.mapped("amount_residual_currency"))
        due_company = sum(receivable.mapped("amount_residual"))
        if paid_units >= quoted_units:
            settled, shortfall, extra_units = due, 0.0, paid_units - quoted_units
        else:
            settled = inv_cur.round(due * paid_units / quoted_units)
            shortfall, extra_units = inv_cur.round(due - settled), 0
        tolerated = shortfall > 0 and (
            company._stablecoin_tolerates(shortfall, inv_cur, date)
            or company._stablecoin_tolerates_share(shortfall, due)
        )
        write_offs = []

        def line(account, balance, amount_currency, label):
            return {
                "name": label,
                "account_id": account.id,
                "partner_id": invoice.commercial_partner_id.id,
                "currency_id": tok_cur.id,
                "amount_currency": amount_currency,
                "balance": balance,
            }

        tolerance_label = self.env._("Tolerated underpayment")
        if inv_cur == tok_cur:
            # Same currency: Odoo reconciles in it and books its own exchange differences.
            if tolerated:
                write_offs.append(
                    line(
                        company.stablecoin_writeoff_account_id,
                        tok_cur._convert(shortfall, comp_cur, company, date),
                        shortfall,
                        tolerance_label,
                    )
                )
        else:
            to_company = comp_cur.round
            settled_company = to_company(due_company * settled / due) if due else 0.0
            tolerance_company = to_company(due_company * shortfall / due) if tolerated else 0.0
            extra_company = tok_cur._convert(
                float(from_units(extra_units, token.decimals)), comp_cur, company, date
            )
            paid_company = tok_cur._convert(
                float(from_units(paid_units, token.decimals)), comp_cur, company, date
            )
            needed = settled_company + tolerance_company + extra_company
            exchange = to_company(needed - paid_company - tolerance_company)
            if tolerated:
                write_offs.append(
                    line(
                        company.stablecoin_writeoff_account_id,
                        tolerance_company,
                        comp_cur._convert(tolerance_company, tok_cur, company, date),
                        tolerance_label,
                    )
                )
            if not comp_cur.is_zero(exchange):
                account = (
                    company.expense_currency_exchange_account_id
                    if exchange > 0
                    else company.income_currency_exchange_account_id
                )
                write_offs.append(
                    line(
                        account,
                        exchange,
                        comp_cur._convert(exchange, tok_cur, company, date),
                        self.env._("Exchange difference"),
                    )
                )
        return {"date": date, "write_offs": write_offs, "receivable": receivable}

    def _payment_vals(self, invoice, settlement):
        return {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": invoice.commercial_partner_id.id,
            "amount": self.currency_id.round(self.amount),
            "currency_id": self.currency_id.id,
            "journal_id": self.wallet_id._journal_for(self.token_id).id,
            "company_id": invoice.company_id.id,
            "date": settlement["date"],
            "memo": self.tx_hash,
            "write_off_line_vals": settlement["write_offs"],
        }

    def _pay_invoice(self, invoice, quote=None):
        """Post the payment in the wallet's journal and reconcile it with ``invoice``.

        The payment is in the token's currency; for an invoice in another currency its
        write-off lines carry the exchange difference (and a tolerated shortfall), as Odoo's
        own "Register Payment" does when it marks an invoice fully paid.
        """
        self.ensure_one()
        settlement = self._settlement(invoice, quote)
        payment = self.env["account.payment"].sudo().create(self._payment_vals(invoice, settlement))
        payment.action_post()
        self._reconcile_payment(invoice, quote, settlement, payment)
        return payment

    def _pay_invoices_batch(self, plans):
        """``plans``: [(transfer, invoice, quote)] with distinct invoices. One create and one
        post for all their payments, as Odoo's batch "Register payment" does."""
        settled = [(t, inv, q, t._settlement(inv, q)) for t, inv, q in plans]
        payments = (
            self.env["account.payment"]
            .sudo()
            .create([t._payment_vals(inv, st) for t, inv, _q, st in settled])
        )
        payments.action_post()
        for (transfer, invoice, quote, settlement), payment in zip(settled, payments, strict=True):
            transfer._reconcile_payment(invoice, quote, settlement, payment)
        return payments

    def _reconcile_payment(self, invoice, quote, settlement, payment):
        """Reconcile a posted ``payment`` of this transfer with ``invoice`` and record it."""
        late = bool(quote) and (quote.state == "superseded" or quote._is_expired(self.block_time))
        receivable = settlement["receivable"]
        counterpart = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in receivable.account_id and not line.reconciled
        )
        (receivable + counterpart).reconcile()
        self.write({"state": "matched", "move_id": invoice.id, "payment_id": payment.id})
        if quote:
            quote.state = "used"
        if late:
            invoice.sudo().stablecoin_paid_late = True
        invoice.message_post(
            body=self.env._(
                "Paid %(amount)s %(symbol)s on %(network)s (transaction %(tx)s)%(late)s.",
                amount=self.amount,
                symbol=self.token_id.symbol,
                network=self.network_id.name,
                tx=self.tx_hash,
                late=self.env._(", after the quote expired") if late else "",
            )
        )
        invoice._stablecoin_refresh_quote()
        self._after_payment(invoice, payment)

    def _after_payment(self, invoice, payment):
        """Hook: the transfer has paid ``invoice`` with ``payment`` (posted, reconciled)."""
        return True

    def action_open_match_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Match Receipt"),
            "res_model": "stablecoin.match.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_transfer_id": self.id, "active_id": self.id},
        }

    def _manual_payment(self, partner, write_offs=None):
        """A posted payment of this receipt in the wallet's journal, for ``partner``."""
        self.ensure_one()
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": self.currency_id.round(self.amount),
                    "currency_id": self.currency_id.id,
                    "journal_id": self.wallet_id._journal_for(self.token_id).id,
                    "company_id": self.company_id.id,
                    "date": (self.block_time and self.block_time.date())
                    or fields.Date.context_today(self),
                    "memo": self.tx_hash,
                    "write_off_line_vals": write_offs or [],
                }
            )
        )
        payment.action_post()
        self.write({"state": "matched", "payment_id": payment.id})
        return payment

    def _pay_invoices_manually(self, invoices):
        """The same posted and reconciled payment the matcher makes, for chosen invoices."""
        payment = self._manual_payment(invoices.commercial_partner_id)
        receivable = invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        counterpart = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in receivable.account_id and not line.reconciled
        )
        (counterpart + receivable.sorted(lambda line: line.date_maturity or line.date)).reconcile()
        self.move_id = invoices[:1]
        for invoice in invoices:
            invoice._stablecoin_refresh_quote()
        return payment

    def _record_as_credit(self, partner):
        return self._manual_payment(partner)

    def _record_as_income(self, account):
        """Book the receipt as other income: the whole amount goes to ``account``."""
        partner = self.company_id.partner_id
        company = self.company_id
        date = (self.block_time and self.block_time.date()) or fields.Date.context_today(self)
        balance = self.currency_id._convert(self.amount, company.currency_id, company, date)
        return self._manual_payment(
            partner,
            write_offs=[
                {
                    "name": self.env._("Other income: %s", self.tx_hash),
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "currency_id": self.currency_id.id,
                    "amount_currency": -self.amount,
                    "balance": -balance,
                }
            ],
        )

    def _on_deep_reorg(self, previous_state, evidence):
        """The transfer vanished after it was accepted: reverse its payment with a reversal
        entry, reopen the invoice, and ask an accountant to look."""
        res = super()._on_deep_reorg(previous_state, evidence)
        payment = self.payment_id
        if not payment or payment.state in ("draft", "canceled"):
            return res
        move = payment.move_id
        invoices = self.move_id
        move.line_ids.filtered(
            lambda line: line.reconciled or line.matched_debit_ids or line.matched_credit_ids
        ).remove_move_reconcile()
        reversal = move._reverse_moves(
            [
                {
                    "ref": self.env._("Reversal: %s vanished in a reorganisation", self.tx_hash),
                    "date": fields.Date.context_today(self),
                }
            ],
            cancel=True,
        )
        for invoice in invoices:
            invoice.message_post(body=evidence)
            invoice.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Stablecoin payment reversed (chain reorganisation)"),
                note=evidence,
                user_id=(invoice.invoice_user_id or self.env.ref("base.user_admin")).id,
            )
            invoice._stablecoin_refresh_quote()
        self.message_post(body=self.env._("Payment reversed by %s.", reversal.display_name))
        return res


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
