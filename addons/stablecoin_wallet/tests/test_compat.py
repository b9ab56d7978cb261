# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The 18.0 / 19.0 seam (``compat``) names what the running series has."""

import ast

from odoo.tests import TransactionCase, tagged

from .. import compat


@tagged("post_install", "-at_install")
class TestSeriesSeam(TransactionCase):
    def test_sql_constraints_exist_under_their_names(self):
        """19.0 ignores ``_sql_constraints``: the constraints must still be in PostgreSQL, under
        the names the watcher's ``ON CONFLICT`` and the databases of either series know."""
        self.env.cr.execute(
            """
            SELECT conname FROM pg_constraint
             WHERE contype IN ('u', 'c')
               AND conrelid::regclass::text IN ('stablecoin_address', 'stablecoin_network',
                   'stablecoin_network_cursor', 'stablecoin_token', 'stablecoin_transfer')
            """
        )
        self.assertEqual(
            {name for (name,) in self.env.cr.fetchall()},
            {
                "stablecoin_address_address_wallet_unique",
                "stablecoin_network_block_seconds_positive",
                "stablecoin_network_chain_id_positive",
                "stablecoin_network_chain_id_unique",
                "stablecoin_network_cursor_network_unique",
                "stablecoin_token_contract_unique",
                "stablecoin_token_decimals_range",
                "stablecoin_token_dust_threshold_positive",
                "stablecoin_transfer_transfer_unique",
            },
        )

    def test_field_names_are_the_running_series(self):
        for model, field in (
            ("res.users", compat.GROUP_IDS),
            ("ir.ui.menu", compat.GROUP_IDS),
            ("ir.actions.server", compat.GROUP_IDS),
            ("account.move.send.wizard", compat.SEND_TEMPLATE),
            ("account.move.send.wizard", compat.SEND_BODY),
        ):
            with self.subTest(model=model, field=field):
                self.assertIn(field, self.env[model]._fields)
        admin = self.env.ref("base.user_admin")
        self.assertIn(admin, compat.group_users(self.env.ref("base.group_user")))
        in_use = ast.literal_eval(compat.ACCOUNT_IN_USE_DOMAIN)
        self.assertTrue(self.env["account.account"].search_count(in_use))
