# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.stablecoin_wallet.chain import deposit
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin


class DepositWalletMixin(ClerkInvoicesMixin, StablecoinInvoiceMixin):
    """A wallet of deposit addresses forwarding to ``cls.owner``; invoices by a billing clerk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The business's own address for this wallet (the shop wallet watches another).
        cls.owner = cls.chain.accounts[8]
        cls.deposit_wallet = cls.env["stablecoin.wallet"].create(
            {
                "name": "Deposit addresses",
                "kind": "deposit",
                "address": cls.owner,
                "token_ids": [Command.set(cls.token_usdc.ids)],
            }
        )


@tagged("post_install", "-at_install")
class TestDepositAddresses(DepositWalletMixin, TransactionCase):
    """A wallet of deposit addresses: each invoice a billing clerk posts gets an address of its
    own, computed from the wallet's address (funds there can only be swept to it). Whatever the
    customer sends there, in any amount and any number of parts, pays that invoice: no unique
    amount, no claim, no accountant."""

    def test_each_invoice_has_its_own_address_that_pays_only_the_merchant(self):
        first = self.make_invoice(50.0, wallet=self.deposit_wallet)
        second = self.make_invoice(50.0, wallet=self.deposit_wallet)
        addresses = (first | second).stablecoin_request_id.address_id
        self.assertEqual(len(addresses), 2, "two invoices of one amount, two addresses")
        for address in addresses:
            salt = bytes.fromhex(address.deposit_salt[2:])
            self.assertEqual(address.address, deposit.deposit_address(self.owner, salt))
            self.assertNotEqual(address.address, self.owner)
        # The amounts are the invoices' own: no tag to tell them apart.
        self.assertEqual(first._stablecoin_current_request().amount_units, "50000000")
        self.assertEqual(second._stablecoin_current_request().amount_units, "50000000")
        self.assertIn(f"address={first.stablecoin_address}", first.stablecoin_payment_uri)

    def test_instalments_of_any_amount_pay_the_invoice_by_address(self):
        invoice = self.make_invoice(100.0, wallet=self.deposit_wallet)
        other = self.make_invoice(100.0, wallet=self.deposit_wallet)
        address = invoice.stablecoin_address
        self.pay(60_000_000, to=address)  # 60 %, the page closed
        self.settle()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 40.0)
        self.assertEqual(invoice.stablecoin_transfer_ids.bound_by, "address")
        # The remainder is asked at the same address (the customer's saved QR code works).
        self.assertEqual(invoice.stablecoin_address, address)
        self.assertEqual(invoice._stablecoin_current_request().amount_units, "40000000")
        self.pay(39_999_999, to=address)  # an exchange's withdrawal, a unit short
        self.settle()
        # Never credited more than received: 39.99 booked, the cent left is asked.
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 0.01)
        self.assertEqual(invoice._stablecoin_current_request().amount_units, "10000")
        self.pay(10_000, to=address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(set(invoice.stablecoin_transfer_ids.mapped("bound_by")), {"address"})
        self.assertEqual(other.payment_state, "not_paid", "the same amount elsewhere: untouched")

    def test_paid_invoices_addresses_are_watched_for_the_companys_days_then_found_by_claim(self):
        invoice = self.make_invoice(10.0, wallet=self.deposit_wallet)
        address = invoice.stablecoin_request_id.address_id
        self.pay(10_000_000, to=address.address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        Request = self.env["stablecoin.payment.request"]
        self.assertFalse(Request._cron_retire_addresses(), "paid today: still watched")
        self.env.company.stablecoin_watch_days = 30
        self.env.cr.execute(
            "UPDATE stablecoin_payment_request SET write_date = now() - interval '31 days' "
            "WHERE move_id = %s",
            [invoice.id],
        )
        self.env.invalidate_all()
        self.assertEqual(Request._cron_retire_addresses(), address)
        self.assertFalse(address.active)
        self.assertTrue(self.deposit_wallet.address_ids.filtered("active"), "its own address")
        # Months later the customer pays again there: not scanned, but their claim finds it.
        late = self.pay(3_000_000, to=address.address)
        self.settle()
        self.assertFalse(self.env["stablecoin.transfer"].search([("tx_hash", "=", late)]))
        claim = self.env["stablecoin.payment.claim"]._submit(invoice, late)
        self.assertEqual((claim.state, claim.proof), ("bound", "address"))
        self.assertTrue(address.active)
        receipt = self.env["stablecoin.transfer"].search([("tx_hash", "=", late)])
        self.assertEqual(receipt.address_id, address)
        with self.assertRaisesRegex(ValidationError, "Watch Paid Invoices' Addresses"):
            self.env.company.stablecoin_watch_days = 0

    def test_an_onramp_delivery_to_the_wallets_own_address_pays_the_invoice(self):
        """A bank account at an on-ramp delivers to the deposit wallet's own address (one
        account per business, not per invoice): the transaction the on-ramp reports for the
        invoice's request pays it there, and only in this wallet."""
        invoice = self.make_invoice(70.0, wallet=self.deposit_wallet)
        other = self.make_invoice(70.0)  # the shop wallet's shared address
        tx_hash = self.pay(69_500_000, to=self.owner)  # net of the on-ramp's fee
        self.settle()
        receipt = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])
        self.assertEqual(receipt.state, "unmatched", "the wallet's own address names nobody")
        self.assertFalse(other.stablecoin_request_id._expect(tx_hash, "Bridge"), "other wallet")
        self.assertEqual(invoice.stablecoin_request_id._expect(tx_hash, "Bridge"), receipt)
        self.env["stablecoin.transfer"]._cron_match()
        self.assertEqual((receipt.move_id, receipt.bound_by), (invoice, "tx_hash"))
        self.assertEqual(invoice.amount_residual, 0.5)

    def test_switching_tokens_keeps_the_invoices_address(self):
        self.deposit_wallet.token_ids = [Command.set((self.token_usdc | self.token_usdt).ids)]
        self.env.company.stablecoin_token_ids = [
            Command.set((self.token_usdc | self.token_usdt).ids)
        ]
        invoice = self.make_invoice(20.0, wallet=self.deposit_wallet)
        address = invoice.stablecoin_request_id.address_id
        invoice._stablecoin_select_token(self.token_usdt)
        self.assertEqual(invoice.stablecoin_request_id.address_id, address)
        self.assertEqual(self.deposit_wallet.next_index, 1, "no second address handed out")

    def test_wallet_checks_name_the_field(self):
        Wallet = self.env["stablecoin.wallet"]
        with self.assertRaisesRegex(ValidationError, "forward to"):
            Wallet.create({"name": "No address", "kind": "deposit"})
        with self.assertRaisesRegex(ValidationError, "^Kind: Tron"):
            Wallet.create(
                {
                    "name": "Tron deposits",
                    "kind": "deposit",
                    "network_kind": "tron",
                    "address": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
                }
            )
        self.make_invoice(10.0, wallet=self.deposit_wallet)
        with self.assertRaisesRegex(ValidationError, "^Receiving Address: .* deposit addresses"):
            self.deposit_wallet.address = self.customer
        with self.assertRaisesRegex(ValidationError, "^Receiving Address"):
            self.deposit_wallet.kind = "address"


