# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recurring invoice templates: one invoice per period, whatever the scheduled action does
(runs daily, twice a day, late, or dies in the middle), pause, resume, stop, ends, companies,
sending, and twelve monthly invoices of one amount each paid once."""

from datetime import date, timedelta
from unittest.mock import patch

from lxml import html
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.stablecoin_invoicing.tests.common import StablecoinInvoiceMixin
from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from ..models.stablecoin_recurring_invoice import StablecoinRecurringInvoice


class RecurringMixin(StablecoinInvoiceMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Second Company"})
        cls.clerk = cls.company_user(
            "scoin_recurring_clerk",
            "account.group_account_invoice",
            [cls.env.company, cls.other_company],
        )
        cls.Recurring = cls.env["stablecoin.recurring.invoice"]

    def clerk_invoice(self, amount=120.0, partner=None, invoice_date=None, terms=None):
        """A customer invoice created and posted by the billing clerk."""
        return self.invoice_as(
            self.clerk,
            amount,
            partner_id=(partner or self.partner).id,
            invoice_date=invoice_date,
            invoice_payment_term_id=terms and terms.id,
        )

    def clerk_template(self, start, amount=120.0, terms=None, **values):
        """A template the clerk makes from an invoice with Make Recurring."""
        source = self.clerk_invoice(amount, terms=terms)
        action = source.with_user(self.clerk).action_stablecoin_make_recurring()
        form = Form(self.Recurring.with_user(self.clerk).with_context(**action["context"]))
        form.date_start = start
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def run_cron(self):
        """What the daily scheduled action does (as the cron's user)."""
        self.Recurring._cron_generate()

    def run_cron_on(self, day, frozen=None):
        if frozen is None:
            with freeze_time(f"{day} 12:00:00"):
                self.run_cron()
        else:
            frozen.move_to(f"{day} 12:00:00")
            self.run_cron()

    def run_daily(self, first, last, twice_on=()):
        """The cron once a day from ``first`` to ``last`` (twice on the days ``twice_on``)."""
        with freeze_time(f"{first} 12:00:00") as frozen:
            day = first
            while day <= last:
                self.run_cron_on(day, frozen)
                if day in twice_on:
                    self.run_cron_on(day, frozen)
                day += timedelta(days=1)

    def periods(self, template):
        return sorted(template.invoice_ids.mapped("stablecoin_recurring_date"))

    def assertLogged(self, record, text):
        bodies = [str(body) for body in record.message_ids.mapped("body")]
        self.assertTrue(any(text in body for body in bodies), f"{text!r} not in {bodies}")


@tagged("post_install", "-at_install")
class TestRecurringSchedule(RecurringMixin, TransactionCase):
    def test_make_recurring_prefills_from_the_invoice(self):
        source = self.clerk_invoice(75.0, invoice_date=date(2026, 1, 31))
        action = source.with_user(self.clerk).action_stablecoin_make_recurring()
        form = Form(self.Recurring.with_user(self.clerk).with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.partner)
        self.assertEqual(form.template_move_id, source)
        self.assertEqual(form.date_start, date(2026, 2, 28), "one period after the invoice")
        self.assertEqual(form.interval_type, "monthly")
        self.assertEqual(form.stablecoin_wallet_id, self.wallet)
        self.assertEqual(list(form.stablecoin_token_ids.ids), source.stablecoin_token_ids.ids)
        template = form.save()
        self.assertEqual(template.state, "running")
        self.assertEqual(template.next_date, date(2026, 2, 28))
        self.assertEqual(template.company_id, self.env.company)
        self.assertEqual(source.stablecoin_recurring_count, 1)
        self.assertFalse(source.stablecoin_recurring_id, "the source is not one of its invoices")

    def test_made_through_the_api_from_the_invoice_alone(self):
        """XML-RPC's create with the source invoice and the rhythm: the rest as the form."""
        source = self.clerk_invoice(75.0, invoice_date=date(2026, 1, 31))
        template = self.Recurring.with_user(self.clerk).create(
            {"template_move_id": source.id, "interval_type": "weekly", "interval": 2}
        )
        self.assertEqual(
            (template.partner_id, template.stablecoin_wallet_id, template.date_start),
            (self.partner, self.wallet, date(2026, 2, 14)),
        )
        self.assertEqual(template.stablecoin_token_ids, source.stablecoin_token_ids)
        self.assertTrue(template.name)

    def test_a_year_of_daily_runs_makes_twelve_invoices(self):
        template = self.clerk_template(date(2025, 1, 31))
        expected = [
            date(2025, 1, 31),
            date(2025, 2, 28),
            date(2025, 3, 31),
            date(2025, 4, 30),
            date(2025, 5, 31),
            date(2025, 6, 30),
            date(2025, 7, 31),
            date(2025, 8, 31),
            date(2025, 9, 30),
            date(2025, 10, 31),
            date(2025, 11, 30),
            date(2025, 12, 31),
        ]
        # Once a day for a year, twice on some days (period days and others).
        self.run_daily(
            date(2025, 1, 30),
            date(2026, 1, 30),
            twice_on={date(2025, 1, 31), date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 30)},
        )
        invoices = template.invoice_ids.sorted("stablecoin_recurring_date")
        self.assertEqual(len(invoices), 12)
        self.assertEqual(invoices.mapped("stablecoin_recurring_date"), expected)
        self.assertEqual(invoices.mapped("invoice_date"), expected, "each dated in its period")
        self.assertEqual(len({(d.year, d.month) for d in invoices.mapped("invoice_date")}), 12)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(set(invoices.mapped("amount_total")), {120.0})
        self.assertEqual(template.next_date, date(2026, 1, 31))
        self.assertEqual(template.last_date, date(2025, 12, 31))
        self.assertEqual(template.invoice_count, 12)
        # Auto-post: each has its own payment request, asking for its own amount.
        requests = invoices.stablecoin_request_id
        self.assertEqual(len(requests), 12)
        self.assertEqual(requests.move_id, invoices)
        self.assertEqual(len({i._stablecoin_current_request().amount_units for i in invoices}), 12)
        self.assertEqual(invoices.stablecoin_wallet_id, self.wallet)
        self.assertEqual(invoices.stablecoin_token_id, self.token_usdc)

    def test_new_templates_send_by_email(self):
        """Send by Email is on for a new template: its invoices reach the customer."""
        template = self.clerk_template(date(2026, 1, 31))
        self.assertTrue(template.auto_send)
        with freeze_time("2026-02-01 12:00:00"):
            template.with_user(self.clerk).action_generate_due()
        self.assertTrue(template.invoice_ids.is_move_sent)

    def test_schedule_is_shown_on_the_template(self):
        template = self.clerk_template(date(2026, 1, 31))
        self.assertEqual(template.schedule_summary[:11], "Every month")
        self.assertIn("until stopped", template.schedule_summary)
        self.assertEqual(len(template.upcoming_dates.splitlines()), 5)
        self.assertEqual(template._upcoming(), [
            date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
            date(2026, 5, 31),
        ])  # fmt: skip
        with freeze_time("2026-02-01 12:00:00"):
            # Make Due Invoices, by hand: it says what it made, then nothing more to make.
            made = template.with_user(self.clerk).action_generate_due()
            again = template.with_user(self.clerk).action_generate_due()
        self.assertEqual(made["tag"], "display_notification")
        self.assertEqual(made["params"]["message"], "1 invoice(s) made.")
        self.assertIn("No invoice is due", again["params"]["message"])
        self.assertEqual(template.invoice_ids.state, "posted")
        self.assertEqual(template._upcoming()[0], date(2026, 2, 28))
        self.assertEqual(template.invoice_ids.stablecoin_recurring_date, date(2026, 1, 31))

    def test_run_late_makes_each_missed_period_once(self):
        template = self.clerk_template(date(2025, 3, 10), auto_post=False)
        self.run_cron_on(date(2025, 3, 10))
        self.assertEqual(self.periods(template), [date(2025, 3, 10)])
        # No run for three months: the missed periods, each once, each dated in its period.
        self.run_cron_on(date(2025, 6, 12))
        self.assertEqual(
            self.periods(template),
            [date(2025, 3, 10), date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10)],
        )
        self.assertEqual(
            sorted(template.invoice_ids.mapped("invoice_date")), self.periods(template)
        )
        self.run_cron_on(date(2025, 6, 12))
        self.assertEqual(len(template.invoice_ids), 4)
        self.assertEqual(template.next_date, date(2025, 7, 10))

    def test_run_late_with_auto_post_loses_no_invoice(self):
        """Invoices made late are posted, unless their terms make them due already: those
        stay drafts for the clerk (a stablecoin request is never due before it is sent), said
        on the template."""
        immediate = self.clerk_template(date(2025, 3, 10))
        in_15_days = self.clerk_template(
            date(2025, 3, 10), terms=self.env.ref("account.account_payment_term_15days")
        )
        self.run_cron_on(date(2025, 3, 10))
        self.run_cron_on(date(2025, 6, 12))
        self.assertEqual(len(immediate.invoice_ids), 4)
        self.assertEqual(set(immediate.invoice_ids.mapped("state")), {"posted"})
        self.assertEqual(len(immediate.invoice_ids.stablecoin_request_id), 4)
        late = in_15_days.invoice_ids.sorted("stablecoin_recurring_date")
        self.assertEqual(late.mapped("stablecoin_recurring_date"), self.periods(immediate))
        self.assertEqual(late.mapped("state"), ["posted", "draft", "draft", "posted"])
        self.assertEqual(late[1].invoice_date_due, date(2025, 4, 25))
        self.assertLogged(in_15_days, "left as a draft")
        self.assertEqual(in_15_days.next_date, date(2025, 7, 10))

    def test_a_run_killed_mid_way_makes_none_extra_and_none_missing(self):
        template = self.clerk_template(date(2025, 1, 15), auto_post=False)
        original = StablecoinRecurringInvoice._new_invoice
        calls = []

        def dies_at_the_second(record, period):
            calls.append(period)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(record, period)

        with patch.object(StablecoinRecurringInvoice, "_new_invoice", dies_at_the_second):
            self.run_cron_on(date(2025, 4, 20))
        self.assertEqual(self.periods(template), [date(2025, 1, 15)])
        self.assertEqual(template.next_date, date(2025, 2, 15), "advanced with its invoice only")
        self.assertLogged(template, "worker killed")
        self.run_cron_on(date(2025, 4, 20))
        self.assertEqual(
            self.periods(template),
            [date(2025, 1, 15), date(2025, 2, 15), date(2025, 3, 15), date(2025, 4, 15)],
        )

        # Killed after the invoice of a period was committed, before the template advanced:
        # the next run finds it and only advances.
        with freeze_time("2025-05-15 12:00:00"):
            lost = template._new_invoice(date(2025, 5, 15))
        self.assertEqual(template.next_date, date(2025, 5, 15))
        self.run_cron_on(date(2025, 5, 16))
        self.assertEqual(len(template.invoice_ids), 5)
        self.assertIn(lost, template.invoice_ids)
        self.assertEqual(template.next_date, date(2025, 6, 15))

        # And the database refuses a second invoice of a period.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            template._new_invoice(date(2025, 5, 15))
            self.env.flush_all()

    def test_the_customer_of_a_template_that_invoiced_stays(self):
        """Its invoices (and their pages, listed under /my/recurring) are that customer's:
        another customer is a new template."""
        template = self.clerk_template(date(2025, 1, 10), auto_post=False)
        self.run_cron_on(date(2025, 1, 10))
        other = self.env["res.partner"].create({"name": "Someone else"})
        with self.assertRaises(UserError) as e:
            template.with_user(self.clerk).partner_id = other
        self.assertIn("Customer", str(e.exception))

    def test_pause_resume_stop(self):
        template = self.clerk_template(date(2025, 1, 10), auto_post=False)
        self.run_cron_on(date(2025, 1, 10))
        as_clerk = template.with_user(self.clerk)
        as_clerk.action_pause()
        self.assertEqual(template.state, "paused")
        self.run_daily(date(2025, 2, 9), date(2025, 3, 20))
        self.assertEqual(len(template.invoice_ids), 1, "nothing while paused")
        with freeze_time("2025-03-20 12:00:00"):
            as_clerk.action_resume()
        self.assertEqual(template.state, "running")
        # The periods of February and March went by while paused: not invoiced afterwards.
        self.assertEqual(template.next_date, date(2025, 4, 10))
        self.assertLogged(template, "2 period(s)")
        self.run_daily(date(2025, 3, 20), date(2025, 4, 11))
        self.assertEqual(self.periods(template), [date(2025, 1, 10), date(2025, 4, 10)])

        as_clerk.action_stop()
        self.assertEqual((template.state, template.next_date), ("stopped", False))
        self.assertLogged(template, "Stopped by")
        self.run_daily(date(2025, 5, 9), date(2025, 5, 11))
        self.run_cron_on(date(2026, 1, 10))
        self.assertEqual(len(template.invoice_ids), 2, "no more invoices once stopped")
        with self.assertRaises(UserError):
            as_clerk.action_resume()
        with self.assertRaises(UserError):
            as_clerk.unlink()

    def test_duplicate_starts_again(self):
        template = self.clerk_template(date(2025, 1, 10), auto_post=False)
        self.run_cron_on(date(2025, 2, 11))
        template.with_user(self.clerk).action_stop()
        with freeze_time("2025-06-20 12:00:00"):
            action = template.with_user(self.clerk).action_duplicate()
        copy = self.Recurring.browse(action["res_id"])
        self.assertNotEqual(copy, template)
        self.assertEqual(copy.state, "running")
        self.assertEqual(copy.date_start, date(2025, 7, 10), "same rhythm, not in the past")
        self.assertEqual(copy.next_date, date(2025, 7, 10))
        self.assertFalse(copy.invoice_ids)
        self.assertEqual(copy.template_move_id, template.template_move_id)
        self.run_cron_on(date(2025, 7, 10))
        self.assertEqual(len(copy.invoice_ids), 1)
        self.assertEqual(len(template.invoice_ids), 2)
        # Odoo's own Duplicate (the form's gear menu) starts again too, never in the past.
        with freeze_time("2025-08-01 12:00:00"):
            again = template.with_user(self.clerk).copy()
        self.assertEqual((again.date_start, again.state), (date(2025, 8, 10), "running"))

    def test_end_by_count_and_by_date(self):
        by_count = self.clerk_template(
            date(2025, 1, 31), auto_post=False, end_type="count", max_count=3
        )
        by_date = self.clerk_template(
            date(2025, 1, 31), auto_post=False, end_type="date", date_end=date(2025, 4, 30)
        )
        self.assertEqual(by_count.remaining_count, 3)
        self.run_daily(date(2025, 1, 31), date(2025, 3, 1))
        self.run_cron_on(date(2025, 12, 31))  # late, and long past both ends
        self.assertEqual(
            self.periods(by_count), [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
        )
        self.assertEqual(self.periods(by_date)[-1], date(2025, 4, 30))
        self.assertEqual(len(by_date.invoice_ids), 4)
        for template in by_count | by_date:
            self.assertEqual((template.state, template.next_date), ("done", False))
        # A later end gives it more: running again, from where it stopped.
        by_count.with_user(self.clerk).max_count = 4
        self.assertEqual((by_count.state, by_count.next_date), ("running", date(2025, 4, 30)))

    def test_weekly_every_two_weeks(self):
        template = self.clerk_template(
            date(2025, 3, 3), auto_post=False, interval_type="weekly", interval=2
        )
        self.run_cron_on(date(2025, 4, 14))
        self.assertEqual(
            self.periods(template),
            [date(2025, 3, 3), date(2025, 3, 17), date(2025, 3, 31), date(2025, 4, 14)],
        )

    def test_an_extension_adds_values_to_each_new_invoice(self):
        """``_prepare_invoice_vals`` is the seam: an addon's override (here, a reference per
        period) reaches every invoice made, the template's own values kept."""
        template = self.clerk_template(date(2025, 1, 10), auto_post=False)
        original = StablecoinRecurringInvoice._prepare_invoice_vals

        def with_reference(record, period):
            return dict(original(record, period), ref=f"Hosting {period:%Y-%m}")

        with patch.object(StablecoinRecurringInvoice, "_prepare_invoice_vals", with_reference):
            self.run_cron_on(date(2025, 2, 10))
        invoices = template.invoice_ids.sorted("stablecoin_recurring_date")
        self.assertEqual(invoices.mapped("ref"), ["Hosting 2025-01", "Hosting 2025-02"])
        self.assertEqual(invoices.mapped("invoice_date"), [date(2025, 1, 10), date(2025, 2, 10)])
        self.assertEqual(invoices.stablecoin_recurring_id, template)

    def test_invalid_templates_are_refused_naming_the_field(self):
        source = self.clerk_invoice()
        Recurring = self.Recurring.with_user(self.clerk)
        base = {
            "name": "x",
            "template_move_id": source.id,
            "partner_id": self.partner.id,
            "date_start": date(2026, 1, 1),
        }
        cases = [
            ({"interval": 0}, "Repeat Every"),
            ({"end_type": "count", "max_count": 0}, "Number of Invoices"),
            ({"end_type": "date", "date_end": date(2025, 12, 31)}, "End Date"),
            ({"end_type": "date", "date_end": False}, "End Date"),
        ]
        refund = source.with_user(self.clerk)._reverse_moves()
        cases.append(({"template_move_id": refund.id}, "Source Invoice"))
        other_token = self.env.ref("stablecoin_wallet.stablecoin_token_usdc_base")
        self.env.company.stablecoin_token_ids = self.token_usdc
        cases.append(({"stablecoin_token_ids": [Command.set(other_token.ids)]}, "Accepted Tokens"))
        for values, field in cases:
            with self.subTest(field=field, values=values):
                with self.assertRaises(ValidationError) as e, self.cr.savepoint():
                    Recurring.create(base | values)
                self.assertIn(field, str(e.exception))
        # The schedule of a template that made invoices is fixed.
        template = Recurring.create(base | {"auto_post": False})
        self.run_cron_on(date(2026, 1, 2))
        with self.assertRaises(UserError) as e:
            template.interval = 2
        self.assertIn("Repeat Every", str(e.exception))

    def test_auto_send_and_a_send_failure_loses_nothing(self):
        sent = self.clerk_template(date(2025, 5, 5), auto_send=True)
        nobody = self.env["res.partner"].create({"name": "No email"})
        failing = self.clerk_template(date(2025, 5, 5), auto_send=True, partner_id=nobody)
        self.run_cron_on(date(2025, 5, 5))
        invoice = sent.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.is_move_sent)
        emails = invoice.message_ids.filtered(lambda m: self.partner in m.partner_ids)
        self.assertTrue(emails, "the invoice email went to the customer")
        self.assertIn(invoice.stablecoin_address, emails[0].body, "with how to pay")
        # The other: posted, not sent, said on its template; the first one went on.
        self.assertEqual(failing.invoice_ids.state, "posted")
        self.assertFalse(failing.invoice_ids.is_move_sent)
        self.assertLogged(failing, "not sent")
        self.assertEqual(failing.next_date, date(2025, 6, 5))


