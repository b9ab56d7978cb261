# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What people are told of a stablecoin invoice: the customer's payment notices (seen, partly
paid with the remainder, paid, overpaid) with the transaction's explorer link, the
salesperson's Odoo notification, reminders around the due date (once per step, never once
paid or rejected), and the share link and history, in a database with a second company."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mail.models.mail_mail import MailMail

from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestNotifications(StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.network.explorer_tx_url = "https://explorer.example/tx/{hash}"
        cls.other_company = cls.env["res.company"].create({"name": "Second Company"})
        cls.clerk = new_test_user(
            cls.env,
            login="scoin_notice_clerk",
            groups="account.group_account_invoice",
            company_ids=[Command.set((cls.env.company | cls.other_company).ids)],
            company_id=cls.env.company.id,
            notification_type="inbox",
        )
        cls.other_clerk = new_test_user(
            cls.env,
            login="scoin_notice_other",
            groups="account.group_account_invoice",
            company_ids=[Command.set(cls.other_company.ids)],
            company_id=cls.other_company.id,
        )

    def clerk_invoice(self, amount, invoice_date=None, due=None):
        """An invoice the billing clerk makes and posts, as in the Invoicing app (the clerk is
        its salesperson), on an address of its own (partial payments are recognised there)."""
        if not invoice_date:
            return self.invoice_as(self.clerk, amount, wallet=self.hd_wallet)
        with freeze_time(invoice_date):  # issued that day
            return self.invoice_as(
                self.clerk,
                amount,
                wallet=self.hd_wallet,
                invoice_date=invoice_date,
                invoice_date_due=due,
            )

    def notices(self, invoice):
        """The messages the customer got on this invoice, newest first (once the scheduled
        action sending the notices owed has run)."""
        self.env["stablecoin.payment.notice"]._cron_send()
        return invoice.message_ids.filtered(
            lambda m: m.message_type == "auto_comment" and self.partner in m.partner_ids
        )

    def pay_request(self, invoice, units=None):
        request = invoice.stablecoin_request_id
        return self.pay(
            int(units if units is not None else request.amount_units), to=request.address
        )

    # -- payment notices -------------------------------------------------------------------------
    def test_customer_told_seen_then_partly_paid_then_paid_with_explorer_links(self):
        invoice = self.clerk_invoice(100.0)
        due_units = int(invoice.stablecoin_request_id.amount_units)
        first = self.pay_request(invoice, due_units * 6 // 10)
        self.scan()  # one block deep: seen, not final
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")
        seen = self.notices(invoice)
        self.assertEqual(len(seen), 1, "one notice: payment seen")
        self.assertIn("we see your payment", seen.subject)
        self.assertIn(first, seen.body)
        self.assertIn(f"https://explorer.example/tx/{first}", seen.body)

        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        partial = self.notices(invoice) - seen
        self.assertEqual(len(partial), 1)
        self.assertIn("still due", partial.subject)
        self.assertIn("40.00", partial.subject, "the remainder is named")
        # The remainder's own payment instructions come with it.
        self.assertIn(invoice.stablecoin_amount_due_text, partial.body)
        self.assertIn("/report/barcode/?barcode_type=QR", partial.body)

        second = self.pay_request(invoice)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # The outgoing emails are kept to be read, sent or not (Odoo's runner sends and
        # deletes them at once, pytest-odoo's leaves them queued).
        with patch.object(MailMail, "unlink", autospec=True, return_value=True):
            paid = self.notices(invoice) - seen - partial
        # The remainder's transfer was seen and paid at once by settle(): told of once, paid.
        self.assertEqual(len(paid), 1, paid.mapped("subject"))
        self.assertIn("is paid", paid.subject)
        self.assertIn(second, paid.body)
        # Emailed to the customer; the salesperson (the clerk) has it in the Odoo inbox.
        for message in seen | partial | paid:
            kinds = {n.res_partner_id: n.notification_type for n in message.notification_ids}
            self.assertEqual(kinds.get(self.partner), "email")
            self.assertEqual(kinds.get(self.clerk.partner_id), "inbox")
        # Visible on the customer's portal page of the invoice (public messages).
        self.assertFalse(paid.subtype_id.internal)
        # The customer's email leads to the invoice, named as such (not "Journal Entry").
        emails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", paid.id)])
        body = " ".join(emails.mapped("body_html"))
        self.assertIn("View Invoice", body)
        self.assertNotIn("Journal Entry", body)

    def test_overpaid_invoice_tells_the_customer_of_the_credit(self):
        invoice = self.clerk_invoice(50.0)
        self.pay_request(invoice, int(invoice.stablecoin_request_id.amount_units) + 10_000_000)
        self.settle()
        self.assertEqual(invoice.stablecoin_payment_status, "overpaid")
        notice = self.notices(invoice)
        self.assertEqual(len(notice), 1)
        self.assertIn("more than was due", notice.subject)
        self.assertIn("credit", notice.body)

    def test_notices_off_for_the_company_sends_none(self):
        self.env.company.stablecoin_notify_customer = False
        invoice = self.clerk_invoice(30.0)
        self.pay_request(invoice)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(self.notices(invoice))

    def test_a_notice_that_fails_does_not_stop_the_payment(self):
        invoice = self.clerk_invoice(20.0)
        other = self.clerk_invoice(21.0)
        self.pay_request(invoice)
        self.pay_request(other)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertIn(other.payment_state, ("paid", "in_payment"))
        queued = self.env["stablecoin.payment.notice"].search(
            [("move_id", "in", (invoice | other).ids)]
        )
        self.assertEqual(queued.mapped("code"), ["invoice.paid", "invoice.paid"])
        self.assertEqual(set(queued.mapped("state")), {"pending"}, "owed, sent after commit")
        AccountMove = type(self.env["account.move"])
        with (
            patch.object(
                AccountMove, "_stablecoin_notify_customer", side_effect=RuntimeError("mail down")
            ),
            self.assertLogs("odoo.addons.stablecoin_invoicing.models.stablecoin_payment_notice"),
        ):
            self.env["stablecoin.payment.notice"]._cron_send()
        self.assertEqual(set(queued.mapped("state")), {"failed"})
        self.assertIn("mail down", queued[0].error)
        self.assertFalse(self.notices(invoice) | self.notices(other), "not sent twice either")

    # -- reminders -------------------------------------------------------------------------------
    def run_reminders(self, day):
        with freeze_time(day):
            self.env["stablecoin.reminder.step"]._cron_send_reminders()

    def reminders(self, invoice):
        return self.notices(invoice).filtered(
            lambda m: "due on" in m.subject or "overdue" in m.subject
        )

    def test_reminders_once_per_step_with_amount_qr_and_link(self):
        invoice = self.clerk_invoice(75.0, date(2026, 5, 1), date(2026, 5, 31))
        self.run_reminders("2026-05-27")  # before the first step (-3)
        self.assertFalse(self.reminders(invoice))
        self.run_reminders("2026-05-28")
        upcoming = self.reminders(invoice)
        self.assertEqual(len(upcoming), 1)
        self.assertIn("is due on", upcoming.subject)
        self.assertIn(invoice.stablecoin_amount_due_text, upcoming.body)
        self.assertIn("/report/barcode/?barcode_type=QR", upcoming.body)
        self.assertIn(invoice.stablecoin_share_url, upcoming.body.replace("&amp;", "&"))
        self.run_reminders("2026-05-28")
        self.run_reminders("2026-05-30")
        self.assertEqual(len(self.reminders(invoice)), 1, "sent once per step")
        self.run_reminders("2026-06-01")
        overdue = self.reminders(invoice) - upcoming
        self.assertEqual(len(overdue), 1)
        self.assertIn("overdue", overdue.subject)
        self.assertEqual(
            invoice.stablecoin_reminder_ids.mapped("state"), ["sent", "sent"], "logged per step"
        )
        # The customer opens the link without logging in and sees what is due.
        self.authenticate(None, None)
        page = self.url_open(invoice.stablecoin_share_url[len(invoice.get_base_url()) :])
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.stablecoin_amount_due_text, page.text)

    def test_no_reminder_once_paid_or_rejected(self):
        paid = self.clerk_invoice(40.0, date(2026, 5, 1), date(2026, 5, 31))
        rejected = self.clerk_invoice(41.0, date(2026, 5, 1), date(2026, 5, 31))
        self.pay_request(paid)
        self.settle()
        rejected._stablecoin_reject("Not ours")
        self.run_reminders("2026-06-09")
        self.assertFalse(self.reminders(paid))
        self.assertFalse(self.reminders(rejected))
        self.assertFalse(paid.stablecoin_reminder_ids | rejected.stablecoin_reminder_ids)

    def test_late_run_sends_only_the_latest_step(self):
        invoice = self.clerk_invoice(42.0, date(2026, 5, 1), date(2026, 5, 31))
        self.run_reminders("2026-06-08")  # the job did not run for days: -3, +1 and +7 are due
        sent = self.reminders(invoice)
        self.assertEqual(len(sent), 1, "one email, not three")
        reminders = invoice.stablecoin_reminder_ids
        self.assertEqual(
            sorted((r.step_id.offset_days, r.state) for r in reminders),
            [(-3, "skipped"), (1, "skipped"), (7, "sent")],
        )
        self.run_reminders("2026-06-09")
        self.assertEqual(len(self.reminders(invoice)), 1)

    def test_an_invoice_issued_after_a_step_skips_it(self):
        invoice = self.clerk_invoice(43.0, date(2026, 5, 30), date(2026, 5, 31))
        self.run_reminders("2026-05-30")
        self.assertFalse(
            self.reminders(invoice), "no 'due in 3 days' reminder the day it is issued"
        )
        self.assertEqual(invoice.stablecoin_reminder_ids.state, "skipped")

    def test_steps_are_per_company(self):
        self.assertFalse(
            self.env["stablecoin.reminder.step"]
            .with_user(self.other_clerk)
            .search([("company_id", "=", self.env.company.id)]),
            "another company's clerk does not see this company's steps",
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=self.other_company, install_demo=False
        )
        invoice = (
            self.env["account.move"]
            .with_user(self.other_clerk)
            .with_company(self.other_company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "currency_id": self.usdc_currency.id,
                    "invoice_date": date(2026, 5, 1),
                    "invoice_date_due": date(2026, 5, 31),
                    "invoice_line_ids": [
                        Command.create({"name": "Work", "price_unit": 10.0, "tax_ids": []})
                    ],
                }
            )
        )
        other_wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Second company wallet",
                "company_id": self.other_company.id,
                "kind": "address",
                "address": "0x00000000000000000000000000000000000000a1",
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        invoice.stablecoin_token_id = self.token_usdc
        invoice.sudo().stablecoin_wallet_id = other_wallet
        with freeze_time("2026-05-01"):
            invoice.with_user(self.other_clerk).action_post()
        self.run_reminders("2026-06-08")
        self.assertFalse(invoice.stablecoin_reminder_ids, "the second company set no steps")

    # -- share link and history ---------------------------------------------------------------
    def test_share_link_and_history_as_the_clerk(self):
        invoice = self.clerk_invoice(12.5)
        as_clerk = invoice.with_user(self.clerk)
        link = as_clerk.stablecoin_share_url
        self.assertIn(f"/my/invoices/{invoice.id}", link)
        self.assertIn(f"access_token={invoice.access_token}", link)
        partner = self.partner.with_user(self.clerk)
        self.assertGreaterEqual(partner.stablecoin_invoice_count, 1)
        action = partner.action_view_stablecoin_invoices()
        history = self.env["account.move"].with_user(self.clerk).search(action["domain"])
        self.assertIn(invoice, history)
        rows = history.read(
            ["name", "amount_residual", "stablecoin_payment_status", "stablecoin_share_url"]
        )
        self.assertIn(link, [row["stablecoin_share_url"] for row in rows])
        # Another company's clerk sees none of it.
        self.assertNotIn(
            invoice,
            self.env["account.move"].with_user(self.other_clerk).search(action["domain"]),
        )
