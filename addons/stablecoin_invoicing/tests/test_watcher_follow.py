# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The watcher follows the head while payments are expected (issue 26): an invoice is paid
within a block or two of its receipt's final depth with no page open, at about one call a
block when nothing happens and at most three with the logs; it gives its cron thread back
to Odoo's other jobs, and asks for its next run itself."""

import threading
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.stablecoin_wallet.chain.rpc import JsonRpcClient
from odoo.addons.stablecoin_wallet.models import stablecoin_network
from odoo.addons.stablecoin_wallet.tests.common import AnvilChainMixin

from .common import ClerkInvoicesMixin, StablecoinInvoiceMixin

BLOCK_SECONDS = 1.0


class CountingCalls:
    """Counts the JSON-RPC calls the watcher sends (a batch counts each of its calls, as
    providers bill them)."""

    def __init__(self):
        self.methods = []
        self._call, self._batch = JsonRpcClient.call, JsonRpcClient.batch

    def __enter__(self):
        counter = self

        def call(client, method, *params):
            counter.methods.append(method)
            return counter._call(client, method, *params)

        def batch(client, calls):
            counter.methods.extend(method for method, _params in calls)
            return counter._batch(client, calls)

        self._patches = [
            patch.object(JsonRpcClient, "call", call),
            patch.object(JsonRpcClient, "batch", batch),
        ]
        for one in self._patches:
            one.start()
        return self

    def __exit__(self, *exc):
        for one in self._patches:
            one.stop()


class Miner(threading.Thread):
    """The chain makes a block every ``BLOCK_SECONDS`` while the test runs (anvil mines on
    demand; this is its block time)."""

    def __init__(self, chain):
        super().__init__(daemon=True)
        self.chain = chain
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(BLOCK_SECONDS):
            self.chain.mine(1)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()


