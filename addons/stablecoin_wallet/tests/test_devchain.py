# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.stablecoin_wallet.chain import TRANSFER_TOPIC, decode_transfer_logs

from .common import DevChainMixin


@tagged("post_install", "-at_install")
class TestDevChain(DevChainMixin, TransactionCase):
    """The chain fixture the other tests rely on: real anvil, real token, isolated tests."""

    def _logs_to(self, recipient):
        topic = "0x" + "00" * 12 + recipient[2:].lower()
        return self.chain.rpc(
            "eth_getLogs",
            {
                "fromBlock": "0x0",
                "toBlock": "latest",
                "address": [self.usdc],
                "topics": [TRANSFER_TOPIC, None, [topic]],
            },
        )

    def test_token_has_six_decimals_and_open_mint(self):
        self.assertEqual(self.chain.token_decimals(self.usdc), 6)
        self.chain.mint(self.usdc, self.customer, 25_000_000)
        self.assertEqual(self.chain.balance_of(self.usdc, self.customer), 25_000_000)

    def test_transfer_is_decoded_from_raw_logs(self):
        self.chain.mint(self.usdc, self.customer, 10_000_000)
        tx_hash = self.chain.transfer(self.usdc, self.customer, self.merchant, 1_234_567)
        transfers = decode_transfer_logs(self._logs_to(self.merchant))
        self.assertEqual(len(transfers), 1)
        transfer = transfers[0]
        self.assertEqual(transfer.tx_hash, tx_hash)
        self.assertEqual(transfer.token, self.usdc)
        self.assertEqual((transfer.sender, transfer.recipient), (self.customer, self.merchant))
        self.assertEqual(transfer.amount, 1_234_567)
        self.assertEqual(self.chain.balance_of(self.usdc, self.merchant), 1_234_567)

    def test_each_test_starts_from_the_same_chain_state_a(self):
        self._check_isolation()

    def test_each_test_starts_from_the_same_chain_state_b(self):
        self._check_isolation()

    def _check_isolation(self):
        # Whichever of a/b runs second would see the first one's transfer without the revert.
        self.assertEqual(self.chain.balance_of(self.usdc, self.merchant), 0)
        self.assertEqual(self._logs_to(self.merchant), [])
        self.chain.mint(self.usdc, self.merchant, 1)

    def test_reorg_drops_a_transfer(self):
        self.chain.mint(self.usdc, self.customer, 5_000_000)
        self.chain.transfer(self.usdc, self.customer, self.merchant, 5_000_000)
        self.assertEqual(len(self._logs_to(self.merchant)), 1)
        self.chain.rpc("anvil_reorg", 1, [])
        self.assertEqual(self._logs_to(self.merchant), [])
