# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime, timezone

from odoo import api, fields, models

from ..chain.units import from_units

_logger = logging.getLogger(__name__)


class StablecoinTransfer(models.Model):
    """One ERC-20 transfer received on chain: unique per (network, transaction, log index)."""

    _name = "stablecoin.transfer"
    _description = "Stablecoin Transfer"
    _inherit = "mail.thread"
    _order = "block_number desc, log_index desc, id desc"

    name = fields.Char(compute="_compute_name")
    network_id = fields.Many2one("stablecoin.network", required=True, readonly=True, index=True)
    token_id = fields.Many2one("stablecoin.token", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="token_id.currency_id", store=True)
    tx_hash = fields.Char(string="Transaction", required=True, readonly=True, index=True)
    log_index = fields.Integer(required=True, readonly=True)
    block_number = fields.Integer(required=True, readonly=True, index=True)
    block_hash = fields.Char(required=True, readonly=True)
    block_time = fields.Datetime(readonly=True)
    sender = fields.Char(string="From", readonly=True)
    recipient = fields.Char(string="To", required=True, readonly=True)
    direction = fields.Selection(
        [("in", "Received"), ("out", "Sent")],
        default="in",
        required=True,
        readonly=True,
        index=True,
    )
    address_id = fields.Many2one(
        "stablecoin.address",
        string="Our Address",
        readonly=True,
        help="The watched address that received (or, for a transfer out, sent) it.",
    )
    counterparty = fields.Char(
        compute="_compute_counterparty",
        help="The other side: sender of a receipt, recipient of a transfer out.",
    )
    explorer_address_url = fields.Char(compute="_compute_explorer_url")
    wallet_id = fields.Many2one(related="address_id.wallet_id", store=True)
    company_id = fields.Many2one(related="address_id.company_id", store=True)
    amount_units = fields.Char(
        string="Amount (token units)",
        required=True,
        readonly=True,
        help="Exact amount in the token's smallest unit (an integer that may exceed 64 bits).",
    )
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    confirmations = fields.Integer(readonly=True)
    state = fields.Selection(
        [
            ("seen", "Seen"),
            ("confirmed", "Confirmed"),
            ("matched", "Matched"),
            ("unmatched", "Unmatched"),
            ("reverted", "Reverted"),
        ],
        default="seen",
        required=True,
        readonly=True,
        index=True,
    )
    explorer_url = fields.Char(compute="_compute_explorer_url")

    _sql_constraints = [  # noqa: RUF012
        (
            "transfer_unique",
            "UNIQUE(network_id, tx_hash, log_index)",
            "This transfer is already recorded.",
        ),
    ]

    @api.depends("tx_hash", "log_index")
    def _compute_name(self):
        for transfer in self:
            transfer.name = f"{(transfer.tx_hash or '')[:10]}…#{transfer.log_index}"

    @api.depends("tx_hash", "network_id.explorer_tx_url")
    def _compute_explorer_url(self):
        for transfer in self:
            template = transfer.network_id.explorer_tx_url
            transfer.explorer_url = (
                template.replace("{hash}", transfer.tx_hash) if template else False
            )

    @property
    def units(self):
        """The exact amount as an int."""
        self.ensure_one()
        return int(self.amount_units)

    @api.model
    def _record_transfers(self, network, transfers, tokens_by_contract, addresses_by_address):
        """Insert new transfers as seen; refresh those a rescan finds in another block.

        Idempotent: a rescan of the same blocks creates nothing. The unique constraint on
        (network, tx, log index) is the last guard against concurrent workers.
        """
        if not transfers:
            return self.browse()
        existing = {
            (t.tx_hash, t.log_index): t
            for t in self.search(
                [("network_id", "=", network.id), ("tx_hash", "in", [t.tx_hash for t in transfers])]
            )
        }
        to_create = []
        for transfer in transfers:
            token = tokens_by_contract.get(transfer.token)
            direction, address = "in", addresses_by_address.get(transfer.recipient)
            if not address:
                direction, address = "out", addresses_by_address.get(transfer.sender)
            if not token or not address:
                continue
            record = existing.get((transfer.tx_hash, transfer.log_index))
            if record:
                if record.block_hash != transfer.block_hash:
                    # The same transaction, re-included in another block after a reorg.
                    record.write(
                        {
                            "block_number": transfer.block_number,
                            "block_hash": transfer.block_hash,
                            "state": "seen" if record.state == "reverted" else record.state,
                        }
                    )
                continue
            to_create.append(
                {
                    "network_id": network.id,
                    "token_id": token.id,
                    "tx_hash": transfer.tx_hash,
                    "log_index": transfer.log_index,
                    "block_number": transfer.block_number,
                    "block_hash": transfer.block_hash,
                    "sender": transfer.sender,
                    "recipient": transfer.recipient,
                    "address_id": address.id,
                    "direction": direction,
                    "amount_units": str(transfer.amount),
                    "amount": float(from_units(transfer.amount, token.decimals)),
                    "state": "seen",
                }
            )
        return self.create(to_create)

    @api.model
    def _update_confirmations(self, network, client, head):
        """Promote seen transfers at the network's depth, after re-reading their block hash.

        A hash that changed means the block was reorganised away: the transfer is reverted and
        the watcher rescans from its block (the transaction may have been re-included).
        """
        pending = self.search([("network_id", "=", network.id), ("state", "=", "seen")])
        deep = pending.filtered(lambda t: head - t.block_number + 1 >= network.confirmations_final)
        blocks = client.blocks(deep.mapped("block_number"))  # one batched request
        confirmed = self.browse()
        for transfer in pending:
            depth = head - transfer.block_number + 1
            if transfer not in deep:
                transfer.confirmations = max(0, depth)
                continue
            block = blocks.get(transfer.block_number)
            if block and block[0] == transfer.block_hash:
                transfer.write(
                    {
                        "confirmations": depth,
                        "state": "confirmed",
                        "block_time": datetime.fromtimestamp(block[1], timezone.utc).replace(
                            tzinfo=None
                        ),
                    }
                )
                confirmed |= transfer
            else:
                _logger.warning(
                    "Transfer %s on %s was reorganised away (block %s)",
                    transfer.tx_hash,
                    network.name,
                    transfer.block_number,
                )
                transfer.write({"confirmations": depth, "state": "reverted"})
                network._rewind_to(transfer.block_number)
        return pending

    @api.model
    def _verify_settled(self, network, client, head):
        """Re-check accepted transfers of the last blocks: one that a reorganisation deeper
        than the confirmation depth removed is reverted, and what it paid is undone."""
        window_start = head - max(network.reorg_window_blocks, network.confirmations_final)
        accepted = self.search(
            [
                ("network_id", "=", network.id),
                ("state", "in", ("confirmed", "matched", "unmatched")),
                ("block_number", ">", window_start),
            ]
        )
        blocks = client.blocks(accepted.mapped("block_number"))
        hashes = {number: block and block[0] for number, block in blocks.items()}
        for transfer in accepted:
            number = transfer.block_number
            if hashes.get(number) == transfer.block_hash:
                continue
            receipt = client.call("eth_getTransactionReceipt", transfer.tx_hash)
            if receipt and int(receipt.get("status", "0x0"), 16) == 1 and receipt.get("blockHash"):
                # Re-included in another block: same transfer, new place.
                transfer.write(
                    {
                        "block_number": int(receipt["blockNumber"], 16),
                        "block_hash": receipt["blockHash"].lower(),
                    }
                )
                continue
            evidence = self.env._(
                "Transaction %(tx)s was in block %(block)s (hash %(old)s); that block is now "
                "%(new)s and the transaction is no longer on chain.",
                tx=transfer.tx_hash,
                block=number,
                old=transfer.block_hash,
                new=hashes[number] or "-",
            )
            _logger.warning("Deep reorganisation on %s: %s", network.name, evidence)
            previous = transfer.state
            transfer.state = "reverted"
            transfer.message_post(body=evidence)
            transfer._on_deep_reorg(previous, evidence)
            network._rewind_to(number)
        return accepted

    def _on_deep_reorg(self, previous_state, evidence):
        """Hook: undo what this transfer had paid (invoicing reverses its payment)."""
        return True
