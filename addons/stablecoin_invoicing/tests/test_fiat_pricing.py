# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import Command, fields
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.stablecoin_wallet import compat
from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from .. import settlement
from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestFiatPricing(StablecoinInvoiceMixin, HttpCase):
    """Invoices in EUR paid in USDC or USDT: quotes, Odoo's multi-currency accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.invoice_day = fields.Date.today() - timedelta(days=10)
        Rate = cls.env["res.currency.rate"]
        Rate.search([("currency_id", "=", cls.eur.id)]).unlink()
        # 1 EUR = 1.10 USD when invoiced, 1.20 USD today; USDC and USDT have no rate: 1:1 USD.
        Rate.create(
            {
                "name": cls.invoice_day,
                "currency_id": cls.eur.id,
                "rate": 1 / 1.10,
                "company_id": company.id,
            }
        )
        Rate.create(
            {
                "name": fields.Date.today(),
                "currency_id": cls.eur.id,
                "rate": 1 / 1.20,
                "company_id": company.id,
            }
        )
        # USDT lives on a second network (its own chain) in these tests.
        cls.chain2 = cls._new_chain(31338)
        cls.addClassCleanup(cls.chain2.stop)
        cls.usdt2 = cls.chain2.deploy_token("Tether USD (test)", "USDT")
        cls.network2 = cls.env["stablecoin.network"].create(
            {
                "name": "Second chain",
                "chain_id": 31338,
                "rpc_url": cls.chain2.url,
                "confirmations_final": 2,
                "start_block": 1,
            }
        )
        cls.network2.sequence = 200  # after the first network: USDC there is the default
        cls.token_usdt2 = cls.env["stablecoin.token"].create(
            {
                "name": "Tether USD (test)",
                "symbol": "USDT",
                "network_id": cls.network2.id,
                "contract_address": cls.usdt2,
                "decimals": 6,
                "currency_id": cls.usdt_currency.id,
            }
        )
        cls.wallet.token_ids = [Command.link(cls.token_usdt2.id)]
        cls.writeoff_account = cls.env["account.account"].create(
            {"name": "Stablecoin tolerance", "code": "658900", "account_type": "expense"}
        )
        company.write(
            {
                "stablecoin_token_ids": [Command.set((cls.token_usdc | cls.token_usdt2).ids)],
                "stablecoin_quote_minutes": 15,
            }
        )

    def eur_invoice(self, amount, wallet=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "currency_id": self.eur.id,
                "invoice_date": self.invoice_day,
                "invoice_date_due": fields.Date.today() + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.stablecoin_wallet_id = wallet or self.wallet
        invoice.action_post()
        return invoice

    def payment_lines(self, invoice):
        payment = invoice.stablecoin_transfer_ids.payment_id
        return {
            line.account_id: (line.balance, line.amount_currency)
            for line in payment.move_id.line_ids
        }

    def test_eur_invoice_email_says_how_to_pay_in_stablecoins_and_for_how_long(self):
        """A EUR invoice paid in USDC goes out with the stablecoin email, not Odoo's bank text:
        the instructions before the signature, the quote with its rate's date and validity, no
        bank account; the PDF prints neither the bank line nor a bank QR code."""
        clerk = new_test_user(
            self.env, login="scoin_eur_clerk", groups="account.group_account_invoice"
        )
        self.partner.tz = "Europe/Brussels"
        invoice = self.eur_invoice(100.0)
        bank = invoice.partner_bank_id.acc_number
        self.assertTrue(bank, "the company's bank account (demo data) is on the invoice")
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(clerk)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertEqual(
            wizard[compat.SEND_TEMPLATE],
            self.env.ref("stablecoin_invoicing.email_template_stablecoin_invoice"),
        )
        body = str(wizard[compat.SEND_BODY])
        self.assertNotIn(bank, body)
        self.assertIn("120.00 USDC", body)  # 100 EUR at 1.20
        self.assertIn("o_stablecoin_quote_validity", body)
        self.assertIn("(Europe/Brussels)", body)
        self.assertIn(invoice.stablecoin_address, body)
        self.assertIn(invoice.get_portal_url(), body)
        self.assertLess(body.index("120.00 USDC"), body.index("Do not hesitate"))
        html = str(
            self.env["ir.actions.report"]
            .with_user(clerk)
            # the PDF's body (what wkhtmltopdf prints)
            ._render_qweb_html("account.account_invoices", invoice.ids, {"report_type": "pdf"})[0]
        )
        self.assertNotIn(bank, html)
        self.assertNotIn('name="payment_communication"', html)
        self.assertNotIn('id="qrcode"', html)
        self.assertIn("o_stablecoin_quote_validity", html)

    def test_quote_is_locked_for_the_window(self):
        invoice = self.eur_invoice(100.0)
        self.assertEqual(invoice.stablecoin_token_id, self.token_usdc)
        quote = invoice.stablecoin_request_id
        self.assertEqual(quote.amount_units, "120000000", "100 EUR at today's 1.20")
        self.assertAlmostEqual(
            (quote.expires_at - fields.Datetime.now()).total_seconds(), 15 * 60, delta=60
        )
        request = parse_erc20_transfer_uri(invoice.stablecoin_payment_uri)
        self.assertEqual(request.amount, 120_000_000)
        # The rate moves: the held quote does not.
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).write({"rate": 1 / 1.30})
        invoice._stablecoin_refresh_request()
        self.assertEqual(invoice.stablecoin_request_id, quote)
        # Once expired, the next view re-quotes at the new rate.
        quote.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["stablecoin.payment.request"]._cron_expire()
        self.assertEqual(invoice.stablecoin_payment_status, "expired")
        self.assertFalse(invoice.stablecoin_payment_uri, "never an expired amount")
        invoice._stablecoin_refresh_request()
        self.assertNotEqual(invoice.stablecoin_request_id, quote)
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "130000000")
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")

    def test_a_quote_past_its_expiry_is_not_current_before_the_scheduled_action(self):
        invoice = self.eur_invoice(100.0)
        quote = invoice.stablecoin_request_id
        self.assertTrue(quote._is_current_for(invoice))
        quote.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        # The scheduled action has not run: the quote is still awaiting, yet no longer asked.
        self.assertEqual(quote.state, "awaiting")
        self.assertFalse(quote._is_current_for(invoice))
        self.assertFalse(invoice.stablecoin_payment_uri, "never an expired amount")
        # Viewing the page re-quotes at once (at today's new rate); it expires nothing itself.
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).write({"rate": 1 / 1.25})
        invoice._stablecoin_refresh_request()
        self.assertEqual(quote.state, "superseded")
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "125000000")
        self.assertTrue(invoice.stablecoin_request_id._is_current_for(invoice))
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")

    def test_eur_invoice_paid_in_usdc_books_the_exchange_difference(self):
        invoice = self.eur_invoice(100.0)
        tx = self.pay(120_000_000)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        company = self.env.company
        lines = self.payment_lines(invoice)
        journal = self.wallet._journal_for(self.token_usdc)
        receivable = self.partner.property_account_receivable_id
        # 120 USDC received (= 120 USD); the invoice was booked at 110 USD: 10 USD gain.
        self.assertEqual(lines[journal.default_account_id], (120.0, 120.0))
        self.assertEqual(lines[receivable][0], -110.0)
        self.assertEqual(lines[company.income_currency_exchange_account_id][0], -10.0)
        payment = invoice.stablecoin_transfer_ids.payment_id
        self.assertEqual(payment.memo, tx)
        self.assertEqual(payment.currency_id, self.usdc_currency)
        self.assertTrue(
            payment.move_id.line_ids.filtered(lambda l: l.account_id == receivable).reconciled
        )

    def test_eur_invoice_paid_in_usdt_on_another_network(self):
        invoice = self.eur_invoice(50.0)
        invoice._stablecoin_select_token(self.token_usdt2)
        request = parse_erc20_transfer_uri(invoice.stablecoin_payment_uri)
        self.assertEqual(
            (request.chain_id, request.token, request.amount), (31338, self.usdt2, 60_000_000)
        )
        customer = self.chain2.accounts[2]
        self.chain2.mint(self.usdt2, customer, request.amount)
        self.chain2.transfer(self.usdt2, customer, request.recipient, request.amount)
        self.chain2.mine(2)
        self.network2._scan_guarded()
        self.assertEqual(self.network2.health, "ok", self.network2.last_error)
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual(invoice.payment_state, "paid")
        lines = self.payment_lines(invoice)
        self.assertEqual(
            lines[self.wallet._journal_for(self.token_usdt2).default_account_id], (60.0, 60.0)
        )
        self.assertEqual(lines[self.env.company.income_currency_exchange_account_id][0], -5.0)
        # The untouched network scanned nothing of it.
        self.assertFalse(
            self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])
        )

    def test_underpayment_within_tolerance_is_written_off(self):
        self.env.company.write(
            {
                "stablecoin_tolerance_percent": 1.0,
                "stablecoin_writeoff_account_id": self.writeoff_account.id,
            }
        )
        invoice = self.eur_invoice(100.0, wallet=self.hd_wallet)
        self.pay(119_000_000, to=invoice.stablecoin_address)  # 1 USDC short of 120 (0.83 %)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        lines = self.payment_lines(invoice)
        # 1/120 of the invoice's 110 USD booking is tolerated; the rest is exchange gain.
        # 119/120 of 100 EUR is 99.17 EUR settled: 0.83 EUR short, 0.91 USD at the invoice's rate.
        self.assertAlmostEqual(lines[self.writeoff_account][0], 0.91, places=2)
        self.assertAlmostEqual(sum(balance for balance, _cur in lines.values()), 0.0, places=2)

    def test_the_tolerated_share_is_decided_exactly(self):
        """The booking follows ``settlement.is_tolerated``, exact at the boundary, where a
        float ``shortfall / due * 100`` decides both of these the other way."""
        admin = new_test_user(
            self.env,
            login="scoin_tolerance_admin",
            groups="base.group_system,account.group_account_manager",
        )
        clerk = new_test_user(
            self.env, login="scoin_tolerance_clerk", groups="account.group_account_invoice"
        )
        cases = [
            # 4,000.00 short of 1,999,999.99 is 0.2000000010000000005 %: over 0.2 % and the
            # rule's 1e-9 allowance by 5e-19 %, below what a float division can see.
            ("0.2", "1999999.99", "4000.00", False),
            # 7,000,000.01 short of 1,000,000,000.00 is exactly 0.700000001 %: tolerated, as
            # the rule's "<=" says; the float quotient lands a hair above it.
            ("0.7", "1000000000.00", "7000000.01", True),
        ]
        for percent, due, short, tolerated in cases:
            with self.subTest(percent=percent, due=due):
                self.assertIs(
                    settlement.is_tolerated(
                        Decimal(short), Decimal(due), Decimal(percent), Decimal(0)
                    ),
                    tolerated,
                )
                self.env.company.with_user(admin).write(
                    {
                        "stablecoin_tolerance_percent": float(percent),
                        "stablecoin_tolerance_amount": 0.0,
                        "stablecoin_writeoff_account_id": self.writeoff_account.id,
                    }
                )
                invoice = self.invoice_as(clerk, float(due), wallet=self.hd_wallet)
                asked_units = int(Decimal(due).scaleb(6))
                self.assertEqual(
                    invoice._stablecoin_current_request().amount_units, str(asked_units)
                )
                paid_units = asked_units - int(Decimal(short).scaleb(6))
                self.pay(paid_units, to=invoice.stablecoin_address)
                self.settle()
                if tolerated:
                    self.assertEqual(invoice.payment_state, "paid")
                    self.assertEqual(
                        self.payment_lines(invoice)[self.writeoff_account][1], float(short)
                    )
                else:
                    self.assertEqual(invoice.payment_state, "partial")
                    self.assertEqual(invoice.amount_residual, float(short))

    def test_underpayment_beyond_tolerance_leaves_the_exact_remainder(self):
        self.env.company.write(
            {
                "stablecoin_tolerance_percent": 1.0,
                "stablecoin_writeoff_account_id": self.writeoff_account.id,
            }
        )
        invoice = self.eur_invoice(100.0, wallet=self.hd_wallet)
        address = invoice.stablecoin_address
        self.pay(60_000_000, to=address)  # half of the 120 USDC quote
        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.stablecoin_payment_status, "partial")
        self.assertEqual(invoice.amount_residual, 50.0)
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "60000000")
        self.assertIn("uint256=60000000", invoice.stablecoin_payment_uri)
        self.pay(60_000_000, to=address)  # the second partial transfer completes it
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(invoice.stablecoin_transfer_ids.payment_id), 2)

    def test_overpayment_becomes_credit_then_pays_another_invoice(self):
        first = self.eur_invoice(100.0, wallet=self.hd_wallet)
        self.pay(150_000_000, to=first.stablecoin_address)  # 30 USDC more than the quote
        self.settle()
        self.assertEqual(first.payment_state, "paid")
        self.assertEqual(first.stablecoin_payment_status, "overpaid")
        second = self.make_invoice(20.0)  # in USDC
        credit = second._stablecoin_credit_lines()
        self.assertAlmostEqual(-sum(credit.mapped("amount_residual_currency")), 30.0)
        applied = second._stablecoin_pay_from_balance()
        self.assertEqual(applied, 20.0)
        self.assertEqual(second.payment_state, "paid")
        self.assertAlmostEqual(
            -sum(second._stablecoin_credit_lines().mapped("amount_residual_currency")), 10.0
        )

    def test_a_second_identical_payment_is_the_customers_credit(self):
        """A double send on an EUR invoice (both before the matcher runs): the second receipt
        finds nothing due, so all of it is the customer's credit (receivable), never exchange
        income; the invoice shows overpaid, as a USDC invoice paid over does."""
        receivable = self.partner.property_account_receivable_id
        company = self.env.company
        for wallet in (self.hd_wallet, self.wallet):
            with self.subTest(wallet=wallet.kind):
                invoice = self.eur_invoice(100.0, wallet=wallet)
                units = int(invoice.stablecoin_request_id.amount_units)
                self.assertEqual(units, 120_000_000)
                self.pay(units, to=invoice.stablecoin_address)
                self.pay(units, to=invoice.stablecoin_address)  # the same again
                self.settle()
                first, second = invoice.stablecoin_transfer_ids.sorted("id")
                self.assertEqual((first.state, second.state), ("matched", "matched"))
                self.assertEqual(invoice.payment_state, "paid")
                # The first: 120 USDC (120 USD) for 100 EUR booked at 1.10 (110 USD).
                lines = self.lines_by_account(first.payment_id)
                self.assertEqual(lines[receivable], -110.0)
                self.assertEqual(lines[company.income_currency_exchange_account_id], -10.0)
                # The second: nothing was due, all of it is owed back to the customer.
                lines = self.lines_by_account(second.payment_id)
                self.assertEqual(lines[receivable], -120.0)
                self.assertNotIn(company.income_currency_exchange_account_id, lines)
                credit = second.payment_id.move_id.line_ids.filtered(
                    lambda line: line.account_id == receivable
                )
                self.assertFalse(credit.reconciled)
                self.assertEqual(credit.amount_residual_currency, -120.0)
                self.assertEqual(credit.partner_id, self.partner.commercial_partner_id)
                self.assertEqual(invoice.stablecoin_payment_status, "overpaid")

    def lines_by_account(self, payment):
        lines = {}
        for line in payment.move_id.line_ids:
            lines[line.account_id] = lines.get(line.account_id, 0.0) + line.balance
        return lines

    def test_payment_after_quote_expiry_is_paid_late(self):
        invoice = self.eur_invoice(100.0)
        old = invoice.stablecoin_request_id
        old.expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).write({"rate": 1 / 1.25})
        invoice._stablecoin_refresh_request()  # the page was viewed again: a new quote
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "125000000")
        self.assertEqual(old.state, "superseded")
        self.pay(120_000_000)  # ... but the customer paid the old QR code
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.stablecoin_payment_status, "paid_late")
        self.assertTrue(old.paid_late, "the request the old QR code asked is the one paid late")
        self.assertFalse(invoice.stablecoin_request_id.paid_late)
        self.assertIn("after the quote expired", " ".join(invoice.message_ids.mapped("body")))

    def test_payment_long_after_the_quote_expired_settles_at_the_day_rate(self):
        self.env.company.stablecoin_quote_grace_minutes = 60
        invoice = self.eur_invoice(100.0)
        old = invoice.stablecoin_request_id
        self.assertEqual(old.amount_units, "120000000")
        old.expires_at = fields.Datetime.now() - timedelta(hours=2)  # past the grace
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).write({"rate": 1 / 1.25})
        self.pay(120_000_000)  # the old QR code, two hours too late
        self.settle()
        # 120 USDC at today's 1.25 is 96 EUR: the 4 EUR left stay due.
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 4.0, places=2)
        self.assertEqual(invoice.stablecoin_payment_status, "partial")
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "5000000")

    def test_a_deposit_address_takes_any_late_payment_for_its_invoice(self):
        """On an invoice's own deposit address, a payment made long after its quote expired,
        of whatever amount, still pays that invoice (at the day's rate): no claim, no queue."""
        self.env.company.stablecoin_quote_grace_minutes = 60
        owner = self.chain.accounts[8]
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Deposit addresses (EUR)",
                "kind": "deposit",
                "address": owner,
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        invoice = self.eur_invoice(100.0, wallet=wallet)
        other = self.eur_invoice(100.0, wallet=wallet)
        request = invoice.stablecoin_request_id
        address = invoice.stablecoin_address
        self.assertEqual(request.amount_units, "120000000")
        request.expires_at = fields.Datetime.now() - timedelta(hours=2)
        self.env["stablecoin.payment.request"]._cron_expire()
        self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).write({"rate": 1 / 1.25})
        self.pay(62_500_000, to=address)  # half, two hours after the quote, any amount
        self.settle()
        receipt = invoice.stablecoin_transfer_ids
        self.assertEqual((receipt.state, receipt.bound_by), ("matched", "address"))
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 50.0, places=2)
        # The remainder is asked at the same address, at today's rate.
        self.assertEqual(invoice.stablecoin_address, address)
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "62500000")
        self.pay(62_500_000, to=address)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(other.payment_state, "not_paid", "the same amount elsewhere: untouched")

    def test_quotes_rest_on_recent_rates_and_say_their_date(self):
        """The page names the rate's date; with only an old rate nothing is quoted: the clerk
        is told at posting, the payer's page says so, and the salesperson is asked once."""
        clerk = new_test_user(
            self.env, login="scoin_rate_clerk", groups="account.group_account_invoice"
        )
        invoice = self.eur_invoice(100.0)
        self.assertEqual(invoice.stablecoin_request_id.rate_date, fields.Date.today())
        self.authenticate(None, None)
        page = self.url_open(invoice.get_portal_url()).text
        self.assertIn("o_stablecoin_rate_date", page)
        self.assertNotIn("today's rate", page)
        # The rates stop being imported: the latest is ten days old.
        Rate = self.env["res.currency.rate"]
        Rate.search(
            [("currency_id", "=", self.eur.id), ("name", "=", fields.Date.today())]
        ).unlink()
        draft = (
            self.env["account.move"]
            .with_user(clerk)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "currency_id": self.eur.id,
                    "stablecoin_wallet_id": self.wallet.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 50.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        with self.assertRaisesRegex(
            UserError, "^Exchange rate: the latest rate of EUR is .*Maximum Rate Age"
        ):
            draft.action_post()
        self.assertEqual(draft.state, "draft")
        # The posted invoice's quote expires: the next view quotes nothing on the old rate.
        invoice.stablecoin_request_id.expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["stablecoin.payment.request"]._cron_expire()
        page = self.url_open(invoice.get_portal_url()).text
        self.assertIn("o_stablecoin_no_quote", page)
        self.assertNotIn("o_stablecoin_qr", page)
        self.url_open(invoice.get_portal_url())
        asked = invoice.activity_ids.filtered(lambda a: "exchange rates" in a.summary)
        self.assertEqual(len(asked), 1, "asked once, however often the page is viewed")
        self.assertIn("Maximum Rate Age", str(asked.note))
        # A longer maximum age (a business importing weekly) quotes again, dated.
        self.env.company.stablecoin_rate_max_days = 15
        invoice._stablecoin_refresh_request()
        self.assertEqual(invoice.stablecoin_request_id.rate_date, self.invoice_day)
        with self.assertRaisesRegex(ValidationError, "^Maximum Rate Age"):
            self.env.company.stablecoin_rate_max_days = 0

    def test_status_changes_are_tracked_on_the_chatter(self):
        invoice = self.eur_invoice(100.0)
        self.pay(120_000_000)
        self.settle()
        self.env.cr.precommit.run()  # what a commit does: write the tracking messages
        tracked = invoice.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "stablecoin_payment_status"
        )
        self.assertIn("Paid", tracked.mapped("new_value_char"))

    def test_accepted_tokens_offer_only_tokens_a_wallet_receives(self):
        """A token the company accepts but no wallet receives is not offered on the invoice
        (it would only be refused at Confirm)."""
        no_wallet = self.env.ref("stablecoin_wallet.stablecoin_token_usdc_base")
        no_wallet.active = True
        company = self.env.company
        company.stablecoin_token_ids = self.wallet.token_ids | no_wallet
        clerk = new_test_user(
            self.env, login="scoin_tokens_clerk", groups="account.group_account_invoice"
        )
        Move = self.env["account.move"].with_user(clerk)
        invoice = Move.create({"move_type": "out_invoice", "partner_id": self.partner.id})
        self.assertNotIn(no_wallet, invoice.stablecoin_token_ids)
        self.assertIn(self.token_usdc, invoice.stablecoin_token_ids)
        domain = Move.fields_get(["stablecoin_token_ids"])["stablecoin_token_ids"]["domain"]
        offered = (
            self.env["stablecoin.token"]
            .with_user(clerk)
            .search(
                safe_eval(
                    domain,
                    {"stablecoin_wallet_token_ids": invoice.stablecoin_wallet_token_ids.ids},
                )
            )
        )
        self.assertNotIn(no_wallet, offered)
        self.assertIn(self.token_usdc, offered)
        invoice.invoice_line_ids = [
            Command.create({"name": "Consulting", "price_unit": 50.0, "tax_ids": []})
        ]
        invoice.action_post()  # posts: its token has a wallet
        self.assertEqual(invoice.stablecoin_token_id, self.token_usdc)

    def test_a_past_due_date_offers_due_today_and_post(self):
        """A clerk posts an invoice for last month's work: the warning names the Due Date,
        says what to do, and its button makes the invoice due today and posts it."""
        clerk = new_test_user(
            self.env, login="scoin_backdated_clerk", groups="account.group_account_invoice"
        )
        invoice = self.invoice_as(
            clerk,
            100.0,
            post=False,
            invoice_date=fields.Date.today() - timedelta(days=30),
            invoice_payment_term_id=self.env.ref("account.account_payment_term_15days").id,
        )
        with self.assertRaises(RedirectWarning) as caught:
            invoice.with_user(clerk).action_post()
        message, action_id, button, context = caught.exception.args
        self.assertIn("Due Date", message)
        self.assertIn("due today", message)
        self.assertIn("Accepted Tokens", message)
        self.assertEqual(button, "Due Today and Post")
        self.assertEqual(invoice.state, "draft")
        result = (
            self.env["ir.actions.server"]
            .browse(action_id)
            .with_user(clerk)
            .with_context(**context)
            .run()
        )
        self.assertEqual(result["tag"], "soft_reload")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date_due, fields.Date.today())
        self.assertTrue(invoice.stablecoin_request_id)

    def test_validation_errors_name_the_field(self):
        Move = self.env["account.move"]

        def draft(**vals):
            values = {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "currency_id": self.eur.id,
                "invoice_line_ids": [
                    Command.create({"name": "x", "price_unit": 10.0, "tax_ids": []})
                ],
            }
            values.update(vals)
            return Move.create(values)

        with self.assertRaisesRegex(ValidationError, "Total: .*greater than zero"):
            draft(
                invoice_line_ids=[Command.create({"name": "x", "price_unit": 0.0, "tax_ids": []})]
            ).action_post()
        with self.assertRaisesRegex(RedirectWarning, "Due Date: .* in the past"):
            draft(invoice_date_due=fields.Date.today() - timedelta(days=1)).action_post()
        with self.assertRaisesRegex(ValidationError, "Customer: "):
            invoice = draft()
            invoice.partner_id = False
            invoice.action_post()
        other = self.env.ref("stablecoin_wallet.stablecoin_token_usdc_base")
        with self.assertRaisesRegex(ValidationError, "Pay-in Token: .* not among"):
            invoice = draft()
            invoice.stablecoin_token_ids = [Command.link(other.id)]
            invoice.stablecoin_token_id = other
            invoice.action_post()