@tagged("post_install", "-at_install", "stablecoin_node")
class TestDepositSweep(AnvilChainMixin, DepositWalletMixin, TransactionCase):
    """Sweeps run the factory's and the forwarders' code: on anvil."""

    def test_a_sweep_moves_money_between_own_addresses_and_books_nothing(self):
        invoice = self.make_invoice(30.0, wallet=self.deposit_wallet)
        self.pay(30_000_000, to=invoice.stablecoin_address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payments = self.env["account.payment"].search_count([])
        # Anyone sweeps (here the customer): the factory on this chain as on any, through the
        # CREATE2 deployer.
        factory = deposit.factory_address()
        if self.chain.rpc("eth_getCode", factory, "latest") == "0x":
            self.chain.send(self.customer, *deposit.factory_deployment())
        salt = bytes.fromhex(invoice.stablecoin_request_id.address_id.deposit_salt[2:])
        before = self.chain.balance_of(self.usdc, self.owner)
        tx = self.chain.send(
            self.customer, factory, deposit.sweep_call(self.owner, [salt], self.usdc)
        )
        self.assertEqual(self.chain.balance_of(self.usdc, self.owner) - before, 30_000_000)
        self.settle()
        sweep = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx)])
        self.assertEqual(len(sweep), 1)
        self.assertEqual((sweep.state, sweep.ignore_reason), ("ignored", "internal"))
        self.assertEqual(self.env["account.payment"].search_count([]), payments, "no receipt")
        self.assertEqual(len(invoice.stablecoin_transfer_ids), 1)

    def test_accountant_sweeps_with_the_transaction_the_wizard_builds(self):
        first = self.make_invoice(12.0, wallet=self.deposit_wallet)
        second = self.make_invoice(8.0, wallet=self.deposit_wallet)
        self.pay(12_000_000, to=first.stablecoin_address)
        self.pay(8_000_000, to=second.stablecoin_address)
        self.settle()
        accountant = self.company_user(
            "scoin_sweep_accountant", "account.group_account_user", [self.env.company]
        )
        action = self.deposit_wallet.with_user(accountant).action_open_sweep_wizard()
        Wizard = self.env["stablecoin.sweep.wizard"].with_user(accountant)

        def open_wizard():
            return Form(Wizard.with_context(**action["context"])).save()

        wizard = open_wizard()
        if wizard.factory_missing:
            # A chain without the factory: the wizard gives its one-time deployment first.
            self.assertEqual(wizard.tx_to.lower(), deposit.CREATE2_DEPLOYER.lower())
            self.chain.send(self.customer, wizard.tx_to, wizard.tx_data)
            wizard = open_wizard()
        self.assertFalse(wizard.factory_missing)
        self.assertEqual(wizard.address_count, 2)
        self.assertEqual(wizard.amount_text, "20.00 USDC")
        self.assertEqual(wizard.tx_to, deposit.factory_address())
        # The accountant's browser wallet sends it (any account may: it pays only the fee).
        before = self.chain.balance_of(self.usdc, self.owner)
        self.chain.send(self.chain.accounts[4], wizard.tx_to, wizard.tx_data)
        self.assertEqual(self.chain.balance_of(self.usdc, self.owner) - before, 20_000_000)
        self.settle()
        sweeps = self.env["stablecoin.transfer"].search(
            [("wallet_id", "=", self.deposit_wallet.id), ("ignore_reason", "=", "internal")]
        )
        self.assertEqual(len(sweeps), 2, "recorded, booked nothing")
        wizard = open_wizard()
        self.assertEqual(wizard.address_count, 0)
        self.assertFalse(wizard.tx_data)
        self.assertIn("Nothing to sweep", wizard.note)
        # A billing clerk sees the wallet but sweeps nothing.
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["stablecoin.sweep.wizard"].with_user(self.clerk).create(
                {"wallet_id": self.deposit_wallet.id, "token_id": self.token_usdc.id}
            )


