# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Mandates on file and their charges, on anvil: a customer signs terms once with the wallet's
own ``eth_signTypedData_v4``; a billing user charges an invoice to it; the gas payer, set by a
system administrator, pays the gas; the business's address receives the invoice's amount."""

import json
import logging
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.gas_payer import address_of
from odoo.addons.stablecoin_wallet.tests.common import (
    TEST_CHAIN_ID,
    AnvilChainMixin,
    run_scheduled_action,
)

from .common import DAY, GAS_PAYER_KEY, MandateChainMixin

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "stablecoin_node")
class TestMandateCharge(AnvilChainMixin, MandateChainMixin, TransactionCase):
    # -- mandates --------------------------------------------------------------------------------
    def test_a_signed_mandate_is_kept_with_its_id(self):
        terms = self.terms()
        token = self.save_mandate(terms)
        digest = "0x" + mandate.mandate_id(terms, TEST_CHAIN_ID).hex()
        self.assertEqual(token.provider_id, self.provider)
        self.assertEqual(token.partner_id, self.partner)
        self.assertEqual(token.stablecoin_token_id, self.token_usdc)
        self.assertEqual(token.stablecoin_mandate_id, digest)
        self.assertEqual(token.provider_ref, digest)
        self.assertEqual(token.stablecoin_mandate_state, "active")
        # The record rebuilds exactly the terms signed (what the contract will check).
        self.assertEqual(token._stablecoin_terms(), terms)

    def test_an_altered_or_forged_signature_is_refused_naming_the_field(self):
        terms = self.terms()
        signature = self.sign(terms)
        altered = dict(terms.message(), maxPerCharge=str(900 * 10**6))
        with self.refused(ValidationError, r"^Signature: not the payer"):
            self.save_mandate(terms, message=altered, signature=signature)
        # Signed by someone else than the payer the terms name.
        forged = self.sign(terms, signer=self.chain.accounts[7])
        with self.refused(ValidationError, r"^Signature: not the payer"):
            self.save_mandate(terms, signature=forged)
        with self.refused(ValidationError, r"^Signature: not the payer"):
            self.save_mandate(terms, signature="0x" + "00" * 65)
        # Terms signed for another network's domain.
        other_chain = self.chain.rpc(
            "eth_signTypedData_v4", terms.payer, json.dumps(mandate.typed_data(terms, 1))
        )
        with self.refused(ValidationError, r"^Signature: not the payer"):
            self.save_mandate(terms, signature=other_chain)
        self.assertFalse(self.env["payment.token"].search([("stablecoin_payer", "=", terms.payer)]))
        # Nor can a kept mandate's terms be changed afterwards, even by the superuser.
        token = self.save_mandate(terms)
        with self.refused(ValidationError, r"^Signature: not the payer"):
            token.sudo().stablecoin_max_per_charge = str(900 * 10**6)
        with self.refused(ValidationError, r"^Signature: not the payer"):
            token.sudo().stablecoin_end = token.stablecoin_end.replace(year=2099)

    def test_terms_paying_another_address_or_out_of_order_are_refused(self):
        attacker = self.chain.accounts[7]
        with self.refused(ValidationError, r"^Payee Address: .* is not"):
            self.save_mandate(self.terms(payee=attacker))
        # The other company's receiving address is not this company's.
        self.env["stablecoin.wallet"].create(
            {
                "name": "Other company's wallet",
                "kind": "address",
                "address": self.chain.accounts[3],
                "company_id": self.other_company.id,
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        with self.refused(ValidationError, r"^Payee Address: .* is not"):
            self.save_mandate(self.terms(payee=self.chain.accounts[3]))
        now = self.now()
        message = dict(self.terms().message(), start=str(now + DAY), end=str(now))
        with self.refused(ValidationError, r"^Valid Until: after Valid From"):
            self.save_mandate(message=message, signature="0x" + "11" * 65)
        message = dict(self.terms().message(), maxPerCharge="0")
        with self.refused(ValidationError, r"^Max per Charge \(units\): a positive"):
            self.save_mandate(message=message, signature="0x" + "11" * 65)

    def test_revoked_mandate_is_not_charged(self):
        token = self.save_mandate()
        token.with_user(self.admin).action_stablecoin_revoke()
        self.assertEqual(token.stablecoin_mandate_state, "revoked")
        invoice = self.make_invoice(100.0)
        nonce = self.gas_payer_nonce()
        with self.refused(UserError, "is revoked"):
            self.charge(invoice, token)
        self.assertFalse(invoice.transaction_ids)
        self.assertEqual(self.gas_payer_nonce(), nonce)

    def test_a_mandate_revoked_on_chain_is_refused_before_sending_and_recorded(self):
        terms = self.terms()
        token = self.save_mandate(terms)
        # The payer's own revoke() from the wallet.
        revoked = self.chain.send(self.customer, self.contract, mandate.revoke_call(terms))
        invoice = self.make_invoice(100.0)
        nonce, before = self.gas_payer_nonce(), self.balance(self.customer)
        tx = self.charge(invoice, token)
        self.assertEqual(tx.state, "error")
        self.assertIn("The mandate allows 0 units now", tx.state_message)
        self.assertEqual(self.gas_payer_nonce(), nonce)
        self.assertEqual(self.balance(self.customer), before)
        token._stablecoin_revoked_on_chain(revoked)
        self.assertEqual(token.stablecoin_mandate_state, "revoked")
        self.assertEqual(token.stablecoin_revoked_tx, revoked)
        self.assertFalse(token.active)

    # -- charges ---------------------------------------------------------------------------------
    def test_a_charge_pays_the_invoice_address_and_the_invoice(self):
        token = self.save_mandate()
        invoice = self.make_invoice(120.0)
        request = invoice.stablecoin_request_id
        amount = int(request.amount_units)
        before = self.balance(self.merchant), self.balance(self.customer)
        tx = self.charge(invoice, token)
        self.assertEqual(tx.state, "pending", tx.state_message)
        self.assertEqual(tx.token_id, token)
        receipt = self.chain.wait_receipt(tx.provider_reference)
        self.assertEqual(int(receipt["status"], 16), 1)
        self.assertEqual(receipt["from"].lower(), self.gas_payer.lower())
        self.assertEqual(self.balance(self.merchant), before[0] + amount)
        self.assertEqual(self.balance(self.customer), before[1] - amount)
        # The gas used, for the readme's cost per charge.
        _logger.info("mandate charge gas used: %s", int(receipt["gasUsed"], 16))
        # The watcher sees the transfer to the request's address: the invoice is paid through
        # the same binding as any payment, and the charge's transaction is done with it.
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")

    def test_a_deposit_wallets_invoice_is_charged_to_the_wallets_own_address(self):
        """An invoice with a deposit address of its own: the mandate pays the wallet's own
        address (one payee for all the customer's invoices); the charge tells the invoice's
        request its transaction, and the receipt there pays that invoice."""
        owner = self.chain.accounts[8]
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Deposit addresses",
                "kind": "deposit",
                "address": owner,
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        invoice = self.invoice_as(self.billing, 75.0, wallet=wallet)
        request = invoice.stablecoin_request_id
        self.assertNotEqual(request.address_hex.lower(), owner.lower(), "its own address")
        token = self.save_mandate(self.terms(payee=owner))
        before = self.balance(owner)
        tx = self.charge(invoice, token)
        self.assertEqual(tx.state, "pending", tx.state_message)
        self.assertEqual(self.balance(owner), before + int(request.amount_units))
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        receipt = self.env["stablecoin.transfer"].search(
            [("tx_hash", "=", tx.provider_reference.lower())]
        )
        self.assertEqual((receipt.move_id, receipt.bound_by), (invoice, "tx_hash"))
        self.assertEqual(tx.state, "done")

    def test_a_charge_above_the_limit_is_refused_before_sending(self):
        token = self.save_mandate()
        invoice = self.make_invoice(600.0)  # above the 500 per charge
        nonce, before = self.gas_payer_nonce(), self.balance(self.merchant)
        tx = self.charge(invoice, token)
        self.assertEqual(tx.state, "error")
        self.assertIn("above the mandate's 500000000 per charge", tx.state_message)
        self.assertFalse(tx.provider_reference)
        self.assertEqual(self.gas_payer_nonce(), nonce)
        self.assertEqual(self.balance(self.merchant), before)

    def test_an_invoice_is_charged_once(self):
        token = self.save_mandate()
        invoice = self.make_invoice(100.0)
        amount = int(invoice.stablecoin_request_id.amount_units)
        before = self.balance(self.customer)
        first = self.charge(invoice, token)
        self.assertEqual(first.state, "pending", first.state_message)
        self.chain.wait_receipt(first.provider_reference)
        # Odoo refuses a second transaction while the first is pending.
        with self.refused(UserError, "is already Pending; it is not charged twice"):
            self.charge(invoice, token)
        # Odoo's record lost (the first put in error by hand): the chain refuses, and nothing
        # is sent.
        first.sudo()._set_error("lost")
        nonce = self.gas_payer_nonce()
        second = self.charge(invoice, token)
        self.assertEqual(second.state, "error")
        self.assertIn("already charged to the mandate on chain", second.state_message)
        self.assertEqual(self.gas_payer_nonce(), nonce)
        self.assertEqual(self.balance(self.customer), before - amount)

    # -- the gas payer ---------------------------------------------------------------------------
    def test_the_gas_payer_key_is_a_system_secret(self):
        provider = self.provider.with_user(self.billing)
        with self.assertRaises(AccessError):
            provider.read(["stablecoin_gas_payer_key"])
        admin_provider = self.provider.with_user(self.admin)
        self.assertEqual(admin_provider.stablecoin_gas_payer_address, self.gas_payer)
        # The form's field is write-only: the key saved is never read back into a browser.
        form_values = admin_provider.web_read(
            {"stablecoin_gas_payer_key_input": {}, "stablecoin_gas_payer_address": {}}
        )[0]
        self.assertFalse(form_values["stablecoin_gas_payer_key_input"])
        self.assertEqual(form_values["stablecoin_gas_payer_address"], self.gas_payer)
        other = "0x" + "5c" * 32
        admin_provider.stablecoin_gas_payer_key_input = other
        self.assertEqual(admin_provider.stablecoin_gas_payer_address, address_of(other))
        admin_provider.stablecoin_gas_payer_key_input = GAS_PAYER_KEY
        for wrong in ("0x1234", "not a key", "0x" + "00" * 32, "0x" + "zz" * 32):
            with self.refused(ValidationError, r"^Gas Payer Key: ") as caught:
                admin_provider.stablecoin_gas_payer_key = wrong
            self.assertNotIn(wrong, str(caught.exception))
        # Cleared in a copied database.
        sql = Path(__file__).parents[1].joinpath("data", "neutralize.sql").read_text()
        self.env.cr.execute(sql)
        self.env.invalidate_all()
        self.assertFalse(self.provider.sudo().stablecoin_gas_payer_key)
        self.assertFalse(self.provider.stablecoin_gas_payer_address)

    def test_administrators_are_emailed_before_the_gas_payer_runs_dry(self):
        self.save_mandate()  # a mandate that may be charged on this network
        Mail = self.env["mail.mail"]
        cron = "stablecoin_payment_provider.ir_cron_stablecoin_watch_gas_payer"
        before = Mail.search([])
        run_scheduled_action(self, cron)
        self.assertFalse(Mail.search([]) - before, "funded: nobody is bothered")
        self.chain.rpc("anvil_setBalance", self.gas_payer, hex(1000))
        run_scheduled_action(self, cron)
        mail = Mail.search([]) - before
        self.assertEqual(len(mail), 1)
        self.assertIn(self.admin.email_formatted, mail.email_to)
        self.assertNotIn(self.billing.name, mail.email_to, "administrators only")
        self.assertIn("fund the gas payer", mail.subject)
        self.assertIn(self.gas_payer, str(mail.body_html))

    def test_the_gas_payer_balance_and_its_warning(self):
        provider = self.provider.with_user(self.admin)
        self.assertEqual(provider._stablecoin_gas_payer_balance(self.network), 10**18)
        self.assertFalse(provider._stablecoin_gas_payer_warning(self.network))
        self.chain.rpc("anvil_setBalance", self.gas_payer, hex(1000))
        warning = provider._stablecoin_gas_payer_warning(self.network)
        self.assertIn(self.gas_payer, warning)
        self.assertIn("has 1000 wei", warning)
        action = provider.action_stablecoin_check_gas_payer()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(warning, action["params"]["message"])
