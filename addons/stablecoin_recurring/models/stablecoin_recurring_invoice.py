# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command, api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.stablecoin_wallet.jobs import may_commit, run_batches

from .. import recurrence

_logger = logging.getLogger(__name__)

INTERVAL_TYPES = [
    ("daily", "Days"),
    ("weekly", "Weeks"),
    ("monthly", "Months"),
    ("yearly", "Years"),
]
END_TYPES = [
    ("count", "After a number of invoices"),
    ("date", "On a date"),
    ("never", "Until stopped"),
]
STATES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("stopped", "Stopped"),
    ("done", "Done"),
]
# The fields that make the schedule: fixed once an invoice was made from it (its dates name
# the periods already invoiced). Duplicate the template to change them.
RHYTHM_FIELDS = ("date_start", "interval_type", "interval")
END_FIELDS = ("end_type", "max_count", "date_end")
# How many next dates the template shows.
UPCOMING = 5


class StablecoinRecurringInvoice(models.Model):
    """A standing arrangement: a copy of a customer invoice is made for each period of a
    schedule (every N days, weeks, months or years from a first date, until a number of
    invoices, an end date, or until stopped), optionally posted (which gives it its own payment
    request) and sent.

    Exactly once per period: each invoice made carries its period's date
    (``stablecoin_recurring_date``), a unique index on (template, period date) refuses a
    second one, and the scheduled action looks for the period's invoice before making it (a
    run that crashed after committing the invoice but before the template advanced finds it
    and only advances). An invoice and the template's advance are written in one
    transaction. A run that is late makes every missed period's invoice, each dated in its
    own period.
    """

    _name = "stablecoin.recurring.invoice"
    _description = "Recurring Stablecoin Invoice"
    _inherit = "mail.thread"
    _order = "state, next_date, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    template_move_id = fields.Many2one(
        "account.move",
        string="Source Invoice",
        required=True,
        ondelete="restrict",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice')]",
        help="The customer invoice each new invoice is a copy of (its lines, taxes, payment "
        "terms and currency).",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="template_move_id.currency_id", store=True)
    amount_total = fields.Monetary(related="template_move_id.amount_total", string="Amount")
    stablecoin_token_ids = fields.Many2many(
        "stablecoin.token",
        "stablecoin_recurring_invoice_token_rel",
        string="Accepted Tokens",
        help="The tokens and networks the customer may pay each invoice with (empty: the "
        "company's accepted tokens).",
    )
    stablecoin_wallet_id = fields.Many2one(
        "stablecoin.wallet",
        string="Receiving Wallet",
        check_company=True,
        help="The wallet each invoice is paid to (the source invoice's; empty: a wallet of "
        "the company that takes the token).",
    )
    interval_type = fields.Selection(
        INTERVAL_TYPES, string="Unit", required=True, default="monthly", tracking=True
    )
    interval = fields.Integer(string="Repeat Every", required=True, default=1, tracking=True)
    date_start = fields.Date(
        string="First Invoice Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The date of the first invoice; the next ones fall on the same day of the "
        "period (or the period's last day when it is shorter).",
    )
    end_type = fields.Selection(
        END_TYPES, string="Ends", required=True, default="never", tracking=True
    )
    max_count = fields.Integer(string="Number of Invoices", default=12, tracking=True)
    date_end = fields.Date(
        string="End Date", tracking=True, help="No invoice is dated after this day."
    )
    auto_post = fields.Boolean(
        string="Post Automatically",
        default=True,
        tracking=True,
        help="Post each new invoice: it gets its own payment request (amount and address) "
        "at once. Otherwise it waits as a draft for review.",
    )
    auto_send = fields.Boolean(
        string="Send by Email",
        default=True,
        tracking=True,
        help="Send each posted invoice to the customer by email, as Send does.",
    )
    state = fields.Selection(
        STATES, default="running", required=True, readonly=True, tracking=True, copy=False
    )
    last_date = fields.Date(
        string="Last Period Invoiced",
        readonly=True,
        copy=False,
        help="The date of the last period an invoice was made for.",
    )
    next_date = fields.Date(
        string="Next Invoice Date",
        readonly=True,
        copy=False,
        index=True,
        help="The next period to invoice; empty once the template is stopped or done.",
    )
    invoice_ids = fields.One2many(
        "account.move", "stablecoin_recurring_id", string="Invoices", readonly=True
    )
    invoice_count = fields.Integer(compute="_compute_invoice_counts", string="Invoices Made")
    invoice_paid_count = fields.Integer(compute="_compute_invoice_counts", string="Invoices Paid")
    remaining_count = fields.Integer(
        compute="_compute_upcoming",
        string="Invoices to Come",
        help="How many invoices the schedule still has to make (ends by count or date).",
    )
    upcoming_dates = fields.Text(
        compute="_compute_upcoming",
        string="Next Dates",
        help="The next dates of the schedule, one per line.",
    )
    schedule_summary = fields.Char(compute="_compute_upcoming", string="Schedule")

    # -- computes -------------------------------------------------------------------------------
    @api.depends("invoice_ids.payment_state", "invoice_ids.state")
    def _compute_invoice_counts(self):
        for template in self:
            invoices = template.invoice_ids
            template.invoice_count = len(invoices)
            template.invoice_paid_count = len(
                invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))
            )

    @api.depends_context("lang")
    @api.depends(
        "state", "next_date", "last_date", "date_start", "interval_type", "interval", *END_FIELDS
    )
    def _compute_upcoming(self):
        for template in self:
            upcoming = template._upcoming()
            template.upcoming_dates = (
                "\n".join(format_date(self.env, day) for day in upcoming) or False
            )
            template.remaining_count = template._remaining()
            template.schedule_summary = template._describe()

    def _rule(self):
        """The schedule's arguments for :mod:`..recurrence`."""
        self.ensure_one()
        return {
            "start": self.date_start,
            "interval_type": self.interval_type,
            "interval": self.interval,
        }

    def _end(self):
        self.ensure_one()
        return {"end_type": self.end_type, "count": self.max_count, "until": self.date_end}

    def _valid_rule(self):
        return bool(
            self.date_start
            and self.interval_type
            and self.interval >= 1
            and (self.end_type != "count" or self.max_count >= 1)
            and (self.end_type != "date" or self.date_end)
        )

    def _upcoming(self, limit=UPCOMING):
        """The next dates to invoice (from ``next_date``), at most ``limit``."""
        self.ensure_one()
        if self.state not in ("running", "paused") or not self.next_date or not self._valid_rule():
            return []
        out = [self.next_date]
        while len(out) < limit:
            day = recurrence.next_after(after=out[-1], **self._rule(), **self._end())
            if day is None:
                break
            out.append(day)
        return out

    def _remaining(self):
        self.ensure_one()
        if self.state not in ("running", "paused") or not self.next_date or not self._valid_rule():
            return 0
        if self.end_type == "never":
            return 0
        days = recurrence.dates(**self._rule(), **self._end())
        return len([day for day in days if day >= self.next_date])

    def _describe(self):
        """The arrangement in words: "Every 2 months since 01/31/2026, until 12/31/2026"
        ("from" before its first invoice)."""
        self.ensure_one()
        if not self._valid_rule():
            return False
        if self.interval == 1:
            every = {
                "daily": self.env._("Every day"),
                "weekly": self.env._("Every week"),
                "monthly": self.env._("Every month"),
                "yearly": self.env._("Every year"),
            }[self.interval_type]
        else:
            every = {
                "daily": self.env._("Every %s days", self.interval),
                "weekly": self.env._("Every %s weeks", self.interval),
                "monthly": self.env._("Every %s months", self.interval),
                "yearly": self.env._("Every %s years", self.interval),
            }[self.interval_type]
        start = format_date(self.env, self.date_start)
        since = self.env._("since %s", start) if self.last_date else self.env._("from %s", start)
        if self.end_type == "count":
            end = self.env._("%s invoices in all", self.max_count)
        elif self.end_type == "date":
            end = self.env._("until %s", format_date(self.env, self.date_end))
        else:
            end = self.env._("until stopped")
        return f"{every} {since}, {end}"

    # -- validation -----------------------------------------------------------------------------
    @api.constrains("interval", "end_type", "max_count", "date_start", "date_end")
    def _check_schedule(self):
        for template in self:
            if template.interval < 1:
                raise ValidationError(
                    self.env._("Repeat Every: must be 1 or more, not %s.", template.interval)
                )
            if template.end_type == "count" and template.max_count < 1:
                raise ValidationError(
                    self.env._("Number of Invoices: must be 1 or more, not %s.", template.max_count)
                )
            if template.end_type == "date":
                if not template.date_end:
                    raise ValidationError(
                        self.env._("End Date: required when the template ends on a date.")
                    )
                if template.date_end < template.date_start:
                    raise ValidationError(
                        self.env._(
                            "End Date: %(end)s is before the first invoice date %(start)s.",
                            end=template.date_end,
                            start=template.date_start,
                        )
                    )

    @api.constrains("template_move_id", "partner_id", "company_id")
    def _check_source(self):
        for template in self:
            source = template.template_move_id
            if source.move_type != "out_invoice":
                raise ValidationError(
                    self.env._(
                        "Source Invoice: %s is not a customer invoice; only a customer "
                        "invoice can be made recurring.",
                        source.display_name,
                    )
                )
            if not source.invoice_line_ids:
                raise ValidationError(
                    self.env._("Source Invoice: %s has no lines to invoice.", source.display_name)
                )

    @api.constrains("stablecoin_token_ids", "company_id")
    def _check_tokens(self):
        for template in self:
            accepted = template.company_id._stablecoin_accepted_tokens()
            refused = template.stablecoin_token_ids - accepted
            if refused:
                raise ValidationError(
                    self.env._(
                        "Accepted Tokens: %(tokens)s not among the tokens %(company)s accepts.",
                        tokens=", ".join(refused.mapped("display_name")),
                        company=template.company_id.name,
                    )
                )

    # -- create / write / copy ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        source = self.env["account.move"].browse(values.get("template_move_id") or [])
        if source:
            prefilled = self._defaults_from(source, values)
            values.update(
                {
                    key: value
                    for key, value in prefilled.items()
                    if key in fields_list and f"default_{key}" not in self.env.context
                }
            )
        return values

    @api.model
    def _defaults_from(self, source, values):
        """A template prefilled from ``source``: its customer, tokens, wallet, and the first
        date one period after its invoice date."""
        interval_type = values.get("interval_type") or "monthly"
        interval = values.get("interval") or 1
        base = source.invoice_date or fields.Date.context_today(self)
        start = recurrence.nth(base, interval_type, interval, 1)
        return {
            "name": self.env._(
                "%(partner)s: %(invoice)s",
                partner=source.partner_id.display_name,
                invoice=source.name if source.name and source.name != "/" else source.ref or "",
            ).rstrip(": "),
            "company_id": source.company_id.id,
            "partner_id": source.partner_id.id,
            # Those the company still accepts (it may have narrowed them since).
            "stablecoin_token_ids": [
                Command.set(
                    (
                        source.stablecoin_token_ids
                        & source.company_id._stablecoin_accepted_tokens()
                    ).ids
                )
            ],
            "stablecoin_wallet_id": source.stablecoin_wallet_id.id,
            "date_start": start,
        }

    @api.model_create_multi
    def create(self, vals_list):
        # Made from an invoice through the API (XML-RPC) as through the form: what is not
        # given comes from the source invoice (customer, tokens, wallet, first date).
        for vals in vals_list:
            source = self.env["account.move"].browse(vals.get("template_move_id") or [])
            if source.exists():
                prefilled = self._defaults_from(source, vals)
                vals.update({k: v for k, v in prefilled.items() if k not in vals})
        templates = super().create(vals_list)
        for template in templates:
            template._reset_next_date()
        return templates

    def write(self, vals):
        # The schedule and the customer of a template that made invoices stay: its invoices
        # (and their pages, listed under the customer's /my/recurring) are that customer's.
        fixed = (*RHYTHM_FIELDS, "partner_id")
        if any(name in vals for name in fixed):
            started = self.filtered("last_date")
            for template in started:
                changed = [
                    name
                    for name in fixed
                    if name in vals
                    and template._fields[name].convert_to_cache(vals[name], template)
                    != template._fields[name].convert_to_cache(template[name], template)
                ]
                if changed:
                    label = template._fields[changed[0]].get_description(self.env)["string"]
                    raise UserError(
                        self.env._(
                            "%(field)s: %(template)s has made invoices already; its schedule "
                            "and customer cannot change. Stop it and duplicate it instead.",
                            field=label,
                            template=template.display_name,
                        )
                    )
        res = super().write(vals)
        if any(name in vals for name in RHYTHM_FIELDS + END_FIELDS):
            for template in self.filtered(lambda t: t.state in ("running", "paused", "done")):
                template._reset_next_date()
        return res

    def _reset_next_date(self):
        """The first period after the last one invoiced (the first date when none was), and
        done when the schedule has ended (running again when a later end gives it more)."""
        self.ensure_one()
        if not self._valid_rule():
            return
        following = recurrence.next_after(after=self.last_date, **self._rule(), **self._end())
        values = {"next_date": following}
        if following is None and self.state in ("running", "paused"):
            values["state"] = "done"
        elif following is not None and self.state == "done":
            values["state"] = "running"
        self.write(values)  # neither the schedule nor its end: no recursion

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        # Its invoices name their period through it: a template that made some is stopped, not
        # deleted (the schedule and the invoices stay visible together).
        if self.filtered("invoice_ids"):
            raise UserError(
                self.env._("A recurring invoice that made invoices cannot be deleted; stop it.")
            )

    def copy_data(self, default=None):
        """A copy starts again: from the first date of the same rhythm that is neither in the
        past nor invoiced by the original (not from the original's first date, which would
        make every period since then again)."""
        default = dict(default or {})
        vals_list = super().copy_data(default=default)
        today = fields.Date.context_today(self)
        for template, vals in zip(self, vals_list, strict=True):
            if "name" not in default:
                vals["name"] = self.env._("%s (copy)", template.name)
            if "date_start" in default or not template._valid_rule():
                continue
            start = recurrence.next_on_or_after(day=today, **template._rule())
            if template.last_date:
                start = max(
                    start, recurrence.next_after(after=template.last_date, **template._rule())
                )
            vals["date_start"] = start
            if template.end_type == "date" and template.date_end < start:
                vals.update(end_type="never", date_end=False)
        return vals_list

    # -- buttons --------------------------------------------------------------------------------
    def action_pause(self):
        for template in self:
            if template.state != "running":
                raise UserError(
                    self.env._(
                        "%s is not running: only a running template can be paused.",
                        template.display_name,
                    )
                )
            template.state = "paused"
            template.message_post(body=self.env._("Paused: no invoice is made until resumed."))
        return True

    def action_resume(self):
        """Running again. Periods that fell due while paused are skipped (not invoiced
        afterwards): the next invoice is the first period from today on."""
        today = fields.Date.context_today(self)
        for template in self:
            if template.state != "paused":
                raise UserError(
                    self.env._(
                        "%s is not paused: only a paused template can be resumed.",
                        template.display_name,
                    )
                )
            skipped = []
            following = template.next_date
            while following and following < today:
                skipped.append(following)
                following = recurrence.next_after(
                    after=following, **template._rule(), **template._end()
                )
            values = {"state": "running" if following else "done", "next_date": following}
            if skipped:
                # The skipped periods count as passed: a template that ends by count does not
                # make them up later.
                values["last_date"] = skipped[-1]
            template.write(values)
            body = self.env._("Resumed; next invoice on %s.", following or "-")
            if skipped:
                body = self.env._(
                    "Resumed; %(count)s period(s) while paused not invoiced (%(dates)s); next "
                    "invoice on %(next)s.",
                    count=len(skipped),
                    dates=", ".join(str(day) for day in skipped),
                    next=following or "-",
                )
            template.message_post(body=body)
        return True

    def action_stop(self):
        for template in self:
            if template.state in ("stopped", "done"):
                continue
            template.write({"state": "stopped", "next_date": False})
            template.message_post(
                body=self.env._("Stopped by %s: no more invoices are made.", self.env.user.name)
            )
        return True

    def action_duplicate(self):
        """A copy that starts again (see :meth:`copy_data`), opened to be reviewed."""
        self.ensure_one()
        new = self.copy()
        new.message_post(body=self.env._("Duplicated from %s.", self._get_html_link()))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("stablecoin_recurring_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    def action_generate_due(self):
        """Make the invoices due today now (what the scheduled action does), and say how many
        were made."""
        made = self._generate_due()
        if made:
            message = self.env._("%s invoice(s) made.", len(made))
        else:
            message = self.env._("No invoice is due: the next one is made on its date.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if made else "info",
                "message": message,
                # The template's form shows its new invoices.
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- the scheduled action --------------------------------------------------------------------
    @api.model
    def _cron_generate(self):
        """Scheduled (daily): every running template makes the invoices of its periods due up
        to today, each once; one template failing does not stop the others."""
        today = fields.Date.context_today(self)
        templates = self.search(
            [("state", "=", "running"), ("next_date", "!=", False), ("next_date", "<=", today)],
            order="next_date, id",
        )
        commit = may_commit(self.env)
        # No savepoint around a template: it commits after each of its invoices.
        run_batches(
            self.env,
            templates,
            lambda template: template.with_company(template.company_id)._generate_due(
                today, commit=commit
            ),
            total=len(templates),
            savepoint=False,
        )

    def _generate_due(self, today=None, commit=False):
        """Make the invoices of every period due up to ``today``, oldest first, each with the
        template's advance in one transaction (committed after each invoice when ``commit``:
        the scheduled action outside tests). Stops at the first failure (logged on the
        template's chatter): the next run takes it up again."""
        today = today or fields.Date.context_today(self)
        made = self.env["account.move"]
        Company = self.env["res.company"]
        for template in self:
            # One worker per template and period: another run busy with it is left to it. The
            # lock is taken again after each commit, and the template read again under it.
            while Company._with_locked_records(template, allow_raising=False):
                template.invalidate_recordset(["state", "next_date", "last_date"])
                if not template._due_on(today):
                    break
                period = template.next_date
                try:
                    with self.env.cr.savepoint():
                        invoice = template._invoice_period(period)
                except Exception as exc:  # pylint: disable=broad-except
                    _logger.warning(
                        "Recurring invoice %s: period %s failed", template.id, period, exc_info=True
                    )
                    self.env.invalidate_all()
                    template.message_post(
                        body=self.env._(
                            "The invoice of %(date)s could not be made: %(error)s",
                            date=period,
                            error=str(exc),
                        )
                    )
                    break
                made |= invoice
                template._post_and_send(invoice)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return made

    def _due_on(self, today):
        self.ensure_one()
        return self.state == "running" and bool(self.next_date) and self.next_date <= today

    def _invoice_period(self, period):
        """The invoice of ``period`` (made now unless it exists), and the template advanced
        past it, in one transaction."""
        self.ensure_one()
        # Whoever runs it, every invoice of the template counts (not only those they may read).
        existing = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("stablecoin_recurring_id", "=", self.id),
                    ("stablecoin_recurring_date", "=", period),
                ],
                limit=1,
            )
        )
        invoice = existing.with_env(self.env)
        if not invoice:
            invoice = self._new_invoice(period)
        following = recurrence.next_after(after=period, **self._rule(), **self._end())
        values = {"last_date": period, "next_date": following}
        if following is None:
            values["state"] = "done"
        self.write(values)
        if following is None:
            self.message_post(
                body=self.env._("Done: the last invoice of the schedule (%s) was made.", period)
            )
        return invoice

    def _prepare_invoice_vals(self, period):
        """The values the invoice of ``period`` gets over the copy of the source invoice (as
        ``copy``'s ``default``). The extension hook for the new invoice: override it, call
        ``super()`` and add or change values (OCA ``contract``'s ``_prepare_invoice``)."""
        self.ensure_one()
        source = self.template_move_id
        vals = {
            "invoice_date": period,
            "date": period,
            "partner_id": self.partner_id.id,
            "stablecoin_recurring_id": self.id,
            "stablecoin_recurring_date": period,
            "invoice_origin": self.name,
            "invoice_user_id": (source.invoice_user_id or self.create_uid).id,
        }
        if self.stablecoin_token_ids:
            vals["stablecoin_token_ids"] = [Command.set(self.stablecoin_token_ids.ids)]
        wallet = self.stablecoin_wallet_id or source.stablecoin_wallet_id
        if wallet:
            vals["stablecoin_wallet_id"] = wallet.id
        return vals

    def _new_invoice(self, period):
        """The invoice of ``period``: a copy of the source invoice with
        :meth:`_prepare_invoice_vals`."""
        self.ensure_one()
        invoice = self.template_move_id.with_company(self.company_id).copy(
            self._prepare_invoice_vals(period)
        )
        invoice.message_post(
            body=self.env._(
                "Made by the recurring invoice %(template)s for the period of %(date)s.",
                template=self._get_html_link(),
                date=period,
            )
        )
        return invoice

    def _post_and_send(self, invoice):
        """Post and send ``invoice`` as the template asks. A failure leaves it as it is (a
        draft, or posted and not sent) and is logged on the template and the invoice."""
        self.ensure_one()
        if not self.auto_post or invoice.state != "draft":
            return
        try:
            with self.env.cr.savepoint():
                invoice.action_post()
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning("Recurring invoice %s: posting failed", self.id, exc_info=True)
            self.env.invalidate_all()
            self._log_failure(invoice, self.env._("left as a draft, not posted"), exc)
            return
        if self.auto_send:
            self._send(invoice)

    def _send(self, invoice):
        """Send with Odoo's own sending (the invoice PDF and the invoice email)."""
        if not invoice.partner_id.email:
            self._log_failure(
                invoice,
                self.env._("not sent"),
                self.env._("%s has no email address.", invoice.partner_id.display_name),
            )
            return
        user = invoice.invoice_user_id or self.create_uid
        try:
            with self.env.cr.savepoint():
                self.env["account.move.send"]._generate_and_send_invoices(
                    invoice,
                    from_cron=True,
                    sending_methods={"email"},
                    author_user_id=user.id,
                    author_partner_id=user.partner_id.id,
                )
        except Exception as exc:  # pylint: disable=broad-except
            _logger.warning("Recurring invoice %s: sending failed", self.id, exc_info=True)
            self.env.invalidate_all()
            self._log_failure(invoice, self.env._("not sent"), exc)
            return
        if invoice.sending_data and invoice.sending_data.get("error"):
            # Odoo logged the reason on the invoice.
            invoice.sending_data = False
            self._log_failure(
                invoice, self.env._("not sent"), self.env._("see the invoice's messages")
            )

    def _log_failure(self, invoice, what, error):
        _logger.info("Recurring invoice %s: invoice %s %s: %s", self.id, invoice.id, what, error)
        body = self.env._(
            "%(invoice)s (%(date)s) %(what)s: %(error)s",
            invoice=invoice._get_html_link(),
            date=invoice.stablecoin_recurring_date,
            what=what,
            # A warning with a way out (e.g. a past due date) reads as its message.
            error=error.args[0] if isinstance(error, RedirectWarning) else str(error),
        )
        self.message_post(body=body)

    # -- portal ---------------------------------------------------------------------------------
    def _portal_invoices(self):
        """The invoices the customer sees: posted ones, newest first."""
        self.ensure_one()
        return (
            self.sudo()
            .invoice_ids.filtered(
                lambda m: (
                    m.state == "posted" and m.commercial_partner_id == self.commercial_partner_id
                )
            )
            .sorted(lambda m: (m.stablecoin_recurring_date, m.id), reverse=True)
        )