@tagged("post_install", "-at_install")
class TestRecurringCompanies(RecurringMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.other_company, install_demo=False
        )
        cls.other_clerk = new_test_user(
            cls.env,
            login="scoin_recurring_clerk_2",
            groups="account.group_account_invoice",
            company_ids=[Command.set(cls.other_company.ids)],
            company_id=cls.other_company.id,
        )

    def test_a_second_company_is_untouched_and_invisible(self):
        ours = self.clerk_template(date(2025, 1, 20), auto_post=False)
        Move = self.env["account.move"].with_user(self.other_clerk)
        source = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "invoice_line_ids": [Command.create({"name": "Support", "price_unit": 50.0})],
            }
        )
        self.assertEqual(source.company_id, self.other_company)
        theirs = (
            self.Recurring.with_user(self.other_clerk)
            .with_context(default_template_move_id=source.id)
            .create({"date_start": date(2025, 1, 15), "auto_post": False})
        )
        self.assertEqual(theirs.company_id, self.other_company)
        self.run_cron_on(date(2025, 2, 20))
        self.assertEqual(len(ours.invoice_ids), 2)
        self.assertEqual(len(theirs.invoice_ids), 2)
        self.assertEqual(theirs.invoice_ids.company_id, self.other_company)
        self.assertEqual(ours.invoice_ids.company_id, self.env.company)
        # Each company's clerk sees its own templates only.
        self.assertEqual(self.Recurring.with_user(self.other_clerk).search([]), theirs)
        with self.assertRaises(AccessError):
            ours.with_user(self.other_clerk).read(["name"])
        # Stopping ours leaves theirs running.
        ours.with_user(self.clerk).action_stop()
        self.run_cron_on(date(2025, 3, 20))
        self.assertEqual(len(ours.invoice_ids), 2)
        self.assertEqual(len(theirs.invoice_ids), 3)
        self.assertEqual(theirs.state, "running")


