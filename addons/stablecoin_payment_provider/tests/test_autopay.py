# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Charge on Due Date*, on anvil: a billing user sets the customer's mandate on an invoice (or
its recurring template); the scheduled action charges it on its due date, once; a failed
charge is tried again after 1, then 3 days, then the setting stops with the customer and the
business told; notices go out two days and one day before."""

from datetime import datetime, time, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, freeze_time, new_test_user, tagged

from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin, run_scheduled_action

from .common import MandateChainMixin

CHARGE_CRON = "stablecoin_payment_provider.ir_cron_stablecoin_autopay"
NOTICE_CRON = "stablecoin_payment_provider.ir_cron_stablecoin_autopay_notices"


@tagged("post_install", "-at_install", "stablecoin_node")
class TestAutopay(AnvilChainMixin, MandateChainMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "email": "other@example.com"}
        )
        cls.portal_other = new_test_user(
            cls.env,
            login="scoin_autopay_portal_other",
            groups="base.group_portal",
            name="Other Customer",
            email="other@example.com",
            partner_id=cls.other_customer.id,
        )
        # A contact of the invoice's own customer, on the portal.
        contact = cls.env["res.partner"].create(
            {"name": "Jane Payer", "email": "jane@example.com", "parent_id": cls.partner.id}
        )
        cls.portal_own = new_test_user(
            cls.env,
            login="scoin_autopay_portal_own",
            groups="base.group_portal",
            name="Jane Payer",
            email="jane@example.com",
            partner_id=contact.id,
        )

    # -- helpers ---------------------------------------------------------------------------------
    def today(self):
        return fields.Date.context_today(self.env["account.move"])

    def at(self, day):
        """Noon of ``day`` (UTC) for ``freeze_time``: the same day in any time zone the
        scheduled action's user may have."""
        return datetime.combine(day, time(12))

    def new_invoice(self, amount=100.0, days=0):
        """An invoice the billing user makes and posts, due in ``days``."""
        if not days:
            return self.invoice_as(self.billing, amount)
        today = self.today()
        return self.invoice_as(
            self.billing,
            amount,
            invoice_date=today,
            invoice_date_due=today + timedelta(days=days),
        )

    def set_mandate(self, invoice, token):
        """The billing user picks the mandate on the invoice (what the form's field saves; the
        test helper ``Form`` cannot open an invoice as a billing user: it loads the edition
        view of every one2many of the form, some of models they may not read)."""
        invoice.with_user(self.billing).write({"stablecoin_autopay_token_id": token.id})

    def charges(self, invoice):
        return (
            self.env["payment.transaction"]
            .search([("invoice_ids", "in", invoice.ids)])
            .sorted("id")
        )

    def messages(self, invoice, text):
        return invoice.message_ids.filtered(
            lambda m: text in str(m.body or "") or text in (m.subject or "")
        )

    def drain(self):
        """The customer's wallet is emptied (spent elsewhere before the due date)."""
        self.chain.transfer(
            self.usdc, self.customer, self.chain.accounts[5], self.balance(self.customer)
        )
        self.assertEqual(self.balance(self.customer), 0)

    # -- the setting -----------------------------------------------------------------------------
    def test_the_billing_user_sets_the_mandate_on_the_invoice_form(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=5)
        self.set_mandate(invoice, token)
        self.assertEqual(invoice.stablecoin_autopay_token_id, token)
        self.assertEqual(invoice.stablecoin_autopay_state, "scheduled")
        self.assertEqual(invoice.stablecoin_autopay_user_id, self.billing)
        self.assertEqual(invoice.stablecoin_autopay_attempts, 0)
        # The field is on the billing user's invoice form, in the stablecoin section, editable
        # once the invoice is posted.
        arch = (
            self.env["account.move"]
            .with_user(self.billing)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        node = etree.fromstring(arch).xpath(
            "//field[@name='stablecoin_token_id']/following-sibling::field"
            "[@name='stablecoin_autopay_token_id']"
        )
        self.assertEqual(len(node), 1)
        self.assertNotIn("state != 'draft'", node[0].get("readonly", ""))
        # Cleared: the customer pays by hand.
        invoice.with_user(self.billing).stablecoin_autopay_token_id = False
        self.assertFalse(invoice.stablecoin_autopay_state)

    def test_where_the_charge_stands_is_its_own_record_seen_by_its_company_only(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=5)
        self.set_mandate(invoice, token)
        record = invoice.stablecoin_autopay_id
        self.assertEqual(record.move_id, invoice, "one record per invoice, not the invoice")
        self.assertEqual(record.with_user(self.billing).state, "scheduled")
        with self.assertRaises(AccessError, msg="the billing user reads it, never writes it"):
            record.with_user(self.billing).write({"state": "failed"})
        # A billing user of the other company only: the invoice's charge is not theirs to see.
        outsider = self.company_user(
            "scoin_autopay_outsider", "account.group_account_invoice", [self.other_company]
        )
        self.assertFalse(
            self.env["stablecoin.autopay"].with_user(outsider).search([("id", "=", record.id)])
        )
        # Set again on the same invoice: the same record starts afresh.
        self.set_mandate(invoice, token)
        self.assertEqual(invoice.stablecoin_autopay_id, record)

    def test_mandates_of_another_customer_or_company_or_revoked_are_refused(self):
        invoice = self.new_invoice(days=5).with_user(self.billing)
        theirs = self.save_mandate(
            self.terms(salt=mandate.mandate_salt("other customer")), partner=self.other_customer
        )
        with self.refused(
            ValidationError,
            r"^Charge on Due Date: .* is Other Customer's mandate, not Crypto Customer's\.$",
        ):
            invoice.stablecoin_autopay_token_id = theirs
        # The same customer's mandate to the other company (its provider, its address).
        self.provider.copy({"company_id": self.other_company.id})
        self.env["stablecoin.wallet"].create(
            {
                "name": "Other company's wallet",
                "kind": "address",
                "address": self.chain.accounts[3],
                "company_id": self.other_company.id,
                "token_ids": [(6, 0, self.token_usdc.ids)],
            }
        )
        elsewhere = self.save_mandate(
            self.terms(payee=self.chain.accounts[3], salt=mandate.mandate_salt("other company")),
            company=self.other_company,
        )
        self.assertEqual(elsewhere.company_id, self.other_company)
        with self.refused(
            ValidationError,
            r"^Charge on Due Date: .* is a mandate to Other Stablecoin Co, not to ",
        ):
            invoice.stablecoin_autopay_token_id = elsewhere
        revoked = self.save_mandate()
        revoked.with_user(self.admin).action_stablecoin_revoke()
        with self.refused(ValidationError, r"^Charge on Due Date: .* is revoked\.$"):
            invoice.stablecoin_autopay_token_id = revoked
        self.assertFalse(invoice.stablecoin_autopay_token_id)
        # The recurring template refuses them alike.
        template = self.recurring_template(self.save_mandate(self.terms(salt=b"\x01" * 32)))
        with self.refused(ValidationError, r"^Charge on Due Date: .* is Other Customer's mandate"):
            template.stablecoin_autopay_token_id = theirs
        with self.refused(ValidationError, r"^Charge on Due Date: .* is a mandate to Other"):
            template.stablecoin_autopay_token_id = elsewhere

    def test_portal_customers_cannot_set_it(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=5)
        # Another customer's portal user, and a contact of the invoice's own customer.
        for portal in (self.portal_other, self.portal_own):
            with self.assertRaises(AccessError):
                invoice.with_user(portal).write({"stablecoin_autopay_token_id": token.id})
        self.assertFalse(invoice.stablecoin_autopay_token_id)
        run_scheduled_action(self, CHARGE_CRON)
        self.assertFalse(self.charges(invoice))

    # -- the scheduled charge --------------------------------------------------------------------
    def test_a_due_invoice_is_charged_once_and_paid(self):
        token = self.save_mandate()
        invoice = self.new_invoice(120.0)
        self.assertEqual(invoice.invoice_date_due, self.today())
        self.set_mandate(invoice, token)
        amount = int(invoice.stablecoin_request_id.amount_units)
        merchant, nonce = self.balance(self.merchant), self.gas_payer_nonce()
        run_scheduled_action(self, CHARGE_CRON)
        tx = self.charges(invoice)
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx.state, "pending", tx.state_message)
        self.assertEqual(tx.token_id, token)
        self.assertEqual(tx.stablecoin_autopay_attempt, 1)
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")
        self.assertEqual(invoice.stablecoin_autopay_attempts, 1)
        self.assertTrue(self.messages(invoice, "attempt 1 of 3 sent to the network"))
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        self.assertEqual(self.balance(self.merchant), merchant + amount)
        # The next run (an hour later, or a second server once the first committed) finds the
        # charge on its way: nothing more is sent.
        run_scheduled_action(self, CHARGE_CRON)
        self.assertEqual(self.charges(invoice), tx)
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        # Not counted as a failed attempt either.
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")
        self.assertEqual(invoice.stablecoin_autopay_attempts, 1)
        self.assertFalse(self.messages(invoice, "failed"))
        # The watcher sees the transfer: the invoice is paid through the usual binding, and
        # the charge's transaction with it.
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")
        run_scheduled_action(self, CHARGE_CRON)
        self.assertEqual(self.charges(invoice), tx)
        self.assertEqual(self.balance(self.merchant), merchant + amount)

    def test_an_invoice_not_yet_due_is_charged_on_its_due_date(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=3)
        self.set_mandate(invoice, token)
        due = invoice.invoice_date_due
        nonce = self.gas_payer_nonce()
        run_scheduled_action(self, CHARGE_CRON)
        with freeze_time(self.at(due - timedelta(days=1))):
            run_scheduled_action(self, CHARGE_CRON)
        self.assertFalse(self.charges(invoice))
        self.assertEqual(invoice.stablecoin_autopay_state, "scheduled")
        self.assertEqual(self.gas_payer_nonce(), nonce)
        with freeze_time(self.at(due)):
            run_scheduled_action(self, CHARGE_CRON)
        self.assertEqual(self.charges(invoice).state, "pending")
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)

    def test_charged_now_before_its_due_date_it_is_not_charged_again(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=3)
        self.set_mandate(invoice, token)
        nonce = self.gas_payer_nonce()
        tx = self.charge(invoice, token)  # *Charge now*, by the billing user
        self.assertEqual(tx.state, "pending", tx.state_message)
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")
        with freeze_time(self.at(invoice.invoice_date_due)):
            run_scheduled_action(self, CHARGE_CRON)
        self.assertEqual(self.charges(invoice), tx)
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        self.assertEqual(invoice.stablecoin_autopay_attempts, 0)

    def test_the_billing_user_charges_now_from_the_invoice(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=10)
        as_billing = invoice.with_user(self.billing)
        with self.assertRaisesRegex(UserError, "Charge on Due Date: pick the customer's mandate"):
            as_billing.action_stablecoin_charge_now()
        self.set_mandate(invoice, token)
        nonce = self.gas_payer_nonce()
        action = as_billing.action_stablecoin_charge_now()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        tx = self.charges(invoice)
        self.assertEqual(tx.state, "pending", "sent, waiting for the watcher")
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")
        # A second click sends nothing (the charge is on its way).
        with self.assertRaisesRegex(UserError, "not charged twice"):
            as_billing.action_stablecoin_charge_now()
        self.assertEqual(self.gas_payer_nonce(), nonce + 1)
        # The button is on the invoice's form, for billing users.
        arch = (
            self.env["account.move"]
            .with_user(self.billing)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(
            etree.fromstring(arch).xpath("//header/button[@name='action_stablecoin_charge_now']")
        )

    def test_a_charge_now_the_wallet_cannot_pay_says_why_and_sends_nothing(self):
        token = self.save_mandate()
        invoice = self.new_invoice(days=10)
        self.set_mandate(invoice, token)
        self.drain()
        nonce = self.gas_payer_nonce()
        action = invoice.with_user(self.billing).action_stablecoin_charge_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("was not charged", action["params"]["message"])
        self.assertEqual(self.gas_payer_nonce(), nonce, "nothing sent to the network")
        self.assertEqual(self.charges(invoice).state, "error")

    def test_a_charge_the_chain_reverts_is_a_failed_attempt_retried(self):
        """The wallet's approval is withdrawn in the very block the charge is mined in (after
        the charge was checked and sent): the chain reverts it. The next run of the scheduled
        action finds the reverted transaction: in error, nothing taken, retried in a day."""
        token = self.save_mandate()
        invoice = self.new_invoice(100.0)
        self.set_mandate(invoice, token)
        before = self.balance(self.customer)
        start = self.at(invoice.invoice_date_due)
        self.chain.rpc("evm_setAutomine", False)
        try:
            with freeze_time(start):
                run_scheduled_action(self, CHARGE_CRON)
            tx = self.charges(invoice)
            self.assertEqual(tx.state, "pending", tx.state_message)
            # The customer withdraws the approval, paying more to be mined first.
            withdraw = encode_call(
                "approve(address,uint256)", ["address", "uint256"], [self.contract, 0]
            )
            self.chain.rpc(
                "eth_sendTransaction",
                {
                    "from": self.customer,
                    "to": self.usdc,
                    "data": withdraw,
                    "maxPriorityFeePerGas": hex(50 * 10**9),
                    "maxFeePerGas": hex(100 * 10**9),
                },
            )
            self.chain.mine(1)
        finally:
            self.chain.rpc("evm_setAutomine", True)
        receipt = self.chain.wait_receipt(tx.provider_reference)
        self.assertEqual(int(receipt["status"], 16), 0, "reverted when mined")
        self.assertEqual(self.balance(self.customer), before, "nothing taken")
        with freeze_time(start + timedelta(hours=1)):
            run_scheduled_action(self, CHARGE_CRON)
        self.assertEqual(tx.state, "error")
        self.assertIn("reverted on chain", tx.state_message)
        self.assertEqual(invoice.stablecoin_autopay_state, "retrying")
        self.assertEqual(invoice.stablecoin_autopay_attempts, 1)
        # A day after the revert was found.
        self.assertEqual(invoice.stablecoin_autopay_next, start + timedelta(days=1, hours=1))
        self.assertTrue(self.messages(invoice, "reverted on chain"))

    def test_a_failing_charge_is_retried_then_stopped_with_both_told(self):
        token = self.save_mandate()
        invoice = self.new_invoice(100.0)
        self.set_mandate(invoice, token)
        self.drain()
        nonce = self.gas_payer_nonce()
        start = self.at(invoice.invoice_date_due)
        with freeze_time(start) as frozen:
            run_scheduled_action(self, CHARGE_CRON)
            first = self.charges(invoice)
            self.assertEqual(len(first), 1)
            self.assertEqual(first.state, "error")
            self.assertEqual(first.stablecoin_autopay_attempt, 1)
            self.assertEqual(invoice.stablecoin_autopay_state, "retrying")
            self.assertEqual(invoice.stablecoin_autopay_next, start + timedelta(days=1))
            self.assertTrue(self.messages(invoice, "attempt 1 of 3 failed"))
            # Not before its time.
            frozen.tick(timedelta(hours=23))
            run_scheduled_action(self, CHARGE_CRON)
            self.assertEqual(self.charges(invoice), first)
            frozen.tick(timedelta(hours=1))
            run_scheduled_action(self, CHARGE_CRON)
            second = self.charges(invoice) - first
            self.assertEqual(second.state, "error")
            self.assertEqual(second.stablecoin_autopay_attempt, 2)
            self.assertEqual(invoice.stablecoin_autopay_next, start + timedelta(days=4))
            self.assertTrue(self.messages(invoice, "attempt 2 of 3 failed"))
            frozen.tick(timedelta(days=3))
            run_scheduled_action(self, CHARGE_CRON)
            third = self.charges(invoice) - first - second
            self.assertEqual(third.state, "error")
            self.assertEqual(third.stablecoin_autopay_attempt, 3)
            # The last: the setting stops, the invoice is left to pay by hand.
            self.assertFalse(invoice.stablecoin_autopay_token_id)
            self.assertEqual(invoice.stablecoin_autopay_state, "failed")
            self.assertEqual(invoice.stablecoin_autopay_attempts, 3)
            self.assertTrue(self.messages(invoice, "attempt 3 of 3 failed"))
            frozen.tick(timedelta(days=7))
            run_scheduled_action(self, CHARGE_CRON)
            self.assertEqual(len(self.charges(invoice)), 3)
        # Nothing went to the network: the node's estimate refused each charge.
        self.assertEqual(self.gas_payer_nonce(), nonce)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertTrue(invoice.stablecoin_payment_uri, "the customer can still pay by hand")
        # The customer is emailed (from the template) ...
        told = self.messages(invoice, "we could not charge invoice")
        self.assertEqual(len(told), 1)
        self.assertIn(self.partner, told.partner_ids)
        self.assertIn("We will not try again", str(told.body))
        # ... and the business gets an activity, for the invoice's salesperson.
        activity = invoice.activity_ids.filtered(
            lambda a: "Charge on due date failed" in (a.summary or "")
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.billing)

    def test_a_retry_charges_once_the_wallet_is_funded(self):
        token = self.save_mandate()
        invoice = self.new_invoice(100.0)
        self.set_mandate(invoice, token)
        self.drain()
        start = self.at(invoice.invoice_date_due)
        with freeze_time(start) as frozen:
            run_scheduled_action(self, CHARGE_CRON)
            self.assertEqual(self.charges(invoice).state, "error")
            self.chain.mint(self.usdc, self.customer, 1_000 * 10**6)
            frozen.tick(timedelta(days=1, minutes=1))
            run_scheduled_action(self, CHARGE_CRON)
        retry = self.charges(invoice)[-1:]
        self.assertEqual(retry.state, "pending", retry.state_message)
        self.assertEqual(retry.stablecoin_autopay_attempt, 2)
        self.assertEqual(invoice.stablecoin_autopay_state, "sent")
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(retry.state, "done")
        self.assertFalse(self.messages(invoice, "we could not charge invoice"))

    # -- recurring -------------------------------------------------------------------------------
    def recurring_template(self, token):
        """A monthly template the billing user makes from an invoice, from today, charged to
        ``token`` (Make Recurring, then the template's form)."""
        source = self.new_invoice(100.0)
        action = source.with_user(self.billing).action_stablecoin_make_recurring()
        Recurring = self.env["stablecoin.recurring.invoice"].with_user(self.billing)
        form = Form(Recurring.with_context(**action["context"]))
        form.date_start = self.today()
        form.stablecoin_autopay_token_id = token
        return form.save()

    def test_the_recurring_template_charges_each_invoice_to_its_mandate(self):
        token = self.save_mandate()
        template = self.recurring_template(token)
        self.assertFalse(template.template_move_id.stablecoin_autopay_token_id)
        template.action_generate_due()
        invoice = template.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.stablecoin_autopay_token_id, token)
        self.assertEqual(invoice.stablecoin_autopay_state, "scheduled")
        run_scheduled_action(self, CHARGE_CRON)
        tx = self.charges(invoice)
        self.assertEqual(tx.state, "pending", tx.state_message)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # A revoked mandate is not copied onto the next invoices: the template says so.
        token.with_user(self.admin).action_stablecoin_revoke()
        self.assertEqual(
            template._prepare_invoice_vals(template.next_date).get("stablecoin_autopay_token_id"),
            None,
        )
        self.assertTrue(template.message_ids.filtered(lambda m: "is revoked" in str(m.body or "")))

    # -- notices ---------------------------------------------------------------------------------
    def test_notices_two_days_and_one_day_before_say_what_is_missing(self):
        token = self.save_mandate()
        invoice = self.new_invoice(100.0, days=2)
        # Set by another billing user, on an invoice with no salesperson: they are the ones
        # told when something is missing.
        setter = self.company_user(
            "scoin_autopay_setter", "account.group_account_invoice", [self.env.company]
        )
        invoice.with_user(self.billing).invoice_user_id = False
        invoice.with_user(setter).stablecoin_autopay_token_id = token
        self.assertEqual(invoice.stablecoin_autopay_user_id, setter)
        run_scheduled_action(self, NOTICE_CRON)
        first = self.messages(invoice, "is charged to your wallet on")
        self.assertEqual(len(first), 1)
        self.assertIn(self.partner, first.partner_ids)
        self.assertNotIn("action needed", first.subject)
        self.assertIn("100.00 USDC", str(first.body))
        self.assertIn("nothing to do", str(first.body))
        self.assertEqual(invoice.stablecoin_autopay_noticed, 2)
        self.assertFalse(invoice.activity_ids)
        # Once a day: a second run the same day sends nothing.
        run_scheduled_action(self, NOTICE_CRON)
        self.assertEqual(len(self.messages(invoice, "is charged to your wallet on")), 1)
        # The next day the wallet is empty: the notice says so, and the business is told.
        self.drain()
        with freeze_time(self.at(invoice.invoice_date_due - timedelta(days=1))):
            run_scheduled_action(self, NOTICE_CRON)
        second = self.messages(invoice, "is charged to your wallet on") - first
        self.assertEqual(len(second), 1)
        self.assertIn("action needed", second.subject)
        self.assertIn("holds 0.00 USDC", str(second.body))
        self.assertEqual(invoice.stablecoin_autopay_noticed, 1)
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, setter)
        self.assertIn("may fail", activity.summary)

    # -- reminders -------------------------------------------------------------------------------
    def test_no_payment_reminder_for_an_invoice_that_will_be_charged(self):
        token = self.save_mandate()
        # Three days before the due date: the main company's first reminder step.
        step = self.env["stablecoin.reminder.step"].search(
            [("company_id", "=", self.env.company.id), ("offset_days", "=", -3)]
        )
        self.assertTrue(step, "the main company's reminder step three days before")
        charged = self.new_invoice(100.0, days=3)
        self.set_mandate(charged, token)
        by_hand = self.new_invoice(100.0, days=3)
        run_scheduled_action(self, "stablecoin_invoicing.ir_cron_stablecoin_reminders")
        self.assertEqual(by_hand.stablecoin_reminder_ids.step_id, step)
        self.assertFalse(charged.stablecoin_reminder_ids)
        # Its notices come instead, from two days before.
        with freeze_time(self.at(charged.invoice_date_due - timedelta(days=2))):
            run_scheduled_action(self, NOTICE_CRON)
        self.assertTrue(self.messages(charged, "is charged to your wallet on"))
        self.assertFalse(self.messages(by_hand, "is charged to your wallet on"))
