# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..chain import watch
from ..chain.logs import block_datetime
from ..chain.units import format_units, from_units
from ..compat import sql_constraints
from ..pgcopy import LineStream as _LineStream
from ..pgcopy import copy_text

_logger = logging.getLogger(__name__)


@sql_constraints
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
    explorer_address_url = fields.Char(
        compute="_compute_explorer_url", help="The counterparty's address on a block explorer."
    )
    # As people read them: Tron writes addresses T... and transaction ids without 0x.
    display_tx = fields.Char(string="Transaction ID", compute="_compute_display")
    display_sender = fields.Char(string="From Address", compute="_compute_display")
    display_recipient = fields.Char(string="To Address", compute="_compute_display")
    wallet_id = fields.Many2one(related="address_id.wallet_id", store=True)
    company_id = fields.Many2one(related="address_id.company_id", store=True)
    amount_units = fields.Char(
        string="Amount (token units)",
        required=True,
        readonly=True,
        help="Exact amount in the token's smallest unit (an integer that may exceed 64 bits).",
    )
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    amount_text = fields.Char(
        compute="_compute_amount_text",
        string="Amount (exact)",
        help="The amount to the token's full precision (7.770001 USDC, not 7.77).",
    )
    confirmations = fields.Integer(readonly=True)
    state = fields.Selection(
        [
            ("seen", "Seen"),
            ("confirmed", "Confirmed"),
            ("matched", "Matched"),
            ("unmatched", "Unmatched"),
            ("attention", "Needs attention"),
            ("reverted", "Reverted"),
            ("ignored", "Ignored"),
        ],
        default="seen",
        required=True,
        readonly=True,
        index=True,
    )
    explorer_url = fields.Char(compute="_compute_explorer_url")
    ignore_reason = fields.Selection(
        [
            ("zero", "Zero value"),
            ("dust", "Below the dust threshold"),
            ("internal", "Between the company's own addresses"),
        ],
        readonly=True,
        help="Why this transfer is no customer receipt: it pays nothing and is not posted.",
    )

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

    @api.depends("amount_units", "token_id.decimals", "token_id.symbol", "currency_id")
    def _compute_amount_text(self):
        for transfer in self:
            if not transfer.amount_units or not transfer.token_id:
                transfer.amount_text = False
                continue
            places = transfer.currency_id.decimal_places if transfer.currency_id else 2
            shown = format_units(
                int(transfer.amount_units), transfer.token_id.decimals, places, grouping=True
            )
            transfer.amount_text = f"{shown} {transfer.token_id.symbol}"

    @api.depends("direction", "sender", "recipient", "network_id.kind")
    def _compute_counterparty(self):
        for transfer in self:
            transfer.counterparty = transfer.network_id._display_address(
                transfer.recipient if transfer.direction == "out" else transfer.sender
            )

    @api.depends("tx_hash", "sender", "recipient", "network_id.kind")
    def _compute_display(self):
        for transfer in self:
            network = transfer.network_id
            transfer.display_tx = network._display_tx(transfer.tx_hash)
            transfer.display_sender = network._display_address(transfer.sender)
            transfer.display_recipient = network._display_address(transfer.recipient)

    @api.depends(
        "tx_hash",
        "direction",
        "sender",
        "recipient",
        "network_id.kind",
        "network_id.explorer_tx_url",
        "network_id.explorer_address_url",
    )
    def _compute_explorer_url(self):
        for transfer in self:
            network = transfer.network_id
            template = network.explorer_tx_url
            transfer.explorer_url = (
                template.replace("{hash}", network._display_tx(transfer.tx_hash))
                if template and transfer.tx_hash
                else False
            )
            other = transfer.recipient if transfer.direction == "out" else transfer.sender
            template = network.explorer_address_url
            transfer.explorer_address_url = (
                template.replace("{address}", network._display_address(other))
                if template and other
                else False
            )

    @api.model
    def _record_transfers(
        self, network, transfers, tokens_by_contract, addresses_by_address, head=None
    ):
        """Insert new transfers; refresh those a rescan finds in another block.

        A transfer already at the network's depth when first seen (``head`` given, the node
        gave its block time) is recorded as confirmed at once: the node has just answered it
        from its canonical chain, so re-reading its block would prove nothing more. Others
        are recorded as seen and confirmed later by :meth:`_update_confirmations`.

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
        # A reorganisation may re-include a transaction at other log indices: its rows by
        # hash, each taken by one transfer at most.
        by_tx = {}
        for record in existing.values():
            by_tx.setdefault(record.tx_hash, []).append(record)
        moves = []
        # Read once what each row needs of its token and address (not 20,000 times).
        tokens = {
            contract: (token.id, token.currency_id.id or None, token.decimals, token._dust_units())
            for contract, token in tokens_by_contract.items()
        }
        addresses = {
            address: (record.id, record.wallet_id.id or None, record.company_id.id or None)
            for address, record in addresses_by_address.items()
        }
        to_create = []
        last_final = network._last_final_block(head) if head else -1
        for transfer in transfers:
            token = tokens.get(transfer.token)
            direction, address = "in", addresses.get(transfer.recipient)
            if not address:
                direction, address = "out", addresses.get(transfer.sender)
            if not token or not address:
                continue
            record = existing.get((transfer.tx_hash, transfer.log_index))
            if record and record.block_hash == transfer.block_hash:
                continue  # recorded already, at this very place
            # In another block, the same transaction re-included after a reorganisation: its
            # row is found by what it moved (its log index may have changed with the
            # transactions before it, and another row may have had this one), never by
            # (transaction, log index).
            record = self._moved_by_reorg(by_tx, transfer, token[0])
            if record:
                by_tx[record.tx_hash].remove(record)
                moves.append(
                    (
                        record,
                        {
                            "block_number": transfer.block_number,
                            "block_hash": transfer.block_hash,
                            "log_index": transfer.log_index,
                            "state": watch.reincluded_state(record.state),
                        },
                    )
                )
                continue
            depth = watch.depth(transfer.block_number, head) if head else 0
            final = transfer.block_number <= last_final and transfer.block_time is not None
            ignore = self._ignore_reason(transfer, token[3], addresses)
            to_create.append(
                {
                    "network_id": network.id,
                    "token_id": token[0],
                    "currency_id": token[1],
                    "address_id": address[0],
                    "wallet_id": address[1],
                    "company_id": address[2],
                    "tx_hash": transfer.tx_hash,
                    "log_index": transfer.log_index,
                    "block_number": transfer.block_number,
                    "block_hash": transfer.block_hash,
                    "sender": transfer.sender,
                    "recipient": transfer.recipient,
                    "direction": direction,
                    "amount_units": str(transfer.amount),
                    "amount": from_units(transfer.amount, token[2]),
                    "state": "ignored" if ignore else "confirmed" if final else "seen",
                    "ignore_reason": ignore,
                    "confirmations": depth,
                    "block_time": block_datetime(transfer.block_time) if final else None,
                }
            )
        self._relocate(network, moves, [(v["tx_hash"], v["log_index"]) for v in to_create])
        records = self._insert(to_create)
        records._on_recorded()
        return records

    @api.model
    def _relocate(self, network, moves, needed=()):
        """Move rows of re-included transactions to their new places: ``moves`` is
        [(row, vals)], the vals holding the row's new ``log_index`` (none: its log was not
        found); ``needed``: the (tx hash, log index) of rows about to be inserted.

        Rows of one transaction may trade log indices (re-included one log later or earlier)
        and (network, tx, log index) is unique at every row written: the rows holding a wanted
        place first step aside to a negative log index (``-id``, never a log's), then the moved
        ones take their places. A row left aside is of a replaced block whose re-included
        transaction no longer makes its transfer: it keeps the negative index (a seen one is
        then reverted by its block's check)."""
        wanted = {
            (row.tx_hash, vals["log_index"]) for row, vals in moves if "log_index" in vals
        } | set(needed)
        if not wanted:
            return
        holders = self.search(
            [("network_id", "=", network.id), ("tx_hash", "in", list({tx for tx, _ in wanted}))]
        ).filtered(lambda row: (row.tx_hash, row.log_index) in wanted)
        for row in holders:
            row.log_index = -row.id
        holders.flush_recordset(["log_index"])
        for row, vals in moves:
            row.write(vals)
        self.browse([row.id for row, _vals in moves]).flush_recordset()

    @api.model
    def _moved_by_reorg(self, by_tx, transfer, token_id):
        """The recorded row of ``transfer`` if a reorganisation re-included its transaction
        in another block, where the same transfer has another log index; else None.
        ``by_tx``: the recorded rows of this batch's transactions, by hash."""
        key = watch.TransferKey(token_id, transfer.sender, transfer.recipient, str(transfer.amount))
        for record in by_tx.get(transfer.tx_hash, ()):
            recorded = watch.TransferKey(
                record.token_id.id, record.sender, record.recipient, record.amount_units
            )
            if watch.moved_by_reorg(record.block_hash, recorded, transfer.block_hash, key):
                return record
        return None

    @api.model
    def _ignore_reason(self, transfer, dust_units, addresses):
        """Why a transfer is no receipt or payment of ours, or None.

        ``addresses``: watched address -> (id, wallet id, company id)."""
        if transfer.amount == 0:
            return "zero"
        if transfer.amount < dust_units:
            return "dust"
        source, target = addresses.get(transfer.sender), addresses.get(transfer.recipient)
        if source and target and source[2] == target[2]:
            # A sweep or consolidation between the company's own addresses: the money stays
            # the company's; it pays no invoice.
            return "internal"
        return None

    @api.model
    def _insert(self, vals_list):
        """Insert transfers in one go; return the new ones, in chain order.

        A scan records thousands of transfers: the ORM's ``create`` costs about 1 ms a row
        (defaults, related fields, conversions), ten times this. The rows are streamed with
        PostgreSQL's ``COPY`` into a temporary table shaped like ours, then moved with one
        ``INSERT ... SELECT`` (a multi-row ``INSERT`` of literal values cost the server about
        as much parsing as inserting: docs/benchmarks.md, *Chain scan*). Every ``vals`` holds
        the same stored columns, related ones included; other columns get their defaults.
        Rows already there (another worker was faster) are skipped by the unique constraint.
        Stored fields that depend on what is inserted are marked for recomputation as
        ``create`` does.
        """
        if not vals_list:
            return self.browse()
        given = list(vals_list[0])
        defaults = {
            name: self._fields[name].convert_to_column_insert(value, self)
            for name, value in self.default_get(
                [
                    name
                    for name, field in self._fields.items()
                    if field.store
                    and field.column_type
                    and not field.compute
                    and name not in given
                    and name not in models.MAGIC_COLUMNS
                ]
            ).items()
        }
        uid, now = self.env.uid, self.env.cr.now()
        constant = [*defaults.values(), uid, now, uid, now]
        columns = [*given, *defaults, "create_uid", "create_date", "write_uid", "write_date"]
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        given_names = SQL(", ").join(SQL.identifier(name) for name in given)
        incoming = SQL.identifier(f"{self._table}_incoming")
        cr = self.env.cr
        # The columns given, without constraints; dropped at commit (its shape is always the
        # table's of this transaction). What is the same for every row (defaults, author,
        # time) is not copied once a row: the INSERT adds it.
        cr.execute(SQL("DROP TABLE IF EXISTS %s", incoming))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA",
                incoming,
                given_names,
                SQL.identifier(self._table),
            )
        )
        rows = ("\t".join([copy_text(vals[name]) for name in given]) + "\n" for vals in vals_list)
        cr.copy_expert(
            cr.mogrify(SQL("COPY %s (%s) FROM STDIN", incoming, given_names)).decode(),
            _LineStream(rows),
        )
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) SELECT %s, %s FROM %s ORDER BY block_number, log_index "
                "ON CONFLICT (network_id, tx_hash, log_index) DO NOTHING RETURNING id",
                SQL.identifier(self._table),
                names,
                given_names,
                SQL(", ").join(SQL("%s", value) for value in constant),
                incoming,
            )
        )
        records = self.browse(sorted(row[0] for row in cr.fetchall()))
        computed = [self._fields[name] for name in given if self._fields[name].compute]
        with self.env.protecting(computed, records):
            records.modified([*given, *defaults], create=True)
        return records

    def _on_recorded(self):
        """Hook: transfers just recorded by the watcher (invoicing links them to invoices)."""
        return True

    @api.model
    def _update_confirmations(self, network, client, head, seen=None):
        """Promote seen transfers at the network's depth, after re-reading their block hash.

        A hash that changed means the block was reorganised away: the transfer is reverted and
        the watcher rescans from its block (the transaction may have been re-included).
        ``seen``: {(tx hash, log index): (block hash, block time)} of the logs this scan's
        eth_getLogs answered (the rescan overlap re-reads the last blocks): a transfer the
        node has just answered again in its recorded block, with its time, needs no block
        read. Writes are grouped (one per depth, one per block) rather than one per transfer.
        """
        pending = self.search([("network_id", "=", network.id), ("state", "=", "seen")])
        last_final = network._last_final_block(head)
        deep = pending.filtered(lambda t: t.block_number <= last_final)
        for depth, shallow in (
            (pending - deep).grouped(lambda t: max(0, watch.depth(t.block_number, head))).items()
        ):
            shallow.confirmations = depth
        seen = seen or {}
        answered = {}
        for transfer in deep:
            again = seen.get((transfer.tx_hash, transfer.log_index))
            if again and again[0] == transfer.block_hash and again[1] is not None:
                answered[transfer.block_number] = (transfer.block_hash, again[1])
        blocks = dict(answered)
        blocks.update(client.blocks(set(deep.mapped("block_number")) - set(answered)))
        for (number, block_hash), same_block in deep.grouped(
            lambda t: (t.block_number, t.block_hash)
        ).items():
            depth = watch.depth(number, head)
            block = blocks.get(number)
            verdict = self._judge_block(client, number, block_hash, block and block[0])
            if verdict is watch.Verdict.SILENT:
                # No answer is no proof: the node may lag or fail. Ask again at the next scan.
                _logger.info("No block %s from %s's node; retrying later", number, network.name)
                continue
            if verdict is watch.Verdict.SAME:
                same_block.write(
                    {
                        "confirmations": depth,
                        "state": "confirmed",
                        "block_time": block_datetime(block[1]),
                    }
                )
                continue
            if verdict is not watch.Verdict.REPLACED:
                continue  # answers that disagree with each other: unknown, ask again later
            _logger.warning(
                "Transfers %s on %s were reorganised away (block %s)",
                ", ".join(same_block.mapped("tx_hash")),
                network.name,
                number,
            )
            same_block.write({"confirmations": depth, "state": "reverted"})
            network._rewind_to(number)
        return pending

    @api.model
    def _accepted_states(self):
        """States of a transfer the chain has accepted (final): re-checked for deep
        reorganisations by :meth:`_verify_settled`."""
        return ("confirmed", "matched", "unmatched", "attention")

    @api.model
    def _verify_settled(self, network, client, head, since=None):
        """Re-check accepted transfers of the last blocks (above ``since``: by default the
        whole deep-reorganisation window): one that a reorganisation deeper than the
        confirmation depth removed is reverted, and what it paid is undone."""
        window_start = watch.verify_window_start(
            head, network.reorg_window_blocks, network.confirmations_final
        )
        if since is not None:
            window_start = max(window_start, since)
        accepted = self.search(
            [
                ("network_id", "=", network.id),
                ("state", "in", self._accepted_states()),
                ("block_number", ">", window_start),
            ]
        )
        blocks = client.blocks(accepted.mapped("block_number"))
        hashes = {number: block and block[0] for number, block in blocks.items()}
        moves, placed = [], {}
        for transfer in accepted:
            number = transfer.block_number
            verdict = self._judge_block(client, number, transfer.block_hash, hashes.get(number))
            if verdict is not watch.Verdict.REPLACED:
                continue  # the same block, or no answer (unknown: never a reorganisation)
            receipts = [client.call("eth_getTransactionReceipt", transfer.tx_hash)]
            verdict = watch.judge_receipt(receipts)
            if verdict is watch.Ask.AGAIN:  # no receipt: absent when asked twice?
                receipts.append(client.call("eth_getTransactionReceipt", transfer.tx_hash))
                verdict = watch.judge_receipt(receipts)
            if verdict is watch.Verdict.MOVED:
                # Re-included in another block: same transfer, new place (and perhaps another
                # log index: the rescan must find it as this row, not a new receipt). Moved
                # together at the end: rows of one transaction may trade log indices.
                taken = placed.setdefault(transfer.tx_hash, set())
                vals = transfer._placement_in(receipts[0], taken)
                if "log_index" in vals:
                    taken.add(vals["log_index"])
                moves.append((transfer, vals))
                continue
            if verdict is not watch.Verdict.GONE:
                continue  # absent once, then there: unknown, ask again later
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
        self._relocate(network, moves)
        return accepted

    @api.model
    def _judge_block(self, client, number, recorded, answered):
        """Whether block ``number``, recorded as ``recorded``, is still the chain's, the node
        answering ``answered`` (None: no answer): a :class:`~..chain.watch.Verdict`. A
        reorganisation is proven by the chain, not by one odd answer: a different block is
        asked again, then of another endpoint if there is one
        (:func:`~..chain.watch.judge_block` decides)."""
        answers = [answered]
        verdict = watch.judge_block(recorded, answers)
        while isinstance(verdict, watch.Ask):
            if verdict is watch.Ask.AGAIN:
                answers.append(client.block_hash(number))
            else:
                witness = getattr(client, "second_opinion", None)
                answers.append(witness("block_hash", number) if witness else None)
            verdict = watch.judge_block(recorded, answers)
        return verdict

    def _placement_in(self, receipt, taken=()):
        """This transfer's block and log index in ``receipt`` (a re-inclusion), its log found
        by content among those whose index is not in ``taken`` (no ``log_index`` when none
        is)."""
        self.ensure_one()
        key = watch.TransferKey(
            self.token_id.contract_address, self.sender, self.recipient, self.amount_units
        )
        placement = watch.placement_in(receipt, key, taken)
        vals = {"block_number": placement.block_number, "block_hash": placement.block_hash}
        if placement.log_index is not None:
            vals["log_index"] = placement.log_index
        return vals

    def _on_deep_reorg(self, previous_state, evidence):
        """Hook: undo what this transfer had paid (invoicing reverses its payment)."""
        return True