# An EIP-1193 wallet injected into the backend page: it answers from an unlocked anvil account
# (anvil signs and mines what the page asks it to send).
BACKEND_WALLET = """
const ANVIL = %(rpc)s, ACCOUNT = %(account)s;
window.ethereum = {
    async request({method, params}) {
        if (method === 'eth_requestAccounts') { return [ACCOUNT]; }
        if (method === 'wallet_switchEthereumChain') { return null; }
        const response = await fetch(ANVIL, {
            method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params: params || []}),
        });
        const body = await response.json();
        if (body.error) { throw new Error(body.error.message); }
        return body.result;
    },
};
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const find = async (selector) => {
        for (let i = 0; i < 200; i++) {
            const element = document.querySelector(selector);
            if (element) { return element; }
            await sleep(50);
        }
        throw new Error('not found: ' + selector);
    };
    try {
        (await find('button[name="action_open_sweep_wizard"]')).click();
        const field = await find('.modal .o_stablecoin_send_transaction');
        field.querySelector('button.btn-primary').click();
        const sent = await find('.modal .o_stablecoin_send_transaction span code');
        console.log('SENT ' + sent.textContent);
        console.log('test successful');
    } catch (error) {
        console.error(error.message);
    }
})();
"""


@tagged("post_install", "-at_install", "stablecoin_node")
class TestDepositSweepInBrowser(AnvilChainMixin, DepositWalletMixin, HttpCase):
    """The accountant's *Sweep* as a person does it: the wallet's form, *Sweep*, then *Send with
    browser wallet*; their wallet (EIP-1193) sends the factory's call, Odoo holds no key."""

    def test_accountant_sends_the_sweep_from_the_wallet_form(self):
        invoice = self.make_invoice(15.0, wallet=self.deposit_wallet)
        self.pay(15_000_000, to=invoice.stablecoin_address)
        self.settle()
        factory = deposit.factory_address()
        if self.chain.rpc("eth_getCode", factory, "latest") == "0x":
            self.chain.send(self.customer, *deposit.factory_deployment())
        self.company_user("scoin_sweep_browser", "account.group_account_user", [self.env.company])
        before = self.chain.balance_of(self.usdc, self.owner)
        code = BACKEND_WALLET % {
            "rpc": json.dumps(self.chain.url),
            "account": json.dumps(self.chain.accounts[4]),
        }
        self.browser_js(
            f"/odoo/action-stablecoin_wallet.stablecoin_wallet_action/{self.deposit_wallet.id}",
            code,
            login="scoin_sweep_browser",
            ready="!!document.querySelector('button[name=\"action_open_sweep_wizard\"]')",
        )
        self.assertEqual(self.chain.balance_of(self.usdc, self.owner) - before, 15_000_000)
        self.assertEqual(self.chain.balance_of(self.usdc, invoice.stablecoin_address), 0)
        self.settle()
        sweep = self.env["stablecoin.transfer"].search(
            [("wallet_id", "=", self.deposit_wallet.id), ("ignore_reason", "=", "internal")]
        )
        self.assertEqual(len(sweep), 1, "recorded as internal, booked nothing")
