# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.stablecoin_wallet import compat
from odoo.addons.stablecoin_wallet.chain import parse_erc20_transfer_uri

from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestAccountantWorkspace(StablecoinInvoiceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.company_user(
            "scoin_match_accountant", "account.group_account_user", [cls.env.company]
        )

    def transfers(self, **domain):
        return self.env["stablecoin.transfer"].search(
            [("network_id", "=", self.network.id)] + [(k, "=", v) for k, v in domain.items()]
        )

    def post_credit_note(self, invoice):
        """The credit note an accountant makes with Odoo's *Credit Note* button, posted."""
        reversal = Form(
            self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids
            )
        ).save()
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        return credit_note

    def wizard(self, transfer, **values):
        action = transfer.action_open_match_wizard()
        wizard = (
            self.env["stablecoin.match.wizard"].with_context(**action["context"]).create(values)
        )
        return wizard.action_confirm()

    def test_the_wizard_suggests_the_likely_invoices(self):
        regular = self.make_invoice(10.0)
        self.pay(10_000_000)  # the customer pays from their usual address
        self.settle()
        self.assertIn(regular.payment_state, ("paid", "in_payment"))
        theirs = self.make_invoice(75.0)  # the same customer's next invoice
        near = self.make_invoice(40.0, post=False)
        near.partner_id = self.env["res.partner"].create({"name": "Someone else"})
        near.action_post()
        far = self.make_invoice(400.0, post=False)
        far.partner_id = near.partner_id
        far.action_post()
        self.pay(39_000_000)  # 39 instead of 40: within 5 %, nobody's exact amount
        self.settle()
        receipt = self.transfers().filtered(lambda t: t.state == "unmatched")
        action = receipt.action_open_match_wizard()
        wizard = self.env["stablecoin.match.wizard"].with_context(**action["context"]).create({})
        self.assertEqual(set(wizard.suggested_invoice_ids.ids), {theirs.id, near.id})
        self.assertNotIn(far, wizard.suggested_invoice_ids)
        self.assertEqual((wizard.amount_text, wizard.sender), ("39.00 USDC", self.customer))
        self.assertIn("exactly 39.00 USDC", wizard.unmatched_reason)

    def accountant_wizard(self, transfer):
        """The wizard as the accountant opens it from the receipt's *Match* button."""
        action = transfer.with_user(self.accountant).action_open_match_wizard()
        return Form(
            self.env["stablecoin.match.wizard"]
            .with_user(self.accountant)
            .with_context(**action["context"])
        )

    def still_due_notices(self, invoice):
        return invoice.message_ids.filtered(lambda m: "still due" in (m.subject or ""))

    def test_the_wizard_marks_a_small_difference_fully_paid(self):
        """99.99 of 100 matched by hand: the accountant writes the cent off, as Odoo's *Register
        Payment* does, and the customer is not asked for 0.01 USDC."""
        invoice = self.make_invoice(100.0)
        self.pay(99_990_000)
        self.settle()
        receipt = self.transfers(state="unmatched")
        self.assertTrue(receipt)
        expense = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.env.company.id)],
            limit=1,
        )
        form = self.accountant_wizard(receipt)
        # The only likely invoice is picked; no tolerance configured: kept open by default.
        self.assertEqual(form.invoice_ids[:], invoice)
        self.assertEqual(form.payment_difference, 0.01)
        self.assertEqual(form.payment_difference_handling, "open")
        form.payment_difference_handling = "reconcile"
        form.writeoff_account_id = expense
        form.save().action_confirm()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(receipt.state, "matched")
        write_off = receipt.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id == expense
        )
        self.assertEqual(write_off.amount_currency, 0.01)
        self.assertFalse(self.still_due_notices(invoice))

    def test_the_wizard_writes_off_what_the_company_tolerates_by_default(self):
        expense = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.env.company.id)],
            limit=1,
        )
        self.env.company.write(
            {"stablecoin_writeoff_account_id": expense.id, "stablecoin_tolerance_percent": 0.5}
        )
        small, large = self.make_invoice(100.0), self.make_invoice(101.0)
        self.pay(99_990_000)  # two likely invoices: none picked for the accountant
        self.settle()
        receipt = self.transfers(state="unmatched")
        form = self.accountant_wizard(receipt)
        self.assertFalse(form.invoice_ids[:])
        form.invoice_ids.add(small)
        self.assertEqual(form.payment_difference_handling, "reconcile")
        self.assertEqual(form.writeoff_account_id, expense)
        form.invoice_ids.remove(small.id)
        form.invoice_ids.add(large)  # 1.01 short: more than the company tolerates
        self.assertEqual(form.payment_difference, 1.01)
        self.assertEqual(form.payment_difference_handling, "open")
        form.invoice_ids.remove(large.id)
        form.invoice_ids.add(small)
        form.save().action_confirm()
        self.assertIn(small.payment_state, ("paid", "in_payment"))
        self.assertFalse(self.still_due_notices(small))
        self.assertEqual(large.payment_state, "not_paid")

    def test_the_wizard_picks_the_invoice_the_payer_claimed(self):
        first, claimed = self.make_invoice(40.0), self.make_invoice(40.5)
        self.pay(39_000_000)
        self.settle()
        receipt = self.transfers(state="unmatched")
        self.assertEqual(self.accountant_wizard(receipt).invoice_ids[:], self.env["account.move"])
        receipt.sudo().suggested_move_id = claimed
        form = self.accountant_wizard(receipt)
        self.assertEqual(form.invoice_ids[:], claimed)
        wizard = form.save()
        self.assertIn(first, wizard.suggested_invoice_ids)
        wizard.action_confirm()
        self.assertEqual(claimed.amount_residual, 1.5)

    def test_a_suggested_invoice_is_picked_with_its_match_button(self):
        near, nearer = self.make_invoice(40.5), self.make_invoice(40.0)
        self.pay(39_000_000)  # two likely invoices: the accountant picks one in the list
        self.settle()
        receipt = self.transfers(state="unmatched")
        action = receipt.with_user(self.accountant).action_open_match_wizard()
        wizard = (
            self.env["stablecoin.match.wizard"].with_user(self.accountant).browse(action["res_id"])
        )
        self.assertEqual(wizard.suggestion_ids.move_id, near | nearer)
        self.assertFalse(wizard.invoice_ids)
        line = wizard.suggestion_ids.filtered(lambda line: line.move_id == near)
        again = line.action_pick()
        self.assertEqual((again["res_model"], again["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(wizard.invoice_ids, near)
        self.assertTrue(line.picked)
        wizard.action_confirm()
        self.assertEqual(near.amount_residual, 1.5)
        self.assertEqual(nearer.payment_state, "not_paid")

    def test_the_wizard_credits_a_known_sender_to_their_customer(self):
        regular = self.make_invoice(10.0)
        self.pay(10_000_000)  # the customer pays from their usual address
        self.settle()
        self.assertIn(regular.payment_state, ("paid", "in_payment"))
        self.pay(12_340_000)  # no open invoice: an advance
        self.settle()
        receipt = self.transfers(state="unmatched")
        form = self.accountant_wizard(receipt)
        form.mode = "credit"
        self.assertEqual(form.partner_id, self.partner)
        form.save().action_confirm()
        self.assertEqual(receipt.payment_id.partner_id, self.partner)

    def test_manual_match_of_an_unmatched_receipt_to_two_invoices(self):
        first, second = self.make_invoice(30.0), self.make_invoice(20.0)
        tx = self.pay(50_000_000)  # no invoice of 50: the matcher leaves it
        self.settle()
        transfer = self.transfers()
        self.assertEqual(transfer.state, "unmatched")
        self.wizard(
            transfer,
            mode="invoices",
            invoice_ids=[Command.set((first | second).ids)],
            note="customer paid two invoices at once",
        )
        self.assertEqual(transfer.state, "matched")
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(transfer.payment_id.memo, tx)
        self.assertIn("Matched by hand", transfer.message_ids[0].body)
        self.assertIn("two invoices at once", transfer.message_ids[0].body)

    def test_receipt_recorded_as_customer_credit(self):
        self.pay(12_340_000)
        self.settle()
        transfer = self.transfers()
        self.wizard(transfer, mode="credit", partner_id=self.partner.id)
        credit = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.partner.id),
                ("reconciled", "=", False),
                ("account_id.account_type", "=", "asset_receivable"),
                ("amount_residual", "<", 0),
            ]
        )
        self.assertEqual(sum(credit.mapped("amount_residual_currency")), -12.34)
        # ... that a later invoice can use.
        invoice = self.make_invoice(10.0)
        invoice._stablecoin_pay_from_balance()
        self.assertEqual(invoice.payment_state, "paid")

    def test_receipt_recorded_as_other_income(self):
        account = self.env["account.account"].search(
            [("account_type", "=", "income_other"), ("company_ids", "in", self.env.company.id)],
            limit=1,
        ) or self.env["account.account"].create(
            {"name": "Other income", "code": "799900", "account_type": "income_other"}
        )
        self.pay(3_000_000)
        self.settle()
        transfer = self.transfers()
        self.wizard(transfer, mode="income", account_id=account.id)
        lines = transfer.payment_id.move_id.line_ids
        self.assertEqual(lines.filtered(lambda l: l.account_id == account).balance, -3.0)

    def attest(self):
        attestation = self.env["stablecoin.attestation"].create(
            {
                "journal_id": self.wallet._journal_for(self.token_usdc).id,
                "block_number": self.chain.block_number(),
            }
        )
        attestation.action_compute()
        return attestation

    def test_attestation_agrees_then_names_an_unrecorded_transfer(self):
        invoice = self.make_invoice(75.0)
        self.pay(75_000_000)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        attestation = self.attest()
        self.assertEqual(attestation.state, "agrees")
        self.assertEqual((attestation.chain_balance, attestation.ledger_balance), (75.0, 75.0))

        # The merchant moves 5 USDC out of the wallet: the ledger does not know yet.
        out_tx = self.chain.transfer(self.usdc, self.merchant, self.chain.accounts[7], 5_000_000)
        attestation = self.attest()
        self.assertEqual(attestation.state, "differs")
        self.assertEqual(attestation.difference, -5.0)
        unknown = attestation.line_ids.filtered(lambda l: l.kind == "unknown")
        self.assertEqual(unknown.amount, -5.0)

        # Once the watcher saw it, the same difference is explained, transaction named.
        self.settle()
        attestation = self.attest()
        self.assertEqual(attestation.difference, -5.0)
        self.assertEqual(attestation.unexplained, 0.0)
        outgoing = attestation.line_ids.filtered(lambda l: l.kind == "outgoing")
        self.assertEqual((outgoing.tx_hash, outgoing.amount), (out_tx, -5.0))
        pdf, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "stablecoin_invoicing.report_stablecoin_attestation", attestation.ids
        )
        self.assertIn(out_tx, pdf.decode())

    def test_a_sub_cent_receipt_is_credited_rounded_down_and_still_attested(self):
        """0.015 USDC received credits 0.01, never 0.02: the half cent stays in the wallet
        unbooked (a cent currency cannot hold it) and the attestation names it and agrees."""
        invoice = self.make_invoice(1.0, wallet=self.hd_wallet)
        self.pay(15_000, to=invoice.stablecoin_address)
        self.settle()
        receipt = invoice.stablecoin_transfer_ids
        self.assertEqual((receipt.state, receipt.amount), ("matched", 0.015))  # above the dust
        self.assertEqual(receipt.payment_id.amount, 0.01)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 0.99)
        # The same again: the two half cents make a cent, booked with the second (0.03 in all).
        self.pay(15_000, to=invoice.stablecoin_address)
        self.settle()
        receipts = invoice.stablecoin_transfer_ids.sorted("id")
        self.assertEqual(receipts.mapped("payment_id.amount"), [0.01, 0.02])
        self.assertAlmostEqual(invoice.amount_residual, 0.97)
        # On the shared address, booked by hand: as credit, or as other income.
        account = self.env["account.account"].create(
            {"name": "Other income", "code": "799901", "account_type": "income_other"}
        )
        for mode, values in (
            ("credit", {"partner_id": self.partner.id}),
            ("income", {"account_id": account.id}),
        ):
            self.pay(15_000)
            self.settle()
            transfer = self.transfers(state="unmatched")
            self.wizard(transfer, mode=mode, **values)
            lines = transfer.payment_id.move_id.line_ids
            self.assertEqual(transfer.payment_id.amount, 0.01, mode)
            self.assertEqual(sorted(b for b in lines.mapped("balance") if b), [-0.01, 0.01], mode)
        attestation = self.attest()
        self.assertEqual((attestation.chain_balance, attestation.ledger_balance), (0.03, 0.02))
        rounding = attestation.line_ids.filtered(lambda l: l.kind == "rounding")
        self.assertEqual(len(rounding), 1)
        self.assertAlmostEqual(rounding.amount, 0.01)  # 2 x 0.005, shown to the cent
        self.assertEqual(attestation.unexplained, 0.0)
        self.assertEqual(attestation.state, "agrees")

    def test_refund_goes_to_the_original_payer_not_the_last_sender(self):
        invoice = self.make_invoice(25.0, wallet=self.hd_wallet)
        self.pay(25_000_000, to=invoice.stablecoin_address)
        self.settle()
        stranger = self.chain.accounts[7]
        self.pay(10_000, to=invoice.stablecoin_address, sender=stranger)  # a cent, as bait
        self.settle()
        credit_note = self.post_credit_note(invoice)
        self.assertEqual(credit_note.stablecoin_refund_address, self.customer)
        with self.assertRaisesRegex(ValidationError, "did not pay"), self.env.cr.savepoint():
            credit_note.stablecoin_refund_address = self.chain.accounts[8]
        with self.assertRaisesRegex(ValidationError, "did not pay"), self.env.cr.savepoint():
            credit_note.stablecoin_refund_address = stranger  # sent to a paid invoice: no payer
        key = "0x" + "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        with self.assertRaisesRegex(ValidationError, "private key") as refused:
            credit_note.stablecoin_refund_address = key
        self.assertNotIn(key[2:], str(refused.exception), "the key is not repeated")
        bait = self.env["stablecoin.transfer"].search([("sender", "=", stranger)])
        self.assertEqual(bait.state, "unmatched", "an accountant decides, not the matcher")
        credit_note.action_stablecoin_confirm_refund_address()
        self.assertIn(
            f"address={self.customer}", credit_note.stablecoin_refund_request_id.payment_uri
        )

    def test_refund_tab_shows_the_amount_and_its_qr_code(self):
        """The accountant pays the refund from the credit note's tab: its amount in words,
        the QR code of the refund URI and a link to open it in the wallet."""
        invoice = self.make_invoice(245.5)
        self.pay(245_500_000)
        self.settle()
        credit_note = self.post_credit_note(invoice)
        credit_note.with_user(self.accountant).action_stablecoin_confirm_refund_address()
        as_accountant = credit_note.with_user(self.accountant)
        self.assertEqual(as_accountant.stablecoin_refund_amount_text, "245.50 USDC")
        uri = as_accountant.stablecoin_refund_uri
        self.assertTrue(uri.startswith("ethereum:"), uri)
        self.assertEqual(parse_erc20_transfer_uri(uri).amount, 245_500_000)
        self.assertTrue(as_accountant.stablecoin_refund_qr)
        arch = (
            self.env["account.move"]
            .with_user(self.accountant)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        tab = etree.fromstring(arch).xpath("//page[@name='stablecoin_refund']")[0]
        shown = {field.get("name"): field.get("widget") for field in tab.iter("field")}
        self.assertIn("stablecoin_refund_amount_text", shown)
        self.assertEqual(shown["stablecoin_refund_qr"], "image")
        self.assertIn("stablecoin_refund_uri", shown)

    def test_refund_end_to_end(self):
        invoice = self.make_invoice(30.0)
        self.pay(30_000_000)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        credit_note = self.post_credit_note(invoice)
        self.assertEqual(credit_note.stablecoin_refund_address, self.customer)
        self.assertFalse(
            credit_note.stablecoin_refund_request_id.payment_uri,
            "not before the address is confirmed",
        )
        credit_note.action_stablecoin_confirm_refund_address()
        request = parse_erc20_transfer_uri(credit_note.stablecoin_refund_request_id.payment_uri)
        self.assertEqual(
            (request.token, request.recipient, request.amount),
            (self.usdc, self.customer, 30_000_000),
        )
        # The merchant's own wallet pays the refund request.
        tx = self.chain.transfer(request.token, self.merchant, request.recipient, request.amount)
        self.settle()
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        refund_transfer = self.transfers(direction="out")
        self.assertEqual((refund_transfer.tx_hash, refund_transfer.state), (tx, "matched"))
        self.assertEqual(refund_transfer.payment_id.payment_type, "outbound")

    def test_deep_reorg_reverses_a_posted_payment(self):
        invoice = self.make_invoice(42.0)
        paid_at = self.chain.block_number() + 2  # mint, then the payment
        self.pay(42_000_000)
        self.settle()
        self.assertEqual(invoice.payment_state, "paid")
        transfer = invoice.stablecoin_transfer_ids
        payment = transfer.payment_id
        # A reorganisation deeper than the 3 confirmations removes the payment's block.
        depth = self.chain.block_number() - paid_at + 1
        self.assertGreater(depth, self.network.confirmations_final)
        self.chain.rpc("anvil_reorg", depth, [])
        self.scan()
        self.assertEqual(transfer.state, "reverted")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(payment.move_id.reversal_move_ids.state, "posted")
        self.assertTrue(invoice.activity_ids.filtered(lambda a: "reorganisation" in a.summary))
        self.assertIn("no longer on chain", invoice.activity_ids[0].note)

    def test_open_invoices_sum_what_is_due_per_invoice_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create({"currency_id": eur.id, "rate": 1 / 1.25})
        partly = self.make_invoice(100.0)
        self.make_invoice(50.0)
        in_eur = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner.id,
                "currency_id": eur.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 80.0, "tax_ids": []}
                    )
                ],
            }
        )
        in_eur.action_post()
        self.assertEqual(in_eur.stablecoin_token_id, self.token_usdc)
        self.pay(30_000_000)  # 30 of partly's 100 USDC: nobody's amount, matched by hand
        self.settle()
        receipt = self.transfers(state="unmatched")
        self.wizard(receipt, invoice_ids=[Command.set(partly.ids)])
        self.assertEqual(partly.amount_residual, 70.0)
        # What the accountant opens: the menu's action, read as the accountant.
        accountant = self.env["res.users"].create(
            {
                "login": "scoin_open_acc",
                "name": "Open invoices accountant",
                compat.GROUP_IDS: [Command.set([self.env.ref("account.group_account_user").id])],
            }
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stablecoin_invoicing.action_stablecoin_aged_invoices"
        )
        # Grouped by the invoice's currency first, so every sum is in one currency.
        self.assertEqual(safe_eval(action["context"])["group_by"][0], "currency_id")
        groups = (
            self.env["account.move"]
            .with_user(accountant)
            .read_group(safe_eval(action["domain"]), ["amount_residual:sum"], ["currency_id"])
        )
        due = {group["currency_id"][1]: group["amount_residual"] for group in groups}
        # 70 + 50 USDC still due; the EUR invoice counted in EUR, not under USDC.
        self.assertEqual(due, {"USDC": 120.0, "EUR": 80.0})
        menu = self.env.ref("stablecoin_invoicing.stablecoin_aged_invoices_menu")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids())

    def test_every_stablecoin_screen_opens_for_an_accountant(self):
        """Each entry of the accounting menu's Stablecoins section, as Odoo's accountant (not
        a superuser, no technical rights): visible, its views load, its records read."""
        self.make_invoice(12.0)
        self.pay(12_000_001)  # nobody's amount: one receipt in the unmatched queue
        self.settle()
        accountant = self.env["res.users"].create(
            {
                "login": "scoin_screens_acc",
                "name": "Screens accountant",
                compat.GROUP_IDS: [Command.set([self.env.ref("account.group_account_user").id])],
            }
        )
        # Entries kept for administrators (the webhooks', with stablecoin_webhooks): opened by
        # Odoo's accounting administrator, and hidden from the accountant.
        manager = self.env["res.users"].create(
            {
                "login": "scoin_screens_mgr",
                "name": "Screens administrator",
                compat.GROUP_IDS: [Command.set([self.env.ref("account.group_account_manager").id])],
            }
        )
        section = self.env.ref("stablecoin_invoicing.stablecoin_accounting_menu")
        visible = self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids()
        visible_to_manager = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        self.assertIn(section.id, visible)
        # The entries of the section and of its sub-sections (Compliance).
        entries = self.env["ir.ui.menu"].search(
            [("parent_id", "child_of", section.id), ("action", "!=", False)]
        )
        self.assertGreaterEqual(len(entries), 3)  # and the on-ramp wires with the provider
        for menu in entries:
            user = accountant
            if menu[compat.GROUP_IDS] and not (
                menu[compat.GROUP_IDS] & accountant[compat.GROUP_IDS]
            ):
                self.assertNotIn(menu.id, visible, menu.name)
                user, visible_here = manager, visible_to_manager
            else:
                visible_here = visible
            self.assertIn(menu.id, visible_here, menu.name)
            action = menu.action.sudo()
            Model = self.env[action.res_model].with_user(user)
            views = [(view.view_id.id, view.view_mode) for view in action.view_ids] or [
                (False, mode) for mode in action.view_mode.split(",")
            ]
            loaded = Model.get_views(views)
            # What the list shows, read as the web client reads it.
            fields = loaded["models"][action.res_model]["fields"]
            domain = safe_eval(action.domain or "[]")
            records = Model.web_search_read(domain, {name: {} for name in fields})
            if action.res_model == "stablecoin.transfer":
                self.assertEqual(records["length"], 1, "the unmatched receipt")
