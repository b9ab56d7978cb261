# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Charge on due date*: an invoice charged to its customer's mandate by a scheduled action on
its due date, failed charges retried on a schedule, notices before the charge."""

import logging
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.stablecoin_wallet.chain import format_units
from odoo.addons.stablecoin_wallet.jobs import run_batches
from odoo.addons.stablecoin_wallet.locking import try_lock_row

from .. import autopay

_logger = logging.getLogger(__name__)

# The invoices the scheduled actions look at: open customer invoices.
OPEN_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("not_paid", "partial")),
]


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    stablecoin_autopay_token_id = fields.Many2one(
        "payment.token",
        string="Charge on Due Date",
        copy=False,
        tracking=True,
        index="btree_not_null",
        domain="[('provider_code', '=', 'stablecoin'),"
        " ('partner_id.commercial_partner_id', '=', commercial_partner_id),"
        " ('company_id', '=', company_id),"
        " ('stablecoin_mandate_state', '=', 'active')]",
        help="The customer's mandate charged the amount due on the due date, by a scheduled "
        "action; a failed charge is tried again after 1, then 3 days, then the invoice is left "
        "to be paid by hand. Empty: the customer pays by hand.",
    )
    # Where the charge stands, on its own record (the scheduled actions write there).
    stablecoin_autopay_id = fields.Many2one(
        "stablecoin.autopay", string="Due Date Charge Record", readonly=True, copy=False
    )
    stablecoin_autopay_state = fields.Selection(related="stablecoin_autopay_id.state")
    stablecoin_autopay_attempts = fields.Integer(related="stablecoin_autopay_id.attempts")
    stablecoin_autopay_next = fields.Datetime(related="stablecoin_autopay_id.next_attempt")
    stablecoin_autopay_user_id = fields.Many2one(related="stablecoin_autopay_id.user_id")
    stablecoin_autopay_noticed = fields.Integer(related="stablecoin_autopay_id.noticed")

    # -- the setting ----------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves.filtered("stablecoin_autopay_token_id")._stablecoin_autopay_restart()
        return moves

    def write(self, vals):
        res = super().write(vals)
        if "stablecoin_autopay_token_id" in vals:
            self._stablecoin_autopay_restart()
        return res

    def _stablecoin_autopay_restart(self):
        """The mandate to charge was set or cleared: the charge starts afresh (scheduled, no
        attempt, no notice), or stops."""
        setter = self.env.user if not self.env.user._is_superuser() else None
        for move in self:
            record = move.sudo().stablecoin_autopay_id
            if not move.stablecoin_autopay_token_id:
                record.write({"state": False, "attempts": 0, "next_attempt": False, "noticed": 0})
                continue
            fresh = {"state": "scheduled", "attempts": 0, "next_attempt": False, "noticed": 0}
            if setter:
                fresh["user_id"] = setter.id
            if record:
                record.write(fresh)
            else:
                move.sudo().stablecoin_autopay_id = (
                    self.env["stablecoin.autopay"].sudo().create({"move_id": move.id, **fresh})
                )

    def _stablecoin_autopay_write(self, vals):
        """Record where this invoice's charge stands (its own record, as the superuser: the
        scheduled actions and the payer's charges write it, not the billing user)."""
        self.ensure_one()
        self.sudo().stablecoin_autopay_id.write(vals)

    @api.constrains("stablecoin_autopay_token_id", "partner_id", "company_id", "move_type")
    def _check_stablecoin_autopay_token(self):
        """Only the invoice's customer's active mandate, to the invoice's company."""
        label = self._fields["stablecoin_autopay_token_id"].string
        for move in self.filtered("stablecoin_autopay_token_id"):
            if move.move_type != "out_invoice":
                raise ValidationError(
                    self.env._("%s: only a customer invoice is charged to a mandate.", label)
                )
            move.stablecoin_autopay_token_id._stablecoin_check_mandate_for(
                move.partner_id, move.company_id, label
            )

    # -- charge now -----------------------------------------------------------------------------
    def action_stablecoin_charge_now(self):
        """*Charge Now* (billing users): charge the amount due to the mandate picked in *Charge
        on Due Date* at once, rather than on the due date. Tells what happened: the charge
        sent (paid once the watcher sees it), or why it was refused (nothing sent)."""
        self.ensure_one()
        mandate = self.stablecoin_autopay_token_id
        if not mandate:
            raise UserError(
                self.env._(
                    "%s: pick the customer's mandate to charge first.",
                    self._fields["stablecoin_autopay_token_id"].string,
                )
            )
        self._stablecoin_autopay_prepare_request(mandate)
        tx = self.env["payment.transaction"]._stablecoin_charge_invoice(self, mandate)
        if tx.state == "error":
            kind = "danger"
            message = self.env._(
                "%(invoice)s was not charged: %(error)s",
                invoice=self.name,
                error=tx.state_message,
            )
        else:
            kind = "success"
            message = self.env._(
                "%(invoice)s: charge %(tx)s sent to the network; the invoice is paid once the "
                "transfer is confirmed.",
                invoice=self.name,
                tx=tx.reference,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- the scheduled charge -------------------------------------------------------------------
    @api.model
    def _cron_stablecoin_autopay(self):
        """Scheduled (hourly): charge each open invoice with *Charge on Due Date* whose due
        date has come (or whose retry is due) to its mandate; each invoice on its own (one
        failing does not stop the others; committed after each outside tests: the charge went
        to the network)."""
        now = fields.Datetime.now()
        # First the charges sent earlier that the chain refused when it mined them: each is a
        # failed attempt (retried on the schedule), nothing was taken.
        self.env["payment.transaction"]._stablecoin_check_sent_charges(now)
        invoices = self.search(
            self._stablecoin_autopay_due_domain(now), order="invoice_date_due, id"
        )
        run_batches(
            self.env,
            invoices,
            lambda invoice: invoice.with_company(invoice.company_id)._stablecoin_autopay_charge(
                now
            ),
            total=len(invoices),
            on_error=lambda invoice, exc: _logger.error(
                "Stablecoin charge of %s on its due date failed: %s", invoice.name, exc
            ),
        )

    @api.model
    def _stablecoin_autopay_due_domain(self, now):
        today = fields.Date.context_today(self, now)
        return [
            *OPEN_INVOICE_DOMAIN,
            ("stablecoin_autopay_token_id", "!=", False),
            ("invoice_date_due", "<=", today),
            "|",
            ("stablecoin_autopay_next", "=", False),
            ("stablecoin_autopay_next", "<=", now),
        ]

    def _stablecoin_autopay_charge(self, now):
        """Charge this invoice to its mandate once: skipped while another worker holds it or a
        charge of it is open; a failure is an attempt (retried, or the end of the setting).
        Returns the transaction made (empty: none)."""
        self.ensure_one()
        Tx = self.env["payment.transaction"]
        # One worker per invoice: another run (or a *Charge now*) busy with it, or that charged
        # it since this run began (it wrote where the charge stands), is left to it.
        record = self.stablecoin_autopay_id
        if not record or not try_lock_row(self.env.cr, record._table, record.id):
            return Tx
        if not try_lock_row(self.env.cr, self._table, self.id):
            return Tx
        # Read again under the locks: the other worker may have charged it meanwhile.
        record.invalidate_recordset()
        self.invalidate_recordset()
        if not self.filtered_domain(self._stablecoin_autopay_due_domain(now)):
            return Tx
        if Tx._stablecoin_open_charges(self):
            return Tx
        mandate = self.stablecoin_autopay_token_id
        attempt = self.stablecoin_autopay_attempts + 1
        if mandate.stablecoin_mandate_state != "active" or not mandate.active:
            # Revoked since: no retry can succeed.
            self._stablecoin_autopay_failed(
                attempt,
                self.env._("the mandate %s is revoked", mandate.display_name),
                now,
                last=True,
            )
            return Tx
        tx = Tx
        try:
            with self.env.cr.savepoint():
                self._stablecoin_autopay_prepare_request(mandate)
                tx = Tx._stablecoin_charge_invoice(self, mandate)
        except UserError as exc:
            error = exc.args[0]
        else:
            tx.sudo().stablecoin_autopay_attempt = attempt
            error = tx.state_message if tx.state == "error" else False
        if error:
            self._stablecoin_autopay_failed(attempt, error, now, tx=tx)
            return tx
        self._stablecoin_autopay_write({"state": "sent", "attempts": attempt})
        self.message_post(
            body=self.env._(
                "Charge on Due Date: attempt %(attempt)s of %(total)s sent to the network "
                "(%(tx)s, %(mandate)s); the invoice is paid once the transfer is confirmed.",
                attempt=attempt,
                total=autopay.ATTEMPTS,
                tx=tx.reference,
                mandate=mandate.display_name,
            )
        )
        return tx

    def _stablecoin_autopay_prepare_request(self, mandate):
        """A current payment request in the mandate's token (another accepted token the
        customer picked is switched back; an expired quote is renewed)."""
        token = mandate.sudo().stablecoin_token_id
        if token != self.stablecoin_token_id and token in self.stablecoin_token_ids:
            self._stablecoin_select_token(token)
        else:
            self._stablecoin_refresh_request()

    def _stablecoin_autopay_failed(self, attempt, error, now, tx=None, last=False):
        """Record failed attempt ``attempt``: the next one scheduled, or (the last, or
        ``last``) the setting stopped, the customer emailed and the business given an
        activity."""
        self.ensure_one()
        retry_at = None if last else autopay.next_attempt(attempt, now)
        values = {"attempts": attempt}
        reference = tx.reference if tx else "-"
        if retry_at:
            values.update(state="retrying", next_attempt=retry_at)
            self._stablecoin_autopay_write(values)
            self.message_post(
                body=self.env._(
                    "Charge on Due Date: attempt %(attempt)s of %(total)s failed (%(tx)s): "
                    "%(error)s. Next attempt on %(next)s (UTC).",
                    attempt=attempt,
                    total=autopay.ATTEMPTS,
                    tx=reference,
                    error=error,
                    next=fields.Datetime.to_string(retry_at),
                )
            )
            return
        mandate = self.stablecoin_autopay_token_id
        self.stablecoin_autopay_token_id = False
        values.update(state="failed", next_attempt=False)
        self._stablecoin_autopay_write(values)
        message = self.env._(
            "Charge on Due Date: attempt %(attempt)s of %(total)s failed (%(tx)s): %(error)s. "
            "No more attempts: the invoice is left to be paid by hand, and the customer was "
            "told.",
            attempt=attempt,
            total=autopay.ATTEMPTS,
            tx=reference,
            error=error,
        )
        self.message_post(body=message)
        self._stablecoin_autopay_tell_customer(
            "stablecoin_payment_provider.email_template_stablecoin_autopay_failed",
            {"error": error, "mandate": mandate.display_name, "attempts": attempt},
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Charge on due date failed: collect %s by hand", self.name),
            note=message,
            user_id=self._stablecoin_autopay_responsible().id,
        )

    def _stablecoin_autopay_responsible(self):
        """Who in the business is told: the salesperson, else who set the mandate, else who
        made the invoice (never a portal user, nor the superuser)."""
        self.ensure_one()
        candidates = self.invoice_user_id | self.stablecoin_autopay_user_id | self.create_uid
        users = candidates.filtered(lambda u: not u.share and u.active and not u._is_superuser())
        return users[:1] or self.env.ref("base.user_admin", raise_if_not_found=False)

    def _stablecoin_autopay_tell_customer(self, template_xmlid, values):
        """Email the customer (posted on the invoice, as the payment notices are)."""
        self.ensure_one()
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not self.partner_id:
            return
        self.sudo().with_context(stablecoin_autopay=values).message_post_with_source(
            template,
            message_type="auto_comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
            author_id=self.company_id.partner_id.id,
        )

    # -- the notices before the charge ----------------------------------------------------------
    @api.model
    def _cron_stablecoin_autopay_notices(self):
        """Scheduled (daily): two days and one day before an invoice is charged, check what
        the payer's wallet and mandate allow and tell the customer (and, when something is
        missing, the business)."""
        today = fields.Date.context_today(self)
        days = [today + timedelta(days=d) for d in autopay.NOTICE_DAYS]
        invoices = self.search(
            [
                *OPEN_INVOICE_DOMAIN,
                ("stablecoin_autopay_token_id", "!=", False),
                ("stablecoin_autopay_state", "=", "scheduled"),
                ("invoice_date_due", "in", days),
            ],
            order="invoice_date_due, id",
        )
        owed = invoices.filtered(
            lambda m: autopay.notice_due(m.invoice_date_due, today, m.stablecoin_autopay_noticed)
        )
        run_batches(
            self.env,
            owed,
            lambda invoice: invoice.with_company(invoice.company_id)._stablecoin_autopay_notice(
                today
            ),
            total=len(owed),
            on_error=lambda invoice, exc: _logger.error(
                "Stablecoin charge notice of %s not sent: %s", invoice.name, exc
            ),
        )

    def _stablecoin_autopay_notice(self, today):
        """The notice before this invoice's charge: the amount and date, and what the payer
        must still do (fund the wallet, approve the contract, a mandate that allows it)."""
        self.ensure_one()
        days = autopay.notice_due(self.invoice_date_due, today, self.stablecoin_autopay_noticed)
        if not days:
            return
        mandate = self.stablecoin_autopay_token_id.sudo()
        self._stablecoin_autopay_prepare_request(mandate)
        token = mandate.stablecoin_token_id
        request = self._stablecoin_current_request()
        if request and request.token_id == token:
            amount = int(request.amount_units)
        else:
            amount = self.env["stablecoin.payment.request"]._units_for(
                self, self.amount_residual, token
            )
        position = mandate._stablecoin_payer_position()
        problems = [
            self._stablecoin_autopay_problem(code, have, amount, token, mandate)
            for code, have in autopay.shortfalls(amount, **position).items()
        ]
        due_at = datetime.combine(self.invoice_date_due, time.max)
        if mandate.stablecoin_end and mandate.stablecoin_end < due_at:
            problems.append(
                self.env._(
                    "The mandate ends on %s, before the charge: sign a new one.",
                    fields.Datetime.to_string(mandate.stablecoin_end),
                )
            )
        self._stablecoin_autopay_write({"noticed": days})
        values = {
            "amount": f"{self._stablecoin_units_text(amount, token)} {token.symbol}",
            "date": format_date(self.env, self.invoice_date_due, lang_code=self.partner_id.lang),
            "payer": mandate.stablecoin_payer,
            "days": days,
            "problems": problems,
        }
        self._stablecoin_autopay_tell_customer(
            "stablecoin_payment_provider.email_template_stablecoin_autopay_notice", values
        )
        if problems:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("The charge of %s on its due date may fail", self.name),
                note="\n".join(problems),
                user_id=self._stablecoin_autopay_responsible().id,
            )

    def _stablecoin_units_text(self, units, token):
        return format_units(units, token.decimals, token.currency_id.decimal_places)

    def _stablecoin_autopay_problem(self, code, have, amount, token, mandate):
        have_text = f"{self._stablecoin_units_text(have, token)} {token.symbol}"
        due_text = f"{self._stablecoin_units_text(amount, token)} {token.symbol}"
        if code == autopay.SHORT_BALANCE:
            return self.env._(
                "The wallet %(payer)s holds %(have)s, less than the %(due)s to charge: add "
                "funds before the due date.",
                payer=mandate.stablecoin_payer,
                have=have_text,
                due=due_text,
            )
        if code == autopay.SHORT_ALLOWANCE:
            return self.env._(
                "The wallet %(payer)s approved %(have)s for the mandate contract, less than "
                "the %(due)s to charge: approve it again from your wallet.",
                payer=mandate.stablecoin_payer,
                have=have_text,
                due=due_text,
            )
        return self.env._(
            "The mandate allows %(have)s now, less than the %(due)s to charge (its limits, "
            "dates, or revoked on chain).",
            have=have_text,
            due=due_text,
        )