@tagged("post_install", "-at_install")
class TestRecurringPaid(RecurringMixin, TransactionCase):
    def test_twelve_monthly_invoices_of_one_amount_each_paid_once(self):
        """On the shared address: each invoice asks for its own amount, and each payment of
        exactly what its page shows pays that invoice, once."""
        template = self.clerk_template(date(2025, 1, 31), amount=49.0)
        with freeze_time("2025-01-31 12:00:00") as frozen:
            for day in template._upcoming(limit=12):
                self.run_cron_on(day, frozen)
        invoices = template.invoice_ids.sorted("stablecoin_recurring_date")
        self.assertEqual(len(invoices), 12)
        asked = {}
        for invoice in invoices:
            request = parse_erc20_transfer_uri(invoice.stablecoin_payment_uri)
            self.assertEqual(request.recipient.lower(), self.merchant.lower())
            self.assertEqual(
                str(request.amount), invoice._stablecoin_current_request().amount_units
            )
            asked[invoice] = request
        self.assertEqual(len({r.amount for r in asked.values()}), 12, "each its own amount")
        hashes = {}
        for invoice in reversed(invoices):  # paid in another order than made
            request = asked[invoice]
            hashes[invoice] = self.pay(request.amount, to=request.recipient)
        self.settle()
        self.run_crons()  # again: nothing more
        for invoice in invoices:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
            self.assertEqual(invoice.stablecoin_payment_status, "paid")
            transfers = invoice.stablecoin_transfer_ids
            self.assertEqual(len(transfers), 1)
            self.assertEqual(transfers.tx_hash, hashes[invoice])
            self.assertEqual(transfers.payment_id.memo, hashes[invoice])
        payments = self.env["account.payment"].search([("memo", "in", list(hashes.values()))])
        self.assertEqual(len(payments), 12)
        self.assertFalse(
            self.env["stablecoin.transfer"].search(
                [("network_id", "=", self.network.id), ("state", "=", "unmatched")]
            )
        )
        self.assertEqual(template.invoice_paid_count, 12)


