# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timezone

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from ..chain.abi import encode_call
from .common import StablecoinChainMixin
from .rpc_proxy import RpcProxy


@tagged("post_install", "-at_install")
class TestChainWatcher(StablecoinChainMixin, TransactionCase):
    def transfers(self):
        return self.env["stablecoin.transfer"].search([("network_id", "=", self.network.id)])

    def test_transfer_is_seen_then_confirmed_at_depth(self):
        tx_hash = self.pay(12_500_000)
        self.scan()
        transfer = self.transfers()
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.tx_hash, tx_hash)
        self.assertEqual(transfer.amount_units, "12500000")
        self.assertEqual(transfer.amount, 12.5)
        self.assertEqual((transfer.sender, transfer.recipient), (self.customer, self.merchant))
        self.assertEqual(transfer.token_id, self.token_usdc)
        self.assertEqual(transfer.state, "seen")
        self.chain.mine(1)
        self.scan()
        self.assertEqual(transfer.state, "seen", "below the confirmation depth")
        self.mine_to_depth()
        self.scan()
        self.assertEqual(transfer.state, "confirmed")
        self.assertTrue(transfer.block_time)
        self.assertGreaterEqual(transfer.confirmations, self.network.confirmations_final)

    def test_transfer_already_at_depth_is_confirmed_at_first_sight(self):
        tx_hash = self.pay(2_000_000)
        block = self.chain.rpc("eth_getTransactionReceipt", tx_hash)["blockNumber"]
        timestamp = int(self.chain.rpc("eth_getBlockByNumber", block, False)["timestamp"], 16)
        self.mine_to_depth()
        self.scan()
        transfer = self.transfers()
        self.assertEqual(transfer.state, "confirmed")
        self.assertEqual(transfer.block_time.replace(tzinfo=timezone.utc).timestamp(), timestamp)
        self.assertGreaterEqual(transfer.confirmations, self.network.confirmations_final)
        self.assertEqual(transfer.currency_id, self.token_usdc.currency_id)
        self.assertEqual(transfer.company_id, transfer.address_id.company_id)
        self.assertEqual(transfer.create_uid, self.env.user)

    def test_a_transfer_another_worker_inserted_is_skipped(self):
        self.pay(4_000_000)
        self.scan()
        transfer = self.transfers()
        vals = {
            name: transfer[name].id if transfer._fields[name].type == "many2one" else transfer[name]
            for name in ("network_id", "token_id", "tx_hash", "log_index", "block_number")
        }
        vals.update(block_hash=transfer.block_hash, recipient=transfer.recipient, amount_units="1")
        self.assertFalse(self.env["stablecoin.transfer"]._insert([vals]))
        self.assertEqual(self.transfers(), transfer)
        self.assertEqual(transfer.amount_units, "4000000")

    def test_other_addresses_and_untracked_tokens_are_ignored(self):
        untracked = self.chain.deploy_token("Other", "OTH")
        self.pay(1_000_000, to=self.chain.accounts[5])  # not our address
        self.pay(1_000_000, token=untracked)  # not our token
        self.scan()
        self.assertFalse(self.transfers())
        self.assertEqual(self.network.last_scanned_block, self.chain.block_number())

    def test_rescan_creates_nothing_new(self):
        self.pay(5_000_000)
        self.pay(7_000_000)
        self.scan()
        self.assertEqual(len(self.transfers()), 2)
        self.network.write({"last_scanned_block": 0, "last_scanned_hash": False})
        self.scan()
        self.scan()
        self.assertEqual(len(self.transfers()), 2)

    def test_reorg_before_depth_reverts_the_transfer(self):
        self.pay(3_000_000)
        self.scan()
        transfer = self.transfers()
        self.assertEqual(transfer.state, "seen")
        # The block holding the payment (and the one after) are replaced by empty blocks.
        self.chain.rpc("anvil_reorg", 2, [])
        self.mine_to_depth()
        self.scan()
        self.assertEqual(transfer.state, "reverted")
        self.scan()
        self.assertEqual(self.transfers(), transfer, "nothing re-created by the rescan")
        self.assertEqual(transfer.state, "reverted")

    # -- a transaction with two receipts, re-included at other log indices ------------------
    def send_two_receipts(self, amounts=(100_000_000, 50_000_000)):
        """One transaction paying the merchant 100 then 50 USDC (two Transfer logs); returns
        its hash and how to send it again (same hash) in a reorganisation."""
        self.chain.mint(self.usdc, self.customer, sum(amounts))
        tx_hash = self.chain.transfer_batch(
            self.usdc, self.customer, [(self.merchant, amount) for amount in amounts]
        )
        tx = self.chain.rpc("eth_getTransactionByHash", tx_hash)
        replay = {key: tx[key] for key in ("from", "to", "input", "nonce")}
        return tx_hash, replay

    def reorg(self, tx_hash, replay, after_another):
        """Replace the blocks from the one holding ``tx_hash`` on; re-include it in the
        first new block, after another transaction's Transfer log or first."""
        mined = self.chain.rpc("eth_getTransactionReceipt", tx_hash)
        depth = self.chain.block_number() - int(mined["blockNumber"], 16) + 1
        other = {
            "from": self.chain.accounts[0],
            "to": self.usdc,
            "input": encode_call(
                "mint(address,uint256)", ["address", "uint256"], [self.chain.accounts[5], 7]
            ),
        }
        sends = [[other, 0], [replay, 0]] if after_another else [[replay, 0]]
        self.chain.rpc("anvil_reorg", depth, sends)
        again = self.chain.rpc("eth_getTransactionReceipt", tx_hash)
        self.assertNotEqual(again["blockHash"], mined["blockHash"])
        return [int(log["logIndex"], 16) for log in again["logs"]]

    def assert_receipts(self, tx_hash, indices, amounts=(100_000_000, 50_000_000)):
        """The transaction's rows: 100 then 50 USDC at ``indices``, live, none twice."""
        rows = self.transfers().filtered(lambda t: t.tx_hash == tx_hash).sorted("log_index")
        self.assertEqual(
            [(row.log_index, int(row.amount_units)) for row in rows],
            list(zip(indices, amounts, strict=True)),
        )
        self.assertNotIn("reverted", rows.mapped("state"))
        self.assertEqual(sum(rows.mapped("amount")), sum(amounts) / 10**6)
        receipt = self.chain.rpc("eth_getTransactionReceipt", tx_hash)
        self.assertEqual(set(rows.mapped("block_hash")), {receipt["blockHash"].lower()})
        return rows

    def test_a_reincluded_transaction_one_log_later_keeps_its_two_receipts(self):
        tx_hash, replay = self.send_two_receipts()
        self.scan()
        before = self.assert_receipts(tx_hash, [0, 1])
        self.assertEqual(self.reorg(tx_hash, replay, after_another=True), [1, 2])
        self.scan()
        self.assertEqual(self.assert_receipts(tx_hash, [1, 2]), before, "the same rows")
        self.mine_to_depth()
        self.scan()
        rows = self.assert_receipts(tx_hash, [1, 2])
        self.assertEqual(set(rows.mapped("state")), {"confirmed"})
        # And back, one log earlier (the other transaction gone).
        self.assertEqual(self.reorg(tx_hash, replay, after_another=False), [0, 1])
        self.mine_to_depth()
        self.scan()
        self.assertEqual(self.assert_receipts(tx_hash, [0, 1]), before)

    def test_a_deep_reorg_moving_two_receipts_does_not_stop_the_watcher(self):
        """Deeper than the confirmations (the accepted rows are re-placed by the settled
        check, not the rescan): the rows trade log indices without breaking the unique key.
        Two identical receipts of one transaction take one log each."""
        for amounts in ((100_000_000, 50_000_000), (50_000_000, 50_000_000)):
            tx_hash, replay = self.send_two_receipts(amounts)
            # First seen after another transaction: logs 1 and 2.
            self.assertEqual(self.reorg(tx_hash, replay, after_another=True), [1, 2])
            self.mine_to_depth()
            self.scan()
            before = self.assert_receipts(tx_hash, [1, 2], amounts)
            self.assertEqual(set(before.mapped("state")), {"confirmed"})
            for after_another, indices in ((False, [0, 1]), (True, [1, 2])):
                with self.subTest(amounts=amounts, indices=indices):
                    self.chain.mine(self.network.confirmations_final + 2)
                    self.scan()
                    self.assertEqual(self.reorg(tx_hash, replay, after_another), indices)
                    self.mine_to_depth()
                    self.scan()  # health "ok": the scan did not fail
                    self.scan()
                    rows = self.assert_receipts(tx_hash, indices, amounts)
                    self.assertEqual(rows, before, "the same rows")
                    self.assertEqual(set(rows.mapped("state")), {"confirmed"})

    def test_a_scan_writes_the_cursor_not_the_network(self):
        """Transfers and requests reference the network's row: the watcher leaves it alone."""
        self.pay(1_000_000)
        network, cursor = self.network.id, self.network.cursor_ids.id

        def row_versions():  # a row's ctid changes with each update of it
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT (SELECT ctid::text FROM stablecoin_network WHERE id = %s), "
                    "(SELECT ctid::text FROM stablecoin_network_cursor WHERE id = %s)",
                    network,
                    cursor,
                )
            )
            return self.env.cr.fetchone()

        before = row_versions()
        self.scan()
        self.assertEqual(len(self.transfers()), 1)
        after = row_versions()
        self.assertEqual(after[0], before[0], "the network's row is not updated")
        self.assertNotEqual(after[1], before[1], "the cursor's is")
        self.assertEqual(self.network.last_scanned_block, self.chain.block_number())

    def test_provider_refusing_large_ranges_still_scans_everything(self):
        with RpcProxy(self.chain.url, max_log_range=5) as proxy:
            self.network.rpc_url = proxy.url
            self.network.scan_chunk_size = 1000
            hashes = set()
            for _i in range(4):
                hashes.add(self.pay(1_000_000))
                self.chain.mine(6)
            self.scan()
            self.assertEqual(set(self.transfers().mapped("tx_hash")), hashes)
            self.assertTrue(proxy.refused, "the proxy did refuse large ranges")
            self.assertLess(
                self.network.scan_chunk_size, 1000, "the chunk shrank to what the node takes"
            )

    def test_node_of_another_chain_is_refused_and_isolated(self):
        other = self.env["stablecoin.network"].create(
            {"name": "Wrong node", "chain_id": 8453_000, "rpc_url": self.chain.url}
        )
        other._scan_guarded()
        self.assertEqual(other.health, "error")
        self.assertIn("answers chain id 31337, not 8453000", other.last_error)
        self.assertTrue(other.next_retry)
        # The healthy network goes on.
        self.pay(2_000_000)
        self.env["stablecoin.network"]._cron_scan()
        self.assertEqual(self.network.health, "ok")
        self.assertEqual(len(self.transfers()), 1)

    def test_scan_now_by_a_system_administrator(self):
        """*Scan now* works for an administrator who is not the superuser; accounting users,
        who may not change networks, cannot run it (nor mark the network failing)."""
        admin = new_test_user(self.env, login="scoin_sysadmin", groups="base.group_system")
        self.assertFalse(admin._is_superuser())
        self.pay(2_000_000)
        self.assertTrue(self.network.with_user(admin).action_scan_now())
        self.assertEqual(self.network.health, "ok", self.network.last_error)
        self.assertEqual(len(self.transfers()), 1)
        self.assertEqual(self.transfers().create_uid, admin)
        self.pay(3_000_000)
        for login, group in (
            ("scoin_clerk", "account.group_account_invoice"),
            ("scoin_accountant", "account.group_account_user"),
            ("scoin_acc_admin", "account.group_account_manager"),
        ):
            user = new_test_user(self.env, login=login, groups=group)
            with self.subTest(group), self.assertRaises(AccessError):
                self.network.with_user(user).action_scan_now()
            self.assertEqual((self.network.health, self.network.error_count), ("ok", 0))
        self.assertEqual(len(self.transfers()), 1, "nothing scanned by them")

    def test_dead_rpc_marks_the_network_failing_and_backs_off(self):
        self.network.rpc_url = "http://127.0.0.1:9"
        self.network._scan_guarded()
        self.assertEqual(self.network.health, "error")
        self.assertIn("cannot reach the node", self.network.last_error)
        first_retry = self.network.next_retry
        self.network._scan_guarded()
        self.assertEqual(self.network.error_count, 2)
        self.assertGreater(self.network.next_retry, first_retry)


@tagged("post_install", "-at_install")
class TestTransferDetails(StablecoinChainMixin, TransactionCase):
    def test_counterparty_and_explorer_links(self):
        self.network.write(
            {
                "explorer_tx_url": "https://explorer.example/tx/{hash}",
                "explorer_address_url": "https://explorer.example/address/{address}",
            }
        )
        tx_hash = self.pay(5_000_000)
        self.scan()
        received = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])
        self.assertEqual(received.counterparty, self.customer)
        self.assertEqual(received.explorer_url, f"https://explorer.example/tx/{tx_hash}")
        self.assertEqual(
            received.explorer_address_url, f"https://explorer.example/address/{self.customer}"
        )
        # A transfer out of the wallet: the other side is its recipient.
        out_hash = self.chain.transfer(self.usdc, self.merchant, self.chain.accounts[6], 1_000_000)
        self.scan()
        sent = self.env["stablecoin.transfer"].search([("tx_hash", "=", out_hash)])
        self.assertEqual((sent.direction, sent.counterparty), ("out", self.chain.accounts[6]))
