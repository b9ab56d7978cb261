# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Companies and roles, as their users reach the models (the ORM as XML-RPC calls it)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestTrustBoundaries(StablecoinInvoiceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})

        def user(login, groups, companies):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=companies[0].id,
                company_ids=[Command.set([c.id for c in companies])],
            )

        cls.b_manager = user("scoin_b_mgr", "account.group_account_manager", [cls.company_b])
        cls.a_manager = user("scoin_a_mgr", "account.group_account_manager", [cls.company_a])
        cls.a_accountant = user(
            "scoin_a_acc",
            "account.group_account_user,account.group_account_invoice",
            [cls.company_a],
        )
        cls.a_billing = user("scoin_a_bill", "account.group_account_invoice", [cls.company_a])
        cls.invoice = cls.make_invoice(60.0)

    def test_another_company_manager_sees_and_changes_nothing_of_a(self):
        request = self.invoice.stablecoin_request_id
        address = request.address_id
        for model, record in (
            ("stablecoin.wallet", self.wallet),
            ("stablecoin.address", address),
            ("stablecoin.payment.request", request),
        ):
            as_b = self.env[model].with_user(self.b_manager)
            self.assertFalse(as_b.search([("id", "=", record.id)]), model)
            with self.assertRaises(AccessError, msg=model), mute_logger("odoo.models"):
                as_b.browse(record.id).read(["id"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            address.with_user(self.b_manager).write({"address": "0x" + "66" * 20})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            request.with_user(self.b_manager).write({"address_id": False})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.wallet.with_user(self.b_manager).write({"address": self.chain.accounts[9]})
        self.assertEqual(self.invoice.stablecoin_address, self.merchant)

    def test_another_company_sees_no_receipt_and_no_claim_of_a(self):
        tx_hash = self.pay(60_000_000)
        self.env["stablecoin.payment.claim"]._submit(self.invoice, tx_hash, "client")
        self.settle()
        for model in ("stablecoin.transfer", "stablecoin.payment.claim"):
            mine = self.env[model].search([])
            self.assertTrue(mine, model)
            self.assertFalse(self.env[model].with_user(self.b_manager).search([]), model)
            with self.assertRaises(AccessError, msg=model), mute_logger("odoo.models"):
                mine[:1].with_user(self.b_manager).read(["id"])

    def test_nobody_writes_what_the_chain_says(self):
        self.pay(60_000_000)
        self.settle()
        transfer = self.invoice.stablecoin_transfer_ids
        for user in (self.a_manager, self.a_accountant, self.a_billing):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                transfer.with_user(user).write({"amount_units": "1", "state": "confirmed"})
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.invoice.stablecoin_request_id.with_user(user).write({"amount_units": "1"})
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.invoice.stablecoin_request_id.address_id.with_user(user).write(
                    {"address": "0x" + "7" * 40}
                )

    def test_networks_and_tokens_change_only_by_system_administrators(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.token_usdc.with_user(self.a_manager).write({"decimals": 4})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.network.with_user(self.b_manager).write({"confirmations_final": 1})
        admin = new_test_user(
            self.env,
            login="scoin_sysadmin",
            groups="base.group_system,account.group_account_manager",
        )
        self.token_usdc.with_user(admin).write({"dust_threshold": 0.5})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        self.assertIn(
            "Dust Threshold",
            " ".join(
                self.token_usdc.message_ids.tracking_value_ids.field_id.mapped("field_description")
            ),
            "the change is tracked",
        )

    def test_accountant_and_administrator_match_a_receipt(self):
        for user in (self.a_accountant, self.a_manager):
            with self.subTest(user.login):
                invoice = self.make_invoice(31.0)
                self.pay(31_500_000)  # an amount nobody asked for
                self.settle()
                receipt = self.env["stablecoin.transfer"].search(
                    [("state", "=", "unmatched"), ("amount_units", "=", "31500000")]
                )
                wizard = (
                    self.env["stablecoin.match.wizard"]
                    .with_user(user)
                    .with_context(active_id=receipt.id)
                    .create({"mode": "invoices", "invoice_ids": [Command.set(invoice.ids)]})
                )
                wizard.action_confirm()
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
                self.assertEqual(receipt.state, "matched")
                self.assertIn(user.name, receipt.message_ids[0].body)

    def test_another_company_cannot_match_a_receipt(self):
        self.pay(12_000_000)
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("state", "=", "unmatched")])
        b_accountant = new_test_user(
            self.env,
            login="scoin_b_acc",
            groups="account.group_account_user",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["stablecoin.match.wizard"].with_user(b_accountant).with_context(
                active_id=receipt.id
            ).create({"mode": "credit", "partner_id": self.partner.id}).action_confirm()
        self.assertEqual(receipt.state, "unmatched")

    def test_an_address_is_watched_by_one_wallet_only(self):
        for company in (self.company_a, self.company_b):
            with (
                self.subTest(company.name),
                self.assertRaisesRegex(ValidationError, "already watched by another wallet"),
                self.env.cr.savepoint(),
            ):
                self.env["stablecoin.wallet"].create(
                    {"name": "Copycat", "company_id": company.id, "address": self.merchant}
                )

    def test_billing_user_invoices_and_sees_statuses(self):
        invoice = self.make_invoice(14.0).with_user(self.a_billing)
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting")
        self.assertEqual(invoice.stablecoin_request_id.amount_units, "14000000")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["stablecoin.match.wizard"].with_user(self.a_billing).create({"mode": "credit"})

    def test_a_poison_receipt_is_set_apart_and_the_others_are_paid(self):
        """USDT sent to a per-invoice address whose wallet has no USDT journal cannot be
        posted: it needs attention; the good receipt of the same batch is paid, the job runs."""
        poisoned = self.make_invoice(20.0, wallet=self.hd_wallet)
        good = self.make_invoice(33.0)
        self.pay(20_000_000, token=self.usdt, to=poisoned.stablecoin_address)
        self.pay(33_000_000)
        self.mine_to_depth()
        self.scan()
        with mute_logger("odoo.addons.stablecoin_invoicing.models.stablecoin_transfer"):
            self.env["stablecoin.transfer"]._cron_match()
        self.assertIn(good.payment_state, ("paid", "in_payment"))
        bad = self.env["stablecoin.transfer"].search([("token_id", "=", self.token_usdt.id)])
        self.assertEqual(bad.state, "attention")
        self.assertIn("has no journal for USDT", bad.match_error)
        self.assertEqual(poisoned.payment_state, "not_paid")
        # The administrator gives the wallet USDT (and so its journal); the accountant retries.
        self.hd_wallet.with_user(self.a_manager).token_ids = [Command.link(self.token_usdt.id)]
        bad.with_user(self.a_accountant).action_retry_match()
        self.assertEqual(bad.state, "matched")
        self.assertIn(poisoned.payment_state, ("paid", "in_payment"))

    def test_changing_the_wallet_address_moves_open_requests_to_the_new_one(self):
        invoice = self.make_invoice(18.0)
        self.assertEqual(invoice.stablecoin_address, self.merchant)
        new_address = self.chain.accounts[5]
        self.wallet.with_user(self.a_manager).address = new_address
        self.assertIn(f"address={new_address}", invoice.stablecoin_payment_uri)
        self.assertEqual(invoice.stablecoin_request_id.address, new_address)
        self.pay(18_000_000, to=new_address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_switching_tokens_to_and_fro_derives_no_new_addresses(self):
        self.wallet.token_ids = self.token_usdt  # the shop wallet: USDT; the HD wallet: USDC
        invoice = self.make_invoice(9.0, wallet=self.hd_wallet)
        derived = invoice.stablecoin_request_id.address_id
        used = self.hd_wallet.next_index
        for token in (self.token_usdt, self.token_usdc, self.token_usdt, self.token_usdc):
            invoice._stablecoin_select_token(token)
        self.assertEqual(
            invoice.stablecoin_request_id.address_id, derived, "back to its own address"
        )
        self.assertEqual(self.hd_wallet.next_index, used, "no child derived for nothing")

    def test_a_closed_invoice_takes_no_token_switch(self):
        invoice = self.make_invoice(9.0)
        invoice.button_draft()
        with self.assertRaisesRegex(UserError, "takes no more payments"):
            invoice._stablecoin_select_token(self.token_usdt)

    def test_rejection_activity_goes_to_a_person(self):
        invoice = self.make_invoice(9.0)
        invoice.invoice_user_id = False
        public = self.env.ref("base.public_user")
        invoice.with_user(public).sudo()._stablecoin_reject("Not ours")
        self.assertEqual(invoice.activity_ids.user_id, invoice.create_uid)
        self.assertNotEqual(invoice.activity_ids.user_id, public)

    def test_the_stablecoins_menu_follows_the_roles(self):
        menu = self.env.ref("stablecoin_invoicing.stablecoin_accounting_menu")
        for user, visible in (
            (self.a_manager, True),
            (self.a_accountant, True),
            (self.a_billing, False),
        ):
            menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertEqual(menu.id in menus, visible, user.login)

    def test_accountant_and_administrator_compare_chain_and_ledger(self):
        self.pay(60_000_000)
        self.settle()
        journal = self.wallet._journal_for(self.token_usdc)
        for user in (self.a_accountant, self.a_manager):
            with self.subTest(user.login):
                attestation = (
                    self.env["stablecoin.attestation"]
                    .with_user(user)
                    .create({"journal_id": journal.id, "block_number": self.chain.block_number()})
                )
                attestation.action_compute()
                self.assertEqual(attestation.state, "agrees")
                self.assertTrue(attestation.line_ids)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            attestation.with_user(self.b_manager).read(["state"])
        self.assertFalse(
            self.env["stablecoin.attestation.line"]
            .with_user(self.b_manager)
            .search([("attestation_id", "=", attestation.id)])
        )