@tagged("post_install", "-at_install")
class TestRecurringPortal(RecurringMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="scoin_recurring_portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id.email = "portal.customer@example.com"
        cls.stranger = new_test_user(
            cls.env, login="scoin_recurring_stranger", groups="base.group_portal"
        )

    def test_the_customer_sees_the_arrangement(self):
        today = date.today()
        source = self.clerk_invoice(30.0, partner=self.portal_user.partner_id)
        template = (
            self.Recurring.with_user(self.clerk)
            .with_context(default_template_move_id=source.id)
            .create({"name": "Hosting", "date_start": today})
        )
        self.run_cron()
        invoice = template.invoice_ids
        self.assertEqual(invoice.state, "posted")

        # The invoice's page (by its link) says it is recurring, and until when.
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        block = page.xpath("string(//div[@id='stablecoin_portal_recurring'])")
        self.assertIn("Every month", block)
        self.assertIn("until stopped", block)
        self.assertIn("next invoice on", block)
        self.assertTrue(page.xpath("//div[@id='stablecoin_portal_payment']"), "the card too")
        other = self.clerk_invoice(30.0)
        page = html.fromstring(self.url_open(other.get_portal_url()).content)
        self.assertFalse(page.xpath("//div[@id='stablecoin_portal_recurring']"))

        # Logged in: the list of arrangements, with the invoice.
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/recurring")
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        cards = page.xpath("//div[hasclass('o_stablecoin_recurring_card')]")
        self.assertEqual([int(c.get("data-id")) for c in cards], template.ids)
        self.assertIn("Hosting", cards[0].text_content())
        links = cards[0].xpath(".//tr[hasclass('o_stablecoin_recurring_invoice')]//a/@href")
        self.assertEqual(len(links), 1)
        self.assertIn(f"/my/invoices/{invoice.id}", links[0])
        home = self.url_open("/my/home")
        self.assertIn('href="/my/recurring"', home.text)

        template.with_user(self.clerk).action_stop()
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        block = page.xpath("string(//div[@id='stablecoin_portal_recurring'])")
        self.assertIn("Stopped", block)
        self.assertNotIn("next invoice on", block)

        # Another customer sees none of it.
        self.authenticate(self.stranger.login, self.stranger.login)
        page = html.fromstring(self.url_open("/my/recurring").content)
        self.assertFalse(page.xpath("//div[hasclass('o_stablecoin_recurring_card')]"))
        with self.assertRaises(AccessError):
            template.with_user(self.stranger).read(["name"])
