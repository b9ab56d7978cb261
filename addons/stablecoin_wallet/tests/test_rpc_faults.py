# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import StablecoinChainMixin
from .rpc_proxy import RpcProxy


@tagged("post_install", "-at_install")
class TestRpcFaults(StablecoinChainMixin, TransactionCase):
    """A misbehaving node: the job survives, the network shows the error, nothing is lost."""

    def transfers(self):
        return self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])

    def scan_through(self, proxy):
        self.network.rpc_url = proxy.url
        self.network._scan_guarded()

    def check_fault_then_recovery(self, fault, message):
        hashes = {self.pay(1_000_000), self.pay(2_000_000)}
        with RpcProxy(self.chain.url, fault=fault) as proxy:
            self.scan_through(proxy)
            self.assertEqual(self.network.health, "error")
            self.assertIn(message, self.network.last_error)
            self.assertTrue(self.network.next_retry)
            proxy.fault = None  # the node recovers
            self.scan_through(proxy)
        self.assertEqual(self.network.health, "ok", self.network.last_error)
        self.assertEqual(set(self.transfers().mapped("tx_hash")), hashes)
        self.network.rpc_url = self.chain.url
        self.scan()
        self.assertEqual(len(self.transfers()), 2, "nothing counted twice")

    def test_http_429(self):
        self.check_fault_then_recovery("http429", "HTTP 429")

    def test_http_502(self):
        self.check_fault_then_recovery("http502", "HTTP 502")

    def test_truncated_json(self):
        self.check_fault_then_recovery("truncated", "not JSON")

    def test_node_of_another_chain(self):
        self.check_fault_then_recovery("wrong_chain", "answers chain id 8453, not 31337")

    def test_connection_refused(self):
        self.pay(1_000_000)
        self.network.rpc_url = "http://127.0.0.1:9"
        self.network._scan_guarded()
        self.assertIn("ConnectionError", self.network.last_error)
        self.network.rpc_url = self.chain.url
        self.scan()
        self.assertEqual(len(self.transfers()), 1)

    def test_lagging_node_then_catching_up(self):
        first = self.pay(1_000_000)
        self.chain.mine(10)
        second = self.pay(1_000_000)
        with RpcProxy(self.chain.url, lag=5) as proxy:
            self.scan_through(proxy)
            self.assertEqual(self.transfers().mapped("tx_hash"), [first], "the node lags")
            proxy.lag = 0
            self.scan_through(proxy)
        self.assertEqual(set(self.transfers().mapped("tx_hash")), {first, second})

    def test_checkpoint_moved_back_rescans_without_duplicates(self):
        self.pay(1_000_000)
        self.pay(3_000_000)
        self.scan()
        self.network.write({"last_scanned_block": 1, "last_scanned_hash": False})
        self.scan()
        self.assertEqual(len(self.transfers()), 2)

    def test_logs_node_lagging_behind_the_head_loses_nothing(self):
        tx_hash = self.pay(7_000_000)
        with RpcProxy(self.chain.url) as proxy:
            proxy.empty_logs = True
            self.scan_through(proxy)  # the checkpoint passes the block: its logs came back empty
        self.assertEqual(self.network.health, "ok")
        self.assertFalse(self.transfers())
        self.network.rpc_url = self.chain.url
        self.scan()  # the next scan reads the overlap below the checkpoint again
        self.assertEqual(self.transfers().tx_hash, tx_hash)