@tagged("post_install", "-at_install", "stablecoin_node")
class TestWatcherFollowsTheHead(
    AnvilChainMixin, ClerkInvoicesMixin, StablecoinInvoiceMixin, TransactionCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.network.block_seconds = BLOCK_SECONDS
        cls.scan_cron = cls.env.ref("stablecoin_wallet.ir_cron_stablecoin_scan")
        cls.Network = cls.env["stablecoin.network"]

    def setUp(self):
        super().setUp()
        # Nothing else open on this network (the demo data's invoices), no other job due:
        # the follower stops when this test's payments are in, and never gives way early.
        self.env["stablecoin.payment.request"].search(
            [("state", "in", ("awaiting", "seen", "partial"))]
        ).write({"state": "cancelled"})
        self.no_job_due()
        self.scan()  # the checkpoint at the head
        stablecoin_network._NEXT_POLL.clear()  # each test's follower asks the head at once

    def no_job_due(self):
        """No scheduled job due (test databases have no cron runner: many are late)."""
        later = fields.Datetime.now() + timedelta(hours=1)
        self.env["ir.cron"].search([]).write({"nextcall": later})
        self.env["ir.cron.trigger"].search([]).unlink()

    def follow(self, seconds):
        started = time.monotonic()
        self.Network.with_context(stablecoin_follow_seconds=seconds)._cron_scan()
        return time.monotonic() - started

    def own_triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.scan_cron.id)])

    def clock(self):
        """PostgreSQL's clock, to the microsecond (UTC, as Odoo stores datetimes)."""
        self.env.cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
        return self.env.cr.fetchone()[0]

    def trigger_due_now(self):
        """The follower's trigger is due: Odoo's runner picks the job at its next look."""
        self.env.cr.execute(
            "SELECT bool_and(call_at <= clock_timestamp() AT TIME ZONE 'UTC')"
            " FROM ir_cron_trigger WHERE cron_id = %s",
            [self.scan_cron.id],
        )
        return self.env.cr.fetchone()[0]

    def runner_ends_the_run(self, taken_at):
        """What Odoo's runner does when the run it took at ``taken_at`` ends: it removes the
        job's triggers that were due before it took it (18.0: before ``now()`` of its
        transaction; 19.0: at or before that time to the second)."""
        self.env.cr.execute(
            "DELETE FROM ir_cron_trigger WHERE cron_id = %s"
            " AND (call_at < %s OR call_at <= date_trunc('second', %s))",
            [self.scan_cron.id, taken_at, taken_at],
        )
        self.env.invalidate_all()

    def test_an_invoice_is_paid_with_no_page_open_within_a_block_of_its_depth(self):
        invoice = self.make_invoice(21.0)
        self.assertTrue(self.own_triggers(), "a new request starts the follower at once")
        self.no_job_due()
        paid_at = self.chain.block_number() + 2  # mint, then the payment
        self.pay(21_000_000)
        final_at = paid_at + self.network.confirmations_final - 1
        runs = 0
        with Miner(self.chain), CountingCalls() as calls:
            first = self.chain.block_number()
            elapsed = 0
            # As Odoo's cron runner does: the follower gives way when another job is due
            # (the notice of the payment seen), asking for its next run; the other job runs
            # (here: marked done), then the follower again.
            while invoice.stablecoin_payment_status != "paid" and runs < 10:
                elapsed += self.follow(30)
                runs += 1
                if invoice.stablecoin_payment_status != "paid":
                    self.assertTrue(self.own_triggers(), "it gave way and asked to go on")
                self.no_job_due()
            last = self.chain.block_number()
        self.assertEqual(invoice.stablecoin_payment_status, "paid")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # Paid in the scan of the block that made it final, or the next one: the follower's
        # last scan (it stops once nothing is expected) saw that head. (The chain's own head
        # may be further: a busy machine mines on while the matcher books the payment.)
        paid_in = self.network.head_block
        self.assertLessEqual(paid_in - final_at, 1, f"paid at head {paid_in}, final {final_at}")
        self.assertGreaterEqual(last, paid_in)
        self.assertLess(elapsed, 30, "the follower stops when no payment is expected")
        self.assertLessEqual(runs, 4)
        blocks = max(last - first, 1)
        self.assertLessEqual(len(calls.methods) / blocks, 3, f"{calls.methods} in {blocks} blocks")
        self.assertFalse(self.own_triggers(), "nothing expected: no next run asked")

    def test_an_idle_head_costs_one_call_a_block(self):
        self.make_invoice(5.0)  # a payment is expected: followed, but none comes
        self.no_job_due()
        with Miner(self.chain), CountingCalls() as calls:
            first = self.chain.block_number()
            elapsed = self.follow(4)
            last = self.chain.block_number()
        self.assertGreaterEqual(elapsed, 4)
        blocks = last - first
        heads = calls.methods.count("eth_getBlockByNumber")
        logs = calls.methods.count("eth_getLogs")
        self.assertLessEqual(heads, 1.5 * blocks + 2, calls.methods)
        self.assertLessEqual(logs, blocks + 2, "one eth_getLogs a block, in only")
        self.assertLessEqual(len(calls.methods), 3 * blocks, calls.methods)
        self.assertNotIn("eth_chainId", calls.methods, "the endpoint's chain id was checked")
        # The budget spent, it asks for its next run now (a trigger wakes a cron worker),
        # never for a moment before it began (Odoo's runner removes those when it ends).
        self.assertEqual(len(self.own_triggers()), 1)
        self.assertTrue(self.trigger_due_now())

    def test_the_follower_gives_way_to_another_job(self):
        self.make_invoice(6.0)
        self.no_job_due()
        match = self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match")
        match._trigger()
        taken_at = self.clock()
        with Miner(self.chain):
            elapsed = self.follow(30)
        self.assertLess(elapsed, 5, "another job was due: the thread is given back")
        self.assertTrue(self.own_triggers(), "and the follower asks to go on after it")
        self.assertTrue(self.trigger_due_now())
        # A run shorter than a second: its trigger outlives the runner's cleanup of the
        # triggers it served (Odoo's datetimes are to the second; this one is exact).
        self.runner_ends_the_run(taken_at)
        self.assertTrue(self.own_triggers(), "the follower's next run was not dropped")

    def test_a_receipt_one_block_from_final_is_paid_before_another_job_runs(self):
        """Another job due while a receipt waits for its last block: the follower pays it in
        this run (a block later), then gives the thread back; not a job later."""
        invoice = self.make_invoice(8.0)
        self.no_job_due()
        self.pay(8_000_000)
        self.chain.mine(self.network.confirmations_final - 2)  # final with the next block
        self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match")._trigger()
        with Miner(self.chain):
            elapsed = self.follow(30)
        self.assertEqual(invoice.stablecoin_payment_status, "paid", "paid in this run")
        self.assertLess(elapsed, 3 * BLOCK_SECONDS + 3, "the other job waited about a block")

    def test_another_job_waits_at_most_a_block(self):
        """A receipt one block from final on a chain that makes no block: the other job
        gets the thread after a block time, not after the follower's whole budget."""
        self.make_invoice(9.0)
        self.no_job_due()
        self.pay(9_000_000)
        self.chain.mine(self.network.confirmations_final - 2)
        self.env.ref("stablecoin_invoicing.ir_cron_stablecoin_match")._trigger()
        elapsed = self.follow(30)  # no miner: the block never comes
        self.assertLess(elapsed, BLOCK_SECONDS + 3)
        self.assertGreaterEqual(elapsed, BLOCK_SECONDS)
        self.assertTrue(self.own_triggers(), "it asks to go on after the other job")

    def test_no_follower_without_an_expected_payment(self):
        with Miner(self.chain), CountingCalls() as calls:
            elapsed = self.follow(30)
        self.assertLess(elapsed, 5)
        self.assertFalse(self.own_triggers())
        self.assertLessEqual(calls.methods.count("eth_getBlockByNumber"), 2, calls.methods)

    def test_a_failing_node_is_not_followed_until_its_retry(self):
        self.make_invoice(7.0)
        self.network.rpc_url = "http://127.0.0.1:9"  # nothing listens there
        elapsed = self.follow(30)
        self.assertLess(elapsed, 5, "the failing network backs off: nothing to follow")
        self.assertEqual(self.network.health, "error")

    def test_a_server_follows_for_thirty_seconds_unless_told_otherwise(self):
        """Outside tests the follower runs 30 s a run by default; the system parameter sets
        it (0: never follow), and a value that is no number is not taken."""
        Param = self.env["ir.config_parameter"].sudo()
        with patch(
            "odoo.addons.stablecoin_wallet.models.stablecoin_network.may_commit",
            return_value=True,
        ):
            self.assertEqual(self.Network._follow_seconds(), 30)
            Param.set_param("stablecoin_wallet.follow_seconds", "0")
            self.assertEqual(self.Network._follow_seconds(), 0)
            Param.set_param("stablecoin_wallet.follow_seconds", "12.5")
            self.assertEqual(self.Network._follow_seconds(), 12.5)
            Param.set_param("stablecoin_wallet.follow_seconds", "soon")
            self.assertEqual(self.Network._follow_seconds(), 30)
