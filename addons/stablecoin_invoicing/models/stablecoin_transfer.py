# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta
from decimal import Decimal

from psycopg2.errors import TransactionRollbackError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round, mute_logger, split_every

from odoo.addons.stablecoin_wallet.chain import from_units
from odoo.addons.stablecoin_wallet.jobs import run_batches
from odoo.addons.stablecoin_wallet.locking import try_lock_row

from .. import settlement as arithmetic

_logger = logging.getLogger(__name__)

MATCH_BATCH = 100


def _exact(amount, currency):
    """A float amount of ``currency`` as the exact decimal it stands for (for the pure
    :mod:`..settlement` arithmetic)."""
    return Decimal(f"{currency.round(amount):.{currency.decimal_places}f}")


class StablecoinTransfer(models.Model):
    _inherit = "stablecoin.transfer"

    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", copy=False
    )
    request_id = fields.Many2one(
        "stablecoin.payment.request",
        string="Payment Request",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The invoice's payment request this transfer answers: found by its address "
        "(per-invoice), its exact amount (shared address) or the payer's claim.",
    )
    bound_by = fields.Selection(
        [
            ("address", "Own address"),
            ("amount", "Exact amount"),
            ("tx_hash", "Expected transaction"),
            ("claim", "Payer's claim"),
        ],
        readonly=True,
        copy=False,
        help="What tied this receipt to its payment request: the invoice's own address, the "
        "exact amount asked on a shared address, a transaction an on-ramp reported sending, "
        "or the payer's claim.",
    )
    suggested_move_id = fields.Many2one(
        "account.move",
        string="Claimed For",
        readonly=True,
        copy=False,
        help="Someone with this invoice's link said this receipt pays it, without proving they "
        "sent it (a transaction hash is public): the accountant decides.",
    )
    partner_id = fields.Many2one(related="move_id.partner_id", store=True)
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    unmatched_reason = fields.Char(
        string="Why unmatched", readonly=True, copy=False, help="Why no invoice took it."
    )
    match_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the matcher could not book this receipt: fix the cause, then Retry.",
    )

    def _on_recorded(self):
        self._link_requests()._schedule_match()
        return super()._on_recorded()

    def _schedule_match(self):
        """Pay these receipts as soon as they can be: the matcher now for those already
        final, the watcher at the moment the others should reach the network's depth (Odoo's
        cron triggers; a payer's open page also asks for scans while it waits)."""
        if self.filtered(lambda t: t.state == "confirmed"):
            cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match", False)
            if cron:
                cron.sudo()._trigger()
        scan = self.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan", False)
        waiting = self.filtered(lambda t: t.state == "seen")
        if not scan or not waiting:
            return
        now = fields.Datetime.now()
        moments = set()
        for network, transfers in waiting.grouped("network_id").items():
            missing = max(network.confirmations_final - min(transfers.mapped("confirmations")), 0)
            moments.add(now + timedelta(seconds=missing * (network.block_seconds or 12) + 1))
        scan.sudo()._trigger(sorted(moments))

    def _link_requests(self):
        """Bind receipts to the payment request they answer from the first sight, so the
        invoice shows "in progress" while the blocks pile up (the request decides how)."""
        return self.env["stablecoin.payment.request"]._bind_receipts(self)

    @api.model
    def _cron_match(self):
        """Scheduled action: match confirmed transfers to invoices, pay and reconcile them.

        Idempotent: only confirmed transfers are taken, and each leaves that state.
        """
        self.env["stablecoin.payment.request"]._cron_expire()
        transfers = self.search(
            [("state", "=", "confirmed"), ("direction", "=", "in")],
            order="block_number, log_index, id",
        )
        transfers |= self.search(
            [("state", "=", "confirmed"), ("direction", "=", "out")],
            order="block_number, log_index, id",
        )

        def batch_failed(batch, exc):
            if isinstance(exc, TransactionRollbackError):
                # Another worker changed a row this transaction's snapshot depends on (the
                # watcher updating its network): nothing is wrong with the receipts; they stay
                # confirmed and the matcher runs again at once, in a fresh transaction.
                _logger.info("Matching met a concurrent update; running again")
                self._match_again()
                return
            # One bad receipt must not block the others: retry them one by one.
            _logger.warning("Batch matching failed; matching one by one", exc_info=exc)
            for transfer in batch:
                transfer._match_one_guarded()

        run_batches(
            self.env,
            split_every(MATCH_BATCH, transfers.ids, self.browse),
            lambda batch: batch._match_batch(),
            total=len(transfers),
            on_error=batch_failed,
        )

    @api.model
    def _match_again(self):
        cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match", False)
        if cron:
            cron.sudo()._trigger()

    def _likely_invoices(self, limit=10):
        """Open invoices this receipt most likely pays, for the accountant: those of customers
        who paid from the same sender before, then those due within 5 % of its amount (in the
        token's currency), closest first."""
        self.ensure_one()
        Move = self.env["account.move"]
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "=", self.company_id.id),
        ]
        known = Move.search(
            [*domain, ("commercial_partner_id", "in", self._known_sender_customers().ids)]
        )
        amount = self.amount or 0.0
        close = Move.search(
            [
                *domain,
                ("currency_id", "=", self.currency_id.id),
                ("amount_residual", ">=", amount * 0.95),
                ("amount_residual", "<=", amount * 1.05),
            ]
        ).sorted(lambda m: abs(m.amount_residual - amount))
        return (known | close)[:limit]

    def _known_sender_customers(self):
        """The customers (commercial partners) whose invoices earlier receipts from this
        receipt's sender paid."""
        self.ensure_one()
        earlier = self.search(
            [("sender", "=", self.sender), ("state", "=", "matched"), ("id", "!=", self.id)]
        )
        return earlier.partner_id.commercial_partner_id

    def _set_unmatched(self, reason=None):
        """To the accountants' queue, with the reason in words; the payer is told when they
        are known (:meth:`_tell_known_payer`)."""
        self.write({"state": "unmatched", "unmatched_reason": reason or self._why_unmatched()})
        self._tell_known_payer()

    def _tell_known_payer(self):
        """A receipt of an amount nobody asked, on a shared address, from a wallet that paid
        exactly one customer before: that customer is emailed (their latest open invoice on
        this address), whose page counts it at a click (their claim binds as earlier payer)."""
        for transfer in self.filtered(
            lambda t: t.direction == "in" and t.sender and t.address_id.derivation_index < 0
        ):
            partners = self.search(
                [
                    ("sender", "=", transfer.sender),
                    ("direction", "=", "in"),
                    ("state", "=", "matched"),
                    ("company_id", "=", transfer.company_id.id),
                ]
            ).move_id.commercial_partner_id
            if len(partners) != 1 or not transfer.company_id.stablecoin_notify_customer:
                continue
            request = self.env["stablecoin.payment.request"].search(
                [
                    ("address_id", "=", transfer.address_id.id),
                    ("state", "in", ("awaiting", "seen", "partial")),
                    ("move_id.commercial_partner_id", "=", partners.id),
                    ("move_id.state", "=", "posted"),
                ],
                order="id desc",
                limit=1,
            )
            if request:
                self.env["stablecoin.payment.notice"]._queue(
                    request.move_id, "payment.unmatched", transfer
                )

    def _why_unmatched(self):
        self.ensure_one()
        invoice = self.request_id.move_id
        if invoice and invoice.state != "posted":
            return self.env._(
                "It answers %(invoice)s, which is no longer posted (reset to draft or cancelled).",
                invoice=invoice.display_name,
            )
        if self.address_id.derivation_index >= 0:
            return self.env._(
                "It arrived at a per-invoice address whose invoice takes no more payments in "
                "%(token)s (paid, or another token).",
                token=self.token_id.display_name,
            )
        return self.env._(
            "No open payment request on this address asks for exactly %(amount)s, and no "
            "payer claimed the transaction.",
            amount=self.amount_text,
        )

    def _match_one(self):
        return self._match_refund() if self.direction == "out" else self._match()

    def _match_one_guarded(self):
        """Match this transfer alone; if it cannot be booked, it waits for an accountant in
        the unmatched queue with the reason, and the others go on."""
        try:
            with self.env.cr.savepoint():
                return self._match_one()
        except TransactionRollbackError:
            _logger.info("Transfer %s met a concurrent update; matching again", self.tx_hash)
            self.env.invalidate_all()
            self._match_again()
            return False
        except Exception as exc:  # noqa: BLE001  # pylint: disable=broad-except
            # A poison receipt: set apart with its error, visible and retryable; the others go
            # on and the scheduled action does not fail because of it.
            _logger.warning("Transfer %s could not be booked: %s", self.tx_hash, exc)
            self.env.invalidate_all()
            if self.state == "confirmed":
                self.write({"state": "attention", "match_error": str(exc)[:2000]})
                self.message_post(body=self.env._("Could not be booked automatically: %s", exc))
            return False

    def action_retry_match(self):
        """Accountants: match again a receipt that needed attention (its cause fixed)."""
        self.check_access("read")
        for transfer in self.sudo().filtered(lambda t: t.state == "attention"):
            transfer.write({"state": "confirmed", "match_error": False})
            transfer._match_one_guarded()
        return True

    def _match_batch(self):
        """Match these transfers: receipts for distinct invoices are paid in one batch; the
        rest (refunds, a second receipt for the same invoice) one by one, in chain order."""
        candidates, later, invoices = [], self.browse(), set()
        locked = self.filtered(lambda t: t.direction == "in")._lock_confirmed()
        for transfer in self:
            if transfer.direction == "out":
                later |= transfer
                continue
            if transfer not in locked:
                continue
            invoice, request = transfer._find_invoice()
            if invoice and invoice.id in invoices:
                later |= transfer
                continue
            if invoice:
                invoices.add(invoice.id)
            candidates.append((transfer, invoice, request))
        plans = []
        for transfer, invoice, request in self._before_booking(candidates):
            if not invoice:
                transfer._set_unmatched()
            else:
                plans.append((transfer.with_env(self.env), invoice, request))
        if plans:
            self._pay_invoices_batch(plans)
        for transfer in later:
            transfer._match_one_guarded()

    @api.model
    def _before_booking(self, candidates, partner=None):
        """Hook: of ``candidates``, ``(transfer, invoice, request)`` triples of confirmed,
        locked receipts (``invoice`` may be empty: none found), those that may be booked now;
        the others are left as they are. ``partner``: the customer an accountant credits a
        receipt to (one candidate, no invoice). Here all may be (``stablecoin_compliance``
        screens them and holds some for a compliance officer)."""
        return list(candidates)

    def _lock_confirmed(self):
        """Lock those of these transfers still confirmed, in one query; return them. Rows
        another worker holds, or changed since this transaction began, are left to it."""
        if not self:
            return self
        self.flush_recordset(["state"])
        query = SQL(
            "SELECT id FROM stablecoin_transfer WHERE id = ANY(%s) AND state = 'confirmed' "
            "FOR UPDATE SKIP LOCKED",
            self.ids,
        )
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(query)
                locked = self.browse(row[0] for row in self.env.cr.fetchall())
        except TransactionRollbackError:
            # One of them changed since this transaction began: lock them one by one.
            locked = self.filtered(
                lambda t: try_lock_row(
                    self.env.cr, "stablecoin_transfer", t.id, SQL("state = 'confirmed'")
                )
            )
        self.invalidate_recordset(["state"])
        return locked

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
        invoice, request = self._find_invoice()
        if not self._before_booking([(self, invoice, request)]):
            return False
        if not invoice:
            self._set_unmatched()
            return False
        self._pay_invoice(invoice, request)
        return True

    def _match_refund(self):
        """A transfer out of our wallet that pays exactly a credit note's refund request posts
        the outbound payment and reconciles it with the credit note."""
        self.ensure_one()
        requests = self.env["stablecoin.payment.request"]._refund_paid_by(self)
        if len(requests) != 1:
            self._set_unmatched(
                self.env._("No confirmed refund request of a credit note asks for this amount.")
                if not requests
                else self.env._("Several credit notes ask for this refund.")
            )
            return False
        refund = requests.move_id
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                self._payment_vals(
                    refund.commercial_partner_id, refund.company_id, payment_type="outbound"
                )
            )
        )
        payment.action_post()
        self._reconcile_with(payment, self._open_receivable(refund))
        self.write(
            {
                "state": "matched",
                "move_id": refund.id,
                "request_id": requests.id,
                "payment_id": payment.id,
            }
        )
        requests._set_state("paid")
        refund.message_post(body=self.env._("Refunded on chain (transaction %s).", self.tx_hash))
        refund._stablecoin_event("invoice.refunded", self)
        return True

    def _find_invoice(self):
        """Return (invoice, payment request) this receipt pays, or empty recordsets.

        The request was bound when the transfer was first seen (its address or exact amount)
        or by the payer's claim; an invoice no longer posted (reset to draft, cancelled) takes
        nothing and the receipt waits for an accountant."""
        none = (self.env["account.move"], self.env["stablecoin.payment.request"])
        if not self.request_id:
            self._link_requests()
        request = self.request_id
        invoice = request.move_id
        if not request or invoice.state != "posted":
            return none
        return invoice, request

    def _settlement(self, invoice, request):
        """What this transfer settles on ``invoice``: the booking plan of
        :func:`..settlement.plan` on what Odoo knows (the open receivable, the request's
        quote, the company's tolerance, fees withheld; conversions by Odoo's ``_convert`` at
        the booking date), its write-offs as the payment's lines."""
        token, company = self.token_id, invoice.company_id
        inv_cur, comp_cur = invoice.currency_id, company.currency_id
        currencies = {
            arithmetic.INVOICE: inv_cur,
            arithmetic.TOKEN: token.currency_id,
            arithmetic.COMPANY: comp_cur,
        }
        date = self._booking_date()
        receivable = self._open_receivable(invoice)
        due = sum(receivable.mapped("amount_residual_currency"))
        asked = int(request.amount_units) if request else None
        asked_for = _exact(request.amount_due, inv_cur) if request else None
        grace = timedelta(minutes=company.stablecoin_quote_grace_minutes)
        if request.expires_at and self.block_time and self.block_time > request.expires_at + grace:
            # Long after the quote expired: the tokens are worth what they are worth on
            # their day, not what an old quote promised; any difference stays open.
            asked, asked_for = request._units_for(invoice, due, token, date), None
        fee, fee_account, fee_label = self._fees_withheld(invoice, date)
        booked = self._booked_amount(invoice)
        plan = arithmetic.plan(
            due=_exact(due, inv_cur),
            due_company=_exact(sum(receivable.mapped("amount_residual")), comp_cur),
            paid_units=self._token_units(booked),
            token_decimals=token.decimals,
            requested_units=asked,
            requested_for=asked_for,
            same_currency=inv_cur == token.currency_id,
            inv_decimals=inv_cur.decimal_places,
            comp_decimals=comp_cur.decimal_places,
            # The percentage as typed (its float's shortest decimal), the amount exact.
            tolerance=arithmetic.Tolerance(
                Decimal(repr(company.stablecoin_tolerance_percent)),
                _exact(company.stablecoin_tolerance_amount, comp_cur),
            )
            if company.stablecoin_writeoff_account_id
            else None,
            fee=_exact(fee, inv_cur) if fee_account else None,
            convert=lambda amount, source, target: _exact(
                currencies[source]._convert(float(amount), currencies[target], company, date),
                currencies[target],
            ),
        )
        return {
            "date": date,
            "amount": booked,
            "write_offs": self._write_off_vals(invoice, plan, fee_account, fee_label),
            "receivable": receivable,
        }

    def _write_off_vals(self, invoice, plan, fee_account, fee_label):
        """The payment's write-off lines (``write_off_line_vals``) of a settlement ``plan``."""
        company = invoice.company_id
        exchange = self.env._("Exchange difference")
        accounts = {
            arithmetic.TOLERANCE: (
                company.stablecoin_writeoff_account_id,
                self.env._("Tolerated underpayment"),
            ),
            arithmetic.FEE: (fee_account, fee_label),
            arithmetic.EXCHANGE_LOSS: (company.expense_currency_exchange_account_id, exchange),
            arithmetic.EXCHANGE_GAIN: (company.income_currency_exchange_account_id, exchange),
        }
        return [
            {
                "name": accounts[line.kind][1],
                "account_id": accounts[line.kind][0].id,
                "partner_id": invoice.commercial_partner_id.id,
                "currency_id": self.token_id.currency_id.id,
                "amount_currency": float(line.amount_currency),
                "balance": float(line.balance),
            }
            for line in plan.write_offs
        ]

    def _fees_withheld(self, invoice, date):
        """Fees an intermediary withheld from this receipt before it reached the wallet, in
        the invoice's currency, with the account and label they are booked under:
        ``(amount, account, label)``. None here (a payer's own transfer); the on-ramp
        (payment provider) says what Bridge withheld."""
        return 0.0, self.env["account.account"], ""

    def _invoice_payment_vals(self, invoice, settlement):
        return self._payment_vals(
            invoice.commercial_partner_id,
            invoice.company_id,
            settlement["write_offs"],
            amount=settlement["amount"],
        )

    def _booked_amount(self, invoice=None):
        """What this transfer books (and credits its customer), never more than the chain
        moved: its exact amount rounded DOWN to its currency's precision (0.015 USDC books
        0.01, not 0.02).

        Paying ``invoice``, the receipts of that invoice in this currency booked before count
        with it: the total booked becomes the total received rounded down, so that the
        sub-cent rests of instalments add up to the cent they make (39.999999 books 39.99, a
        last unit then 0.01). What stays unbooked, less than a cent, remains in the wallet;
        the attestation names it (`stablecoin.attestation`, "Sub-cent remainders")."""
        self.ensure_one()
        currency = self.currency_id
        earlier = self.browse()
        if invoice:
            earlier = invoice.stablecoin_transfer_ids.filtered(
                lambda t: (
                    t != self
                    and t.state == "matched"
                    and t.payment_id
                    and t.currency_id == currency
                )
            )
        units = int(self.amount_units) + sum(int(t.amount_units) for t in earlier)
        received = float_round(
            float(from_units(units, self.token_id.decimals)),
            precision_rounding=currency.rounding,
            rounding_method="DOWN",
        )
        return max(0.0, currency.round(received - sum(earlier.payment_id.mapped("amount"))))

    def _token_units(self, amount):
        """``amount`` (of this transfer's currency) in token units."""
        decimals = self.token_id.decimals
        return int(Decimal(f"{amount:.{decimals}f}").scaleb(decimals))

    def _booking_date(self):
        """The payment's date: the block's day (UTC), or today for a block without a time."""
        return (self.block_time and self.block_time.date()) or fields.Date.context_today(self)

    def _payment_vals(self, partner, company, write_offs=(), payment_type="inbound", amount=None):
        """The one shape of every payment of a transfer: in the wallet's journal for its
        token, in the token's currency, memo the transaction hash; of ``amount`` (None: the
        transfer's, rounded down: :meth:`_booked_amount`)."""
        journal = self.wallet_id._journal_for(self.token_id)
        if not journal:
            raise UserError(
                self.env._(
                    "Wallet %(wallet)s has no journal for %(token)s: add the token to the "
                    "wallet's accepted tokens (its journal is then created), then retry.",
                    wallet=self.wallet_id.display_name,
                    token=self.token_id.display_name,
                )
            )
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": self._booked_amount() if amount is None else amount,
            "currency_id": self.currency_id.id,
            "journal_id": journal.id,
            "company_id": company.id,
            "date": self._booking_date(),
            "memo": self.tx_hash,
            "write_off_line_vals": list(write_offs),
        }

    @api.model
    def _open_receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )

    @api.model
    def _reconcile_with(self, payment, lines):
        """Reconcile posted ``payment`` with ``lines`` (open receivable lines), oldest first."""
        counterpart = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in lines.account_id and not line.reconciled
        )
        (
            counterpart + lines.sorted(lambda line: (line.date_maturity or line.date, line.id))
        ).reconcile()

    def _pay_invoice(self, invoice, request=None):
        """Post the payment in the wallet's journal and reconcile it with ``invoice``.

        The payment is in the token's currency; for an invoice in another currency its
        write-off lines carry the exchange difference (and a tolerated shortfall), as Odoo's
        own "Register Payment" does when it marks an invoice fully paid.
        """
        self.ensure_one()
        settlement = self._settlement(invoice, request)
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(self._invoice_payment_vals(invoice, settlement))
        )
        payment.action_post()
        self._reconcile_payment(invoice, request, settlement, payment)
        return payment

    def _pay_invoices_batch(self, plans):
        """``plans``: [(transfer, invoice, request)] with distinct invoices. One create and one
        post for all their payments, as Odoo's batch "Register payment" does."""
        settled = [(t, inv, q, t._settlement(inv, q)) for t, inv, q in plans]
        payments = (
            self.env["account.payment"]
            .sudo()
            .create([t._invoice_payment_vals(inv, st) for t, inv, _q, st in settled])
        )
        payments.action_post()
        for (transfer, invoice, request, settlement), payment in zip(
            settled, payments, strict=True
        ):
            transfer._reconcile_payment(invoice, request, settlement, payment)
        return payments

    def _reconcile_payment(self, invoice, request, settlement, payment):
        """Record a posted ``payment`` of this transfer and reconcile it with ``invoice``:
        Odoo's reconciliation then tells the invoice it was paid (`_reconcile_post_hook`)."""
        # Late: the converted amount of a request in another currency no longer held when the
        # transfer was mined (an expired or superseded quote).
        late = bool(request.expires_at) and (
            request.state in ("superseded", "expired") or request._is_expired(self.block_time)
        )
        self.write(
            {
                "state": "matched",
                "move_id": invoice.id,
                "request_id": request.id,
                "payment_id": payment.id,
            }
        )
        if late:
            request._mark_paid_late()
        # A logged note (no followers to notify, no subscription): a third of message_post's
        # cost, on every receipt.
        invoice._message_log(
            body=self.env._(
                "Paid %(amount)s %(symbol)s on %(network)s (transaction %(tx)s)%(late)s.",
                amount=self.amount,
                symbol=self.token_id.symbol,
                network=self.network_id.name,
                tx=self.tx_hash,
                late=self.env._(", after the quote expired") if late else "",
            )
        )
        self._reconcile_as_paying(payment, settlement["receivable"])

    def _reconcile_as_paying(self, payment, lines):
        """Reconcile this receipt's ``payment`` with invoice ``lines``: the invoices' paid
        hook names this receipt in what it tells (`account.move._stablecoin_payment_applied`)."""
        self.ensure_one()
        # On the records themselves: the reconciliation runs in the lines' environment.
        ctx = {"stablecoin_paying_transfer": self.id}
        self._reconcile_with(payment.with_context(**ctx), lines.with_context(**ctx))

    def action_open_match_wizard(self):
        """The wizard, saved: its suggested invoices each have a button that picks it."""
        self.ensure_one()
        wizard = (
            self.env["stablecoin.match.wizard"]
            .with_context(default_transfer_id=self.id, active_id=self.id)
            .create({})
        )
        return wizard._reopen()

    def _manual_payment(self, partner, write_offs=None):
        """A posted payment of this receipt in the wallet's journal, for ``partner``."""
        self.ensure_one()
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(self._payment_vals(partner, self.company_id, write_offs or ()))
        )
        payment.action_post()
        self.write({"state": "matched", "payment_id": payment.id})
        return payment

    def _pay_invoices_manually(self, invoices, write_offs=None):
        """The same posted and reconciled payment the matcher makes, for chosen invoices;
        ``write_offs``: its write-off lines (a difference the accountant marked as paid)."""
        payment = self._manual_payment(invoices.commercial_partner_id, write_offs)
        self.move_id = invoices[:1]
        self._reconcile_as_paying(payment, self._open_receivable(invoices))
        return payment

    def _record_as_credit(self, partner):
        return self._manual_payment(partner)

    def _record_as_income(self, account):
        """Book the receipt as other income: the whole amount goes to ``account``."""
        partner = self.company_id.partner_id
        company = self.company_id
        date = self._booking_date()
        amount = self._booked_amount()
        balance = self.currency_id._convert(amount, company.currency_id, company, date)
        return self._manual_payment(
            partner,
            write_offs=[
                {
                    "name": self.env._("Other income: %s", self.tx_hash),
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "currency_id": self.currency_id.id,
                    "amount_currency": -amount,
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
            invoice._stablecoin_refresh_request()
        self.message_post(body=self.env._("Payment reversed by %s.", reversal.display_name))
        self._after_reversal(invoices, payment)
        invoices._stablecoin_event("payment.failed", self)
        return res

    def _after_reversal(self, invoices, payment):
        """Hook: ``payment`` of this transfer was reversed (the chain dropped the transfer)."""
        return True

    @api.model
    def _update_confirmations(self, network, client, head, seen=None):
        pending = super()._update_confirmations(network, client, head, seen=seen)
        reverted = pending.filtered(lambda t: t.state == "reverted")
        reverted.request_id._mark_unseen()
        for transfer in reverted.filtered(lambda t: t.move_id and not t.payment_id):
            transfer.move_id._stablecoin_event("payment.failed", transfer)
        return pending


class StablecoinNetwork(models.Model):
    _inherit = "stablecoin.network"

    @api.model
    def _after_scan(self, networks):
        """After the scheduled scan, let the matcher run right away rather than at its next
        interval, if the scan confirmed receipts (a trigger for nothing would only make the
        head follower give its thread away)."""
        res = super()._after_scan(networks)
        match_cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match", False)
        confirmed = [("network_id", "in", networks.ids), ("state", "=", "confirmed")]
        if match_cron and self.env["stablecoin.transfer"].search_count(confirmed, limit=1):
            match_cron._trigger()
        return res

    def _after_follow_step(self):
        """Pay what the follower's scan confirmed at once, in the watcher's run (its cron
        thread may be the only one): the invoice is paid within the block its receipt became
        final, not when the matcher's job next gets a thread."""
        res = super()._after_follow_step()
        Transfer = self.env["stablecoin.transfer"]
        if Transfer.search_count([("network_id", "=", self.id), ("state", "=", "confirmed")]):
            Transfer._cron_match()
        return res

    def _payments_expected(self):
        """Besides receipts waiting for their depth: a payment request open on the network
        (an invoice awaiting payment, partly paid, or a refund to send)."""
        if super()._payments_expected():
            return True
        return bool(
            self.env["stablecoin.payment.request"]
            .sudo()
            .search_count(
                [
                    ("token_id.network_id", "=", self.id),
                    ("state", "in", ("awaiting", "seen", "partial")),
                ],
                limit=1,
            )
        )
