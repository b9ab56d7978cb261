# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""USDT on Tron, read by the shared watcher from a chain that answers as TronGrid's /jsonrpc
does (anvil on Tron's chain id; TronGrid's limits injected by the fault proxy)."""

from bip_utils import Bip32Secp256k1, TrxAddrEncoder

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..chain.tron import from_tron_address, to_tron_address
from .common import TRON_CHAIN_ID, TRON_TEST_XPUB, StablecoinChainMixin, TronChainMixin
from .rpc_proxy import RpcProxy


@tagged("post_install", "-at_install")
class TestTronData(TransactionCase):
    def test_mainnet_usdt_and_nile(self):
        token = self.env.ref("stablecoin_wallet.stablecoin_token_usdt_tron")
        self.assertEqual(
            token.contract_address, from_tron_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
        )
        self.assertEqual(token.display_contract, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
        self.assertEqual((token.decimals, token.symbol), (6, "USDT"))
        network = token.network_id
        self.assertEqual((network.kind, network.chain_id), ("tron", TRON_CHAIN_ID))
        self.assertEqual((network.finality, network.max_chunk_size), ("finalized", 5000))
        self.assertFalse(network.sudo().rpc_url, "no endpoint until one is chosen")
        nile = self.env.ref("stablecoin_wallet.stablecoin_network_tron_nile")
        self.assertFalse(nile.active)
        # Past 2^31: the chain id column holds it (8 bytes).
        self.env.invalidate_all()
        self.assertEqual(nile.chain_id, 3448148188)
        self.assertEqual(nile.token_ids.display_contract, "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf")


@tagged("post_install", "-at_install")
class TestTron(TronChainMixin, StablecoinChainMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            login="tron_acc_admin",
            groups="account.group_account_manager",
            email="tron-admin@example.com",
        )

    def transfers(self):
        return self.env["stablecoin.transfer"].search([("network_id", "=", self.tron_network.id)])

    def test_payment_to_a_t_address_is_read_and_shown_in_t_form(self):
        self.tron_network.write(
            {
                "explorer_tx_url": "https://tronscan.org/#/transaction/{hash}",
                "explorer_address_url": "https://tronscan.org/#/address/{address}",
            }
        )
        tx_hash = self.tron_pay(12_500_000)
        self.tron_scan()
        transfer = self.transfers()
        self.assertEqual(len(transfer), 1)
        # Inside: the 0x form the logs carry (shared scanner, matcher, unique index).
        self.assertEqual(
            (transfer.recipient, transfer.sender), (self.tron_merchant, self.tron_payer)
        )
        self.assertEqual((transfer.amount_units, transfer.token_id), ("12500000", self.tron_token))
        # What people read: T-form, transaction id without 0x, Tronscan links.
        self.assertEqual(transfer.display_recipient, self.tron_merchant_t)
        self.assertEqual(transfer.display_sender, self.tron_payer_t)
        self.assertEqual(transfer.counterparty, self.tron_payer_t)
        self.assertEqual(transfer.display_tx, tx_hash[2:])
        self.assertEqual(transfer.explorer_url, f"https://tronscan.org/#/transaction/{tx_hash[2:]}")
        self.assertEqual(
            transfer.explorer_address_url, f"https://tronscan.org/#/address/{self.tron_payer_t}"
        )
        self.assertEqual(self.tron_wallet.display_address, self.tron_merchant_t)
        self.assertEqual(self.tron_wallet.address_ids.display_name, self.tron_merchant_t)
        # Final once the solidified ("finalized") block passes it.
        self.assertEqual(transfer.state, "seen")
        self.tron_settle()
        self.assertEqual(transfer.state, "confirmed")

    def test_solidified_block_behind_the_head_decides_finality(self):
        self.tron_chain.mine(30)
        with RpcProxy(self.tron_chain.url, tron=True, finalized_behind=19) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_pay(1_000_000)
            self.tron_chain.mine(10)
            self.tron_scan()
            transfer = self.transfers()
            head = self.tron_chain.block_number()
            self.assertEqual(self.tron_network.final_block, head - 19)
            self.assertEqual(transfer.state, "seen", "10 blocks deep, not yet solidified")
            self.assertEqual(transfer.confirmations, 11)
            self.tron_chain.mine(10)
            self.tron_scan()
            self.assertEqual(transfer.state, "confirmed")

    def test_tron_range_limit_of_5000_blocks(self):
        """TronGrid refuses eth_getLogs over 5,000 blocks: the data's chunking never asks
        more, and a chunk set too wide shrinks on "exceed max block range"."""
        first = self.tron_pay(1_000_000)
        self.tron_chain.mine(6000)
        second = self.tron_pay(2_000_000)
        self.tron_chain.mine(6000)
        third = self.tron_pay(3_000_000)
        self.tron_chain.mine(3)
        with RpcProxy(self.tron_chain.url, tron=True, max_log_range=5000) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_scan()
            self.assertEqual(proxy.refused, 0)
            self.assertLessEqual(max(last - first for first, last in proxy.log_ranges), 5000)
        self.assertEqual(set(self.transfers().mapped("tx_hash")), {first, second, third})
        self.assertLessEqual(self.tron_network.scan_chunk_size, 5000)

        self.env["stablecoin.transfer"].search([]).unlink()
        self.tron_network.write(
            {
                "max_chunk_size": 20000,
                "scan_chunk_size": 20000,
                "last_scanned_block": 0,
                "last_scanned_hash": False,
            }
        )
        with RpcProxy(self.tron_chain.url, tron=True, max_log_range=5000) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_scan()
            self.assertTrue(proxy.refused, "the too wide range was refused, then split")
        self.assertEqual(set(self.transfers().mapped("tx_hash")), {first, second, third})

    def test_result_caps_split_the_range(self):
        hashes = {self.tron_pay(1_000_000 + i) for i in range(7)}
        self.tron_chain.mine(3)
        # java-tron refuses an answer of more than N logs ("query returned more than N").
        with RpcProxy(self.tron_chain.url, tron=True, max_log_results=3) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_scan()
            self.assertTrue(proxy.refused)
        self.assertEqual(set(self.transfers().mapped("tx_hash")), hashes)
        # A provider that cuts the list short without a word: the network's cap splits it.
        self.env["stablecoin.transfer"].search([]).unlink()
        self.tron_network.write(
            {"log_result_cap": 3, "last_scanned_block": 0, "last_scanned_hash": False}
        )
        with RpcProxy(self.tron_chain.url, tron=True, cap_logs=3) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_scan()
        self.assertEqual(set(self.transfers().mapped("tx_hash")), hashes)
        self.tron_network.log_result_cap = 0
        self.env["stablecoin.transfer"].search([]).unlink()
        self.tron_network.write({"last_scanned_block": 0, "last_scanned_hash": False})
        with RpcProxy(self.tron_chain.url, tron=True, cap_logs=3) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_scan()
        self.assertLess(len(self.transfers()), 7, "without the cap, a cut answer loses some")

    def test_reorg_is_found_by_block_hash_rereads(self):
        """java-tron never sets ``removed``: a reorganised transfer is found by re-reading
        its block's hash, as on any network."""
        with RpcProxy(self.tron_chain.url, tron=True) as proxy:
            self.tron_network.rpc_url = proxy.url
            self.tron_pay(3_000_000)
            self.tron_scan()
            transfer = self.transfers()
            self.assertEqual(transfer.state, "seen")
            self.tron_chain.rpc("anvil_reorg", 2, [])
            self.tron_chain.mine(3)
            self.tron_scan()
            self.assertEqual(transfer.state, "reverted")

    def test_tron_wallet_is_not_watched_on_evm_networks(self):
        # The same 20 bytes paid on the EVM test chain: not the Tron wallet's receipt.
        self.pay(1_000_000, to=self.tron_merchant)
        self.scan()
        self.assertFalse(
            self.env["stablecoin.transfer"].search([("recipient", "=", self.tron_merchant)])
        )

    def test_invalid_t_addresses_are_refused_naming_the_field(self):
        Wallet = self.env["stablecoin.wallet"].with_user(self.admin)
        good = to_tron_address(self.chain.accounts[7])
        typo = good[:-1] + ("2" if good[-1] != "2" else "3")
        for bad, message in [
            (typo, "checksum"),
            ("A" + good[1:], "starting with T"),
            (self.chain.accounts[7], "hexadecimal"),
        ]:
            with (
                self.subTest(bad=bad),
                self.assertRaisesRegex(ValidationError, f"Receiving address: .*{message}"),
            ):
                Wallet.create({"name": "Bad", "network_kind": "tron", "address": bad})
        wallet = Wallet.create({"name": "Good", "network_kind": "tron", "address": good})
        self.assertEqual(wallet.address, self.chain.accounts[7])
        self.assertEqual(wallet.display_address, good)
        # Typed in the form's T-address field (its inverse), at creation and later.
        typed = Wallet.create(
            {
                "name": "Typed",
                "network_kind": "tron",
                "address": False,  # the form's hidden 0x field
                "display_address": to_tron_address(self.chain.accounts[8]),
            }
        )
        self.assertEqual(typed.address_ids.address, self.chain.accounts[8])
        wallet.display_address = self.tron_payer_t
        self.assertEqual(wallet.address, self.tron_payer)
        with self.assertRaisesRegex(ValidationError, "Receiving address"):
            wallet.display_address = self.tron_payer
        # Given a T-address without a network type (XML-RPC): a Tron wallet.
        inferred = Wallet.create(
            {"name": "API", "address": to_tron_address(self.chain.accounts[9])}
        )
        self.assertEqual(inferred.network_kind, "tron")
        self.assertEqual(inferred.address, self.chain.accounts[9])

    def test_accounting_admin_sets_up_a_tron_wallet_in_the_form(self):
        form = Form(self.env["stablecoin.wallet"].with_user(self.admin))
        form.name = "Tron treasury"
        form.network_kind = "tron"
        form.kind = "address"
        form.display_address = to_tron_address(self.chain.accounts[9])
        form.token_ids.add(self.tron_token)
        wallet = form.save()
        self.assertEqual(wallet.address, self.chain.accounts[9])
        self.assertEqual(
            wallet.address_ids.display_address, to_tron_address(self.chain.accounts[9])
        )
        self.assertEqual(wallet.journal_ids.currency_id, self.tron_token.currency_id)
        # The accountant finds the address as Tron writes it (what a customer quotes).
        Address = self.env["stablecoin.address"].with_user(self.admin)
        found = Address.search([("display_address", "=", to_tron_address(self.chain.accounts[9]))])
        self.assertEqual(found, wallet.address_ids)
        self.assertFalse(Address.search([("display_address", "=", self.chain.accounts[9])]))

    def test_token_contract_typed_in_t_form_and_network_kinds_kept_apart(self):
        with self.assertRaisesRegex(ValidationError, "Token contract: .*checksum"):
            self.env["stablecoin.token"].create(
                {
                    "name": "Bad",
                    "symbol": "BAD",
                    "network_id": self.tron_network.id,
                    "contract_address": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
                    "decimals": 6,
                    "currency_id": self.usdt_currency.id,
                }
            )
        self.assertEqual(self.tron_token.contract_address, self.tron_usdt)
        # assertRaises (Odoo's) undoes the refused write in a savepoint.
        with self.assertRaises(ValidationError) as caught:
            self.tron_wallet.token_ids = [(4, self.token_usdc.id)]
        self.assertIn("Accepted Tokens", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.tron_network.kind = "evm"
        self.assertIn("Accepted Tokens", str(caught.exception))
        self.tron_pay(1_000_000)
        self.tron_scan()
        self.assertTrue(self.transfers())
        with self.assertRaises(ValidationError) as caught:
            self.tron_wallet.network_kind = "evm"
        self.assertIn("Network Type", str(caught.exception))

    def test_xpub_wallet_derives_m_44_195_0_0_i(self):
        wallet = (
            self.env["stablecoin.wallet"]
            .with_user(self.admin)
            .create(
                {
                    "name": "Tron HD",
                    "network_kind": "tron",
                    "kind": "xpub",
                    "xpub": TRON_TEST_XPUB,
                    "token_ids": [(4, self.tron_token.id)],
                }
            )
        )
        addresses = [wallet._new_receiving_address() for _i in range(2)]
        account = Bip32Secp256k1.FromExtendedKey(TRON_TEST_XPUB)
        for index, address in enumerate(addresses):
            expected = TrxAddrEncoder.EncodeKey(
                account.DerivePath(f"0/{index}").PublicKey().KeyObject()
            )
            self.assertEqual(address.display_address, expected)
            self.assertTrue(address.address.startswith("0x"))
            self.assertEqual(to_tron_address(address.address), expected)
        # Paid to the derived T-address: read back as this wallet's receipt.
        tx_hash = self.tron_pay(5_000_000, to_t=addresses[1].display_address)
        self.tron_settle()
        transfer = self.transfers()
        self.assertEqual((transfer.tx_hash, transfer.address_id), (tx_hash, addresses[1]))
        self.assertEqual(transfer.display_recipient, addresses[1].display_address)
        with self.assertRaisesRegex(ValidationError, "m/44'/195'/0'"):
            deeper = account.ChildKey(0).PublicKey().ToExtended()
            self.env["stablecoin.wallet"].create(
                {"name": "Deep", "network_kind": "tron", "kind": "xpub", "xpub": deeper}
            )
