# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every receipt finds its one invoice: what is and is not a customer receipt, invoices of one
amount, several transfers in one transaction, and invoices posted by a billing clerk in a
database with a second company."""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.tests.rpc_proxy import RpcProxy

from .common import StablecoinInvoiceMixin


@tagged("post_install", "-at_install")
class TestPaymentIdentity(StablecoinInvoiceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Second Company"})
        cls.clerk = new_test_user(
            cls.env,
            login="scoin_clerk",
            groups="account.group_account_invoice",
            company_ids=[Command.set((cls.env.company | cls.other_company).ids)],
            company_id=cls.env.company.id,
        )

    def transfers(self):
        return self.env["stablecoin.transfer"].search(
            [("network_id", "=", self.network.id)], order="block_number, log_index"
        )

    def clerk_invoice(self, amount, wallet=None):
        """An invoice created and posted by the billing clerk, as in the Invoicing app."""
        invoice = (
            self.env["account.move"]
            .with_user(self.clerk)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner.id,
                    "currency_id": self.usdc_currency.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.stablecoin_token_id = self.token_usdc
        invoice.sudo().stablecoin_wallet_id = wallet or self.wallet  # the shared address
        invoice.action_post()
        return invoice

    def test_clerk_posts_two_invoices_of_one_amount_each_paid(self):
        first = self.clerk_invoice(120.0)
        second = self.clerk_invoice(120.0)
        self.assertEqual(
            [
                first._stablecoin_current_request().amount_units,
                second._stablecoin_current_request().amount_units,
            ],
            ["120000000", "120000001"],
        )
        self.assertEqual(second.with_user(self.clerk).stablecoin_request_id.tag_units, 1)
        second_tx = self.pay(120_000_001)
        first_tx = self.pay(120_000_000)
        self.run_crons()
        # The last one is seen, not yet final: its own invoice shows it in progress.
        self.assertEqual(first.stablecoin_payment_status, "in_progress")
        self.assertEqual(first.stablecoin_request_id.state, "seen")
        self.settle()
        self.assertEqual(first.stablecoin_transfer_ids.payment_id.memo, first_tx)
        self.assertEqual(second.stablecoin_transfer_ids.payment_id.memo, second_tx)
        for invoice in (first, second):
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertEqual(invoice.amount_residual, 0.0)
        self.assertFalse(self.transfers().filtered(lambda t: t.state == "unmatched"))

    def test_zero_value_and_dust_are_ignored(self):
        invoice = self.make_invoice(0.01)  # the smallest invoice: one cent is no dust
        self.chain.transfer(self.usdc, self.customer, self.merchant, 0)  # address poisoning
        self.pay(9_999)  # 0.009999 USDC: below the 0.01 threshold
        one_cent = self.pay(10_000)
        self.settle()
        transfers = self.transfers()
        self.assertEqual(
            [(t.amount_units, t.state, t.ignore_reason) for t in transfers],
            [("0", "ignored", "zero"), ("9999", "ignored", "dust"), ("10000", "matched", False)],
        )
        self.assertFalse(transfers.filtered(lambda t: t.state == "ignored").payment_id)
        self.assertEqual(invoice.stablecoin_transfer_ids.payment_id.memo, one_cent)
        # Not in the accountants' unmatched queue.
        unmatched = self.env["stablecoin.transfer"].search([("state", "=", "unmatched")])
        self.assertFalse(unmatched & transfers)

    def test_dust_threshold_is_per_token(self):
        self.token_usdc.dust_threshold = 1.5
        self.assertEqual(self.token_usdc._dust_units(), 1_500_000)
        self.pay(1_499_999)
        self.settle()
        self.assertEqual(self.transfers().ignore_reason, "dust")

    def test_sweep_between_own_addresses_pays_nothing(self):
        invoice = self.make_invoice(100.0, wallet=self.hd_wallet)  # a derived address
        open_request = self.make_invoice(77.0)  # shared address, asks for 77
        # The merchant consolidates: the derived address sends 77 to the shared one (its key
        # is in the merchant's wallet app; on the test chain, anvil impersonates it).
        derived = invoice.stablecoin_address
        self.chain.rpc("anvil_impersonateAccount", derived)
        self.chain.rpc("anvil_setBalance", derived, hex(10**18))
        self.chain.mint(self.usdc, derived, 77_000_000)
        self.chain.transfer(self.usdc, derived, self.merchant, 77_000_000)
        self.settle()
        transfers = self.transfers()
        sweep = transfers.filtered(lambda t: t.recipient == self.merchant)
        self.assertEqual((sweep.state, sweep.ignore_reason), ("ignored", "internal"))
        self.assertEqual(open_request.payment_state, "not_paid")
        self.assertEqual(open_request.stablecoin_payment_status, "awaiting")
        self.assertFalse(sweep.payment_id)

    def test_transfer_from_another_company_address_is_a_receipt(self):
        """Not a sweep: the address belongs to another company of the database."""
        other_wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Other company's wallet",
                "company_id": self.other_company.id,
                "address": self.chain.accounts[7],
                "token_ids": [Command.set(self.token_usdc.ids)],
            }
        )
        invoice = self.make_invoice(33.0)
        self.pay(33_000_000, sender=other_wallet.address)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_two_transfers_in_one_transaction_each_count_once(self):
        first = self.make_invoice(10.0)
        second = self.make_invoice(10.0)
        self.chain.mint(self.usdc, self.customer, 20_000_001)
        tx_hash = self.chain.transfer_batch(
            self.usdc, self.customer, [(self.merchant, 10_000_000), (self.merchant, 10_000_001)]
        )
        self.settle()
        self.run_crons()  # again: nothing more
        transfers = self.transfers()
        self.assertEqual(len(transfers), 2)
        self.assertEqual(set(transfers.mapped("tx_hash")), {tx_hash})
        self.assertEqual(transfers.mapped("state"), ["matched", "matched"])
        self.assertEqual(first.stablecoin_transfer_ids, transfers[0])
        self.assertEqual(second.stablecoin_transfer_ids, transfers[1])
        payments = self.env["account.payment"].search([("memo", "=", tx_hash)])
        self.assertEqual(len(payments), 2, "one payment per transfer, none twice")

    def test_cancelled_invoice_frees_its_amount_and_its_receipt_waits(self):
        first = self.make_invoice(25.0)
        second = self.make_invoice(25.0)
        self.assertEqual(second._stablecoin_current_request().amount_units, "25000001")
        self.pay(25_000_001)
        self.run_crons()  # seen: bound to the second invoice
        second.button_draft()
        second.button_cancel()
        self.assertEqual(set(second.stablecoin_request_ids.mapped("state")), {"cancelled"})
        third = self.make_invoice(12.5)
        self.settle()
        # The receipt of a cancelled invoice waits for an accountant; the others go on.
        receipt = self.transfers()
        self.assertEqual(receipt.state, "unmatched")
        self.assertEqual(first.payment_state, "not_paid")
        self.assertEqual(third.payment_state, "not_paid")
        self.assertEqual(
            self.make_invoice(25.0)._stablecoin_current_request().amount_units, "25000001"
        )

    def test_request_history_and_states(self):
        invoice = self.make_invoice(90.0, wallet=self.hd_wallet)
        first_request = invoice.stablecoin_request_id
        self.assertEqual((first_request.state, first_request.shared), ("awaiting", False))
        self.pay(54_000_000, to=invoice.stablecoin_address)  # 60 %
        self.run_crons()
        self.assertEqual(first_request.state, "seen")
        self.settle()
        self.assertEqual(first_request.state, "partial")
        remainder = invoice.stablecoin_request_id
        self.assertNotEqual(remainder, first_request)
        self.assertEqual((remainder.state, remainder.amount_units), ("awaiting", "36000000"))
        self.pay(36_000_000, to=invoice.stablecoin_address)
        self.settle()
        self.assertEqual(remainder.state, "paid")
        self.assertEqual(invoice.stablecoin_request_ids, first_request | remainder)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_in_progress_after_the_confirmations_to_show_it(self):
        self.network.write({"confirmations_seen": 2, "confirmations_final": 5})
        invoice = self.make_invoice(21.0)
        self.pay(21_000_000)  # mined in the last block: one confirmation
        self.scan()
        self.assertEqual(invoice.stablecoin_transfer_ids.confirmations, 1)
        self.assertEqual(invoice.stablecoin_payment_status, "awaiting", "not shown yet")
        self.chain.mine(1)
        self.scan()
        self.assertEqual(invoice.stablecoin_transfer_ids.confirmations, 2)
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")


@tagged("post_install", "-at_install")
class TestNodeIsAWitness(StablecoinInvoiceMixin, TransactionCase):
    """A node's missing answer is "unknown, ask again", never a reorganisation."""

    def scan_through(self, proxy):
        self.network.rpc_url = proxy.url
        try:
            self.network._scan_guarded()
        finally:
            self.network.rpc_url = self.chain.url
        self.assertEqual(self.network.health, "ok", self.network.last_error)

    def test_null_blocks_and_receipts_reverse_nothing(self):
        invoice = self.make_invoice(42.0)
        self.pay(42_000_000)
        self.settle()
        transfer = invoice.stablecoin_transfer_ids
        self.assertEqual(transfer.state, "matched")
        self.chain.mine(self.network.confirmations_final)  # the re-check of accepted blocks is due
        nulls = ("eth_getBlockByNumber", "eth_getTransactionReceipt")
        with RpcProxy(self.chain.url, null_methods=nulls) as proxy:
            self.scan_through(proxy)
        self.assertEqual(transfer.state, "matched")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(transfer.payment_id.move_id.reversal_move_ids)

    def test_null_block_keeps_a_seen_transfer_waiting(self):
        invoice = self.make_invoice(17.0)
        self.pay(17_000_000)
        self.scan()
        transfer = invoice.stablecoin_transfer_ids
        self.assertEqual(transfer.state, "seen")
        self.mine_to_depth()
        with RpcProxy(self.chain.url, null_methods=("eth_getBlockByNumber",)) as proxy:
            self.scan_through(proxy)
        # Not reverted on a null answer; and accepted, as the node answered its log again in
        # its recorded block (the rescan overlap), which needs no block of the node.
        self.assertEqual(transfer.state, "confirmed")
        self.settle()  # the node answers again
        self.assertEqual(transfer.state, "matched")

    def test_an_endpoint_down_another_up(self):
        invoice = self.make_invoice(11.0)
        self.pay(11_000_000)
        self.network.sudo().write(
            {"rpc_url": "http://127.0.0.1:9", "rpc_fallback_urls": self.chain.url}
        )
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.network.health, "ok")
        self.assertIn("endpoint #1 failed", self.network.last_error)
        status = self.network.endpoint_status.splitlines()
        self.assertTrue(status[0].startswith("#1: failing:"), status)
        self.assertEqual(status[1], "#2: answered")
        self.assertNotIn("127.0.0.1", self.network.endpoint_status, "no address (keys) shown")

    def test_a_lying_node_disagreeing_with_a_second_reverses_nothing(self):
        invoice = self.make_invoice(42.0)
        self.pay(42_000_000)
        self.settle()
        transfer = invoice.stablecoin_transfer_ids
        self.chain.mine(self.network.confirmations_final)
        # The first endpoint says the block is another and the transaction unknown.
        with RpcProxy(self.chain.url, null_methods=("eth_getTransactionReceipt",)) as liar:
            liar.lie_about_blocks = True
            self.network.sudo().write({"rpc_url": liar.url, "rpc_fallback_urls": self.chain.url})
            self.network._scan_guarded()
            self.network.sudo().write({"rpc_url": self.chain.url, "rpc_fallback_urls": False})
        self.assertEqual(transfer.state, "matched")
        self.assertFalse(transfer.payment_id.move_id.reversal_move_ids)

    def test_finality_by_the_nodes_finalized_tag(self):
        """Depth alone (3 blocks here) is not enough when the network is set to wait for the
        node's finalized block (anvil finalizes 64 blocks behind its head)."""
        self.network.finality = "finalized"
        invoice = self.make_invoice(13.0)
        self.pay(13_000_000)
        self.settle()  # 3 confirmations
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.stablecoin_payment_status, "in_progress")
        self.chain.mine(64)
        self.run_crons()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertGreaterEqual(
            self.network.final_block, invoice.stablecoin_transfer_ids.block_number
        )

    def test_a_transaction_re_included_after_a_deep_reorg_counts_once(self):
        invoice = self.make_invoice(5.0)
        self.chain.mint(self.usdc, self.customer, 5_000_000)
        tx_hash = self.chain.transfer(self.usdc, self.customer, self.merchant, 5_000_000)
        tx = self.chain.rpc("eth_getTransactionByHash", tx_hash)
        mined = self.chain.rpc("eth_getTransactionReceipt", tx_hash)
        self.settle()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.chain.mine(self.network.confirmations_final + 2)
        self.run_crons()
        # A reorganisation deeper than the confirmations re-includes the same signed
        # transaction, after another transfer of the token in the same block: same hash, new
        # block, log index 1 instead of 0.
        replay = {
            key: tx[key]
            for key in ("from", "to", "input", "nonce", "gas", "value", "chainId", "type")
        }
        replay.update(
            maxFeePerGas=tx["maxFeePerGas"], maxPriorityFeePerGas=tx["maxPriorityFeePerGas"]
        )
        depth = self.chain.block_number() - int(mined["blockNumber"], 16) + 1
        first = {
            "from": self.chain.accounts[0],
            "to": self.usdc,
            "input": encode_call(
                "mint(address,uint256)", ["address", "uint256"], [self.chain.accounts[5], 7]
            ),
        }
        self.chain.rpc("anvil_reorg", depth, [[first, 0], [replay, 0]])
        again = self.chain.rpc("eth_getTransactionReceipt", tx_hash)
        self.assertNotEqual(again["blockHash"], mined["blockHash"])
        self.assertEqual(int(again["logs"][0]["logIndex"], 16), 1)
        self.chain.mine(self.network.confirmations_final)
        self.run_crons()
        self.run_crons()
        transfers = self.env["stablecoin.transfer"].search([("tx_hash", "=", tx_hash)])
        self.assertEqual(len(transfers), 1, "one transfer, not two")
        self.assertEqual((transfers.log_index, transfers.state), (1, "matched"))
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=", tx_hash)]), 1)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
