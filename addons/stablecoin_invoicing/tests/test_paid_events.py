# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every path that pays a stablecoin invoice tells the customer and the company's systems once:
the matcher, an accountant's *Register Payment* (in full or in part), the customer paying from
their balance on the portal. The events come from Odoo's own reconciliation, not from one of
the paths. The company's systems are told through ``account.move._stablecoin_publish`` (the
hook the webhooks addon sends from): each call is recorded here, and passed on."""

import json
from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin

EVENTS = ("invoice.paid", "invoice.partially_paid", "invoice.overpaid")


@tagged("post_install", "-at_install")
class TestPaidEvents(ClerkInvoicesMixin, StablecoinInvoiceMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.company_user(
            "scoin_paid_events_accountant",
            "account.group_account_manager",
            [cls.env.company],
        )

    def setUp(self):
        super().setUp()
        self.published = []  # (invoice id, event code, the event's data as JSON)
        Move = self.registry["account.move"]
        publish = Move._stablecoin_publish

        def recording_publish(move, code, transfer=None):
            data = json.dumps(move._stablecoin_event_data(transfer), default=str)
            self.published.append((move.id, code, data))
            return publish(move, code, transfer)

        self.patch(Move, "_stablecoin_publish", recording_publish)

    def events(self, invoice):
        """The payment events published for the company's systems about ``invoice``, oldest
        first, and the customer's notices (by event code)."""
        hooks = [
            code
            for move_id, code, _data in self.published
            if move_id == invoice.id and code in EVENTS
        ]
        notices = (
            self.env["stablecoin.payment.notice"]
            .sudo()
            .search([("move_id", "=", invoice.id)], order="id")
            .mapped("code")
        )
        return hooks, notices

    def register_payment(self, user, invoice, amount, journal=None):
        """*Register Payment* on the invoice, as ``user`` does it from the form."""
        vals = {"amount": amount, "payment_difference_handling": "open"}
        if journal:
            vals["journal_id"] = journal.id
        wizard = (
            self.env["account.payment.register"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(vals)
        )
        return wizard.action_create_payments()

    def test_register_payment_in_two_parts_tells_each_once(self):
        invoice = self.make_invoice(100.0)
        first_request = invoice.stablecoin_request_id
        self.register_payment(self.accountant, invoice, 40.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(
            self.events(invoice), (["invoice.partially_paid"], ["invoice.partially_paid"])
        )
        # The request learned it; what remains has its own request (and QR code).
        self.assertEqual(first_request.state, "partial")
        self.assertNotEqual(invoice.stablecoin_request_id, first_request)
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "60000000")

        self.register_payment(self.accountant, invoice, 60.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            self.events(invoice),
            (
                ["invoice.partially_paid", "invoice.paid"],
                ["invoice.partially_paid", "invoice.paid"],
            ),
        )
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        self.assertFalse(invoice.stablecoin_payment_uri, "nothing more to pay")
        # The customer's email names what the accountant recorded.
        self.env["stablecoin.payment.notice"]._cron_send()
        paid = invoice.message_ids.filtered(
            lambda m: m.message_type == "auto_comment" and "is paid" in (m.subject or "")
        )
        self.assertEqual(len(paid), 1)
        self.assertIn("60.00", paid.body)

    def test_the_matcher_still_tells_once(self):
        invoice = self.make_invoice(30.0, wallet=self.hd_wallet)
        self.pay(30_000_000, to=invoice.stablecoin_request_id.address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        hooks, notices = self.events(invoice)
        self.assertEqual(hooks, ["invoice.paid"])
        self.assertEqual(notices.count("invoice.paid"), 1)

    def test_one_run_wakes_the_notices_job_once(self):
        """Three receipts paid in one run of the watcher and the matcher: a notice owed for
        each, one wake-up of the job that sends them (not one per receipt)."""
        cron = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_notices")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        invoices = [self.make_invoice(amount, wallet=self.hd_wallet) for amount in (5, 6, 7)]
        for invoice in invoices:
            self.pay(int(invoice.amount_total * 10**6), to=invoice.stablecoin_request_id.address)
        self.settle()
        for invoice in invoices:
            self.assertEqual(self.events(invoice)[1][-1:], ["invoice.paid"])
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]) - before, 1)

    def test_pay_from_balance_on_the_portal_tells_once(self):
        # Two earlier overpayments: two credit lines, one payment of the invoice from them.
        for amount in (10.0, 10.0):
            earlier = self.make_invoice(amount, wallet=self.hd_wallet)
            self.pay(16_000_000, to=earlier.stablecoin_request_id.address)
            self.settle()
            self.assertEqual(earlier.stablecoin_payment_status, "overpaid")
        invoice = self.make_invoice(12.0)
        self.assertEqual(len(invoice._stablecoin_credit_lines()), 2)
        page = html.fromstring(self.url_open(invoice.get_portal_url()).content)
        form = page.xpath("//*[hasclass('o_stablecoin_balance')]/descendant-or-self::form")[0]
        data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}
        response = self.url_open(form.get("action"), data=data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.events(invoice), (["invoice.paid"], ["invoice.paid"]))
        self.assertEqual(invoice.stablecoin_request_ids[-1:].state, "paid")

    def test_a_credit_note_tells_no_payment(self):
        invoice = self.make_invoice(25.0)
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Cancelled order"})
        )
        wizard.refund_moves()
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        # Posting the credit note reconciles it with the invoice (Odoo's reversal).
        credit_note.with_user(self.accountant).action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(self.events(invoice), ([], []))
        self.assertFalse(invoice.stablecoin_payment_uri)

    def test_a_partial_credit_note_is_no_payment(self):
        invoice = self.make_invoice(100.0)
        first = invoice.stablecoin_request_id
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Goodwill"})
        )
        action = wizard.refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        credit_note.invoice_line_ids.with_user(self.accountant).price_unit = 40.0
        # Posting the credit note reconciles it with the invoice (Odoo's reversal).
        credit_note.with_user(self.accountant).action_post()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self.events(invoice), ([], []), "a credit note is not money received")
        # What remains is asked for by a new request; the first was not "partly paid".
        self.assertEqual(first.state, "superseded")
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "60000000")

    def test_credit_applied_by_the_accountant_names_the_amount_applied(self):
        """An earlier overpayment's credit applied to another invoice (*Add* on the invoice's
        outstanding credits): the customer is told of what was applied, not of the earlier
        transfer (its amount and hash belong to the other invoice)."""
        earlier = self.make_invoice(10.0, wallet=self.hd_wallet)
        old_tx = self.pay(26_000_000, to=earlier.stablecoin_request_id.address)  # 16 over
        self.settle()
        invoice = self.make_invoice(12.0)
        credit = invoice._stablecoin_credit_lines()
        self.assertEqual(len(credit), 1)
        invoice.with_user(self.accountant).js_assign_outstanding_line(credit.id)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.events(invoice), (["invoice.paid"], ["invoice.paid"]))
        notice = self.env["stablecoin.payment.notice"].sudo().search([("move_id", "=", invoice.id)])
        self.assertFalse(notice.transfer_id)
        self.assertEqual(notice.notice["amount"], "12.00 USDC")
        data = next(d for move_id, _code, d in reversed(self.published) if move_id == invoice.id)
        self.assertNotIn(old_tx, data)

    def test_a_fiat_invoice_paid_on_chain_tells_once(self):
        """A EUR invoice paid in USDC: Odoo books an exchange difference inside the payment's
        reconciliation; that is not a second payment."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "=", eur.id)]).unlink()
        for day, rate in (
            (fields.Date.today() - timedelta(days=10), 1.10),
            (fields.Date.today(), 1.2),
        ):
            Rate.create({"name": day, "currency_id": eur.id, "rate": 1 / rate})
        invoice = self.invoice_as(
            self.clerk,
            50.0,
            wallet=self.hd_wallet,
            currency=eur,
            invoice_date=fields.Date.today() - timedelta(days=10),
        )
        request = invoice.stablecoin_request_id
        self.pay(int(request.amount_units), to=request.address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.events(invoice), (["invoice.paid"], ["invoice.paid"]))
