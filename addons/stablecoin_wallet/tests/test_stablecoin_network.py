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
