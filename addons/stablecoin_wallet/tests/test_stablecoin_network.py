# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestStablecoinNetwork(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.network = cls.env["stablecoin.network"].create(
            {"name": "Test Chain", "chain_id": 990001, "rpc_url": "https://rpc.example/key123"}
        )

    def test_chain_id_is_unique(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["stablecoin.network"].create({"name": "Again", "chain_id": 990001})

    def test_chain_id_must_be_positive(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["stablecoin.network"].create({"name": "Bad", "chain_id": 0})

    def test_each_network_has_its_watcher_cursor(self):
        cursor = self.network.cursor_ids
        self.assertEqual(len(cursor), 1)
        self.assertEqual((cursor.scan_chunk_size, cursor.health), (2000, "unknown"))
        other = self.env["stablecoin.network"].create(
            {"name": "Other", "chain_id": 990002, "scan_chunk_size": 300, "last_scanned_block": 7}
        )
        self.assertEqual(
            (other.cursor_ids.scan_chunk_size, other.cursor_ids.last_scanned_block), (300, 7)
        )
        # The network's fields read and write its cursor.
        other.write({"head_block": 90, "health": "ok"})
        self.assertEqual((other.cursor_ids.head_block, other.lag_blocks), (90, 83))
        other.cursor_ids.error_count = 4
        self.assertEqual((other.health, other.error_count), ("ok", 4))
        with self.assertRaisesRegex(ValidationError, "Scan chunk size"):
            other.cursor_ids.scan_chunk_size = 0
        cursor = other.cursor_ids
        other.unlink()
        self.assertFalse(cursor.exists())

    def test_rpc_url_must_be_http(self):
        with self.assertRaisesRegex(ValidationError, "not an http"):
            self.network.rpc_url = "ftp://node.example"

    def test_confirmations_are_consistent(self):
        with self.assertRaisesRegex(ValidationError, "cannot exceed"):
            self.network.write({"confirmations_seen": 20, "confirmations_final": 5})
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.network.confirmations_final = 0

    def test_rpc_credentials_are_for_administrators_only(self):
        accountant = new_test_user(
            self.env, login="scoin_accountant", groups="account.group_account_manager"
        )
        network = self.network.with_user(accountant)
        self.assertEqual(network.chain_id, 990001)
        with self.assertRaises(AccessError):
            network.read(["rpc_url"])
        self.assertEqual(self.network.rpc_url, "https://rpc.example/key123")

    def test_remote_endpoint_must_use_https(self):
        with self.assertRaisesRegex(ValidationError, "must use https"):
            self.network.rpc_url = "http://eth-mainnet.example.com/v2/secret"
        for url in (
            "http://127.0.0.1:8545",
            "http://localhost:8545",
            "http://[::1]:8545",
            "http://chain:8545",  # a container of a private network (docker compose)
            "https://eth-mainnet.example.com/v2/secret",
        ):
            self.network.rpc_url = url
            self.assertEqual(self.network.sudo().rpc_url, url)

    def test_watcher_settings_are_checked(self):
        for vals, message in (
            ({"rpc_timeout": 0}, "RPC Timeout: 1 to 300"),
            ({"rpc_timeout": 301}, "RPC Timeout: 1 to 300"),
            ({"scan_chunk_size": 0}, "Scan chunk size"),
            ({"scan_chunk_size": 500, "max_chunk_size": 100}, "Max chunk size"),
            ({"start_block": -1}, "Start Block"),
            ({"reorg_window_blocks": -5}, "Deep Reorg Window"),
            ({"rescan_overlap_blocks": -1}, "Rescan Overlap"),
        ):
            with (
                self.subTest(vals),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.network.write(vals)

    def test_token_decimals_cover_the_currency(self):
        usdc = self.env.ref("stablecoin_wallet.currency_usdc")
        with self.assertRaisesRegex(ValidationError, "Decimals \\(1\\) cannot be fewer"):
            self.env["stablecoin.token"].create(
                {
                    "name": "Odd coin",
                    "symbol": "ODD",
                    "network_id": self.network.id,
                    "contract_address": "0x" + "12" * 20,
                    "decimals": 1,
                    "currency_id": usdc.id,
                }
            )

    def test_neutralize_clears_the_endpoints(self):
        from odoo.modules.neutralize import get_neutralization_queries

        for query in get_neutralization_queries(["stablecoin_wallet"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.network.sudo().rpc_url)

    def test_neutralize_clears_the_fallback_endpoints(self):
        """Fallback endpoints may carry an API key too: a copy keeps none of them."""
        from odoo.modules.neutralize import get_neutralization_queries

        self.network.rpc_fallback_urls = "https://a.example/v2/key456\nhttps://b.example/key789"
        self.assertEqual(len(self.network._rpc_urls()), 3)
        self.env.flush_all()
        for query in get_neutralization_queries(["stablecoin_wallet"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.network.sudo().rpc_fallback_urls)
        self.assertEqual(self.network._rpc_urls(), [])
