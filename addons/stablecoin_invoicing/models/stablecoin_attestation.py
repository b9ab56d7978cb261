# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero

from odoo.addons.stablecoin_wallet.chain import block_datetime, from_units
from odoo.addons.stablecoin_wallet.chain.abi import decode_uint, encode_call
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError


class StablecoinAttestation(models.Model):
    """Chain versus ledger: the token balance of a wallet's addresses at a block, against the
    wallet journal's balance at that block's time, with what explains the difference."""

    _name = "stablecoin.attestation"
    _description = "Stablecoin Chain-vs-Ledger Attestation"
    _inherit = "mail.thread"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('stablecoin_wallet_id', '!=', False)]",
        string="Wallet Journal",
    )
    wallet_id = fields.Many2one(related="journal_id.stablecoin_wallet_id")
    token_id = fields.Many2one(related="journal_id.stablecoin_token_id")
    network_id = fields.Many2one(related="token_id.network_id")
    company_id = fields.Many2one(related="journal_id.company_id", store=True)
    currency_id = fields.Many2one(related="token_id.currency_id")
    block_number = fields.Integer(
        help="Empty: the latest block with the network's confirmation depth."
    )
    block_time = fields.Datetime(readonly=True)
    chain_balance = fields.Monetary(readonly=True)
    ledger_balance = fields.Monetary(readonly=True)
    difference = fields.Monetary(readonly=True, help="Chain minus ledger.")
    unexplained = fields.Monetary(readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("agrees", "Agrees"), ("differs", "Differs")],
        default="draft",
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("stablecoin.attestation.line", "attestation_id", readonly=True)

    @api.depends("journal_id", "block_number")
    def _compute_name(self):
        for record in self:
            record.name = f"{record.journal_id.name or ''} @ {record.block_number or '-'}"

    def action_compute(self):
        for record in self:
            record._compute_attestation()
        return True

    def _compute_attestation(self):
        self.ensure_one()
        token, network = self.token_id, self.network_id
        client = network._rpc_client()
        try:
            network._check_chain_id(client)
            block = self.block_number or client.block_number() - network.confirmations_final
            timestamp = client.block_timestamp(block)
            if timestamp is None:
                raise UserError(self.env._("Block %s does not exist yet.", block))
            balances = []
            for address in self.wallet_id.with_context(active_test=False).address_ids:
                answer = client.eth_call(
                    token.contract_address,
                    encode_call("balanceOf(address)", ["address"], [address.address]),
                    hex(block),
                )
                balances.append((address.display_address, decode_uint(answer)))
        except RpcError as exc:
            raise UserError(
                self.env._(
                    "Could not read the chain at block %(block)s: %(error)s",
                    block=self.block_number,
                    error=exc,
                )
            ) from exc
        block_time = block_datetime(timestamp)
        chain_units = sum(units for _address, units in balances)
        lines = [
            {
                "kind": "address",
                "label": self.env._("Balance on chain"),
                "address": address,
                "amount": self._tokens(units),
            }
            for address, units in balances
            if units
        ]
        # The ledger: everything posted on the wallet account up to the block's day.
        account = self.journal_id.default_account_id
        ledger_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", block_time.date()),
            ]
        )
        ledger = sum(ledger_lines.mapped("amount_currency"))
        # What explains a difference: receipts on chain not (yet) in the ledger, transfers out
        # not in the ledger, and entries of the block's day made for later blocks.
        Transfer = self.env["stablecoin.transfer"]
        addresses = self.wallet_id.with_context(active_test=False).address_ids
        common = [
            ("network_id", "=", network.id),
            ("token_id", "=", token.id),
            ("address_id", "in", addresses.ids),
            ("block_number", "<=", block),
            ("state", "!=", "reverted"),
        ]
        unposted_in = Transfer.search(
            common + [("direction", "=", "in"), ("payment_id", "=", False)]
        )
        unposted_out = Transfer.search(
            common + [("direction", "=", "out"), ("payment_id", "=", False)]
        )
        later = Transfer.search(
            [
                ("network_id", "=", network.id),
                ("token_id", "=", token.id),
                ("address_id", "in", addresses.ids),
                ("block_number", ">", block),
                ("payment_id.move_id.line_ids", "in", ledger_lines.ids),
            ]
        )
        for transfer in unposted_in:
            lines.append(
                {
                    "kind": "unposted",
                    "label": self.env._("Receipt not in the ledger"),
                    "address": transfer.display_sender,
                    "tx_hash": transfer.display_tx,
                    "amount": transfer.amount,
                }
            )
        for transfer in unposted_out:
            lines.append(
                {
                    "kind": "outgoing",
                    "label": self.env._("Transfer out not in the ledger"),
                    "address": transfer.display_recipient,
                    "tx_hash": transfer.display_tx,
                    "amount": -transfer.amount,
                }
            )
        for transfer in later:
            sign = 1 if transfer.direction == "in" else -1
            lines.append(
                {
                    "kind": "later",
                    "label": self.env._("Booked, but after the block"),
                    "address": transfer.counterparty,
                    "tx_hash": transfer.display_tx,
                    "amount": -sign * transfer.amount,
                }
            )
        # Transfers are booked rounded down to the cent (`_booked_amount`): the sub-cent rests
        # of those in the ledger stay on chain, unbooked.
        booked = Transfer.search(common + [("payment_id.move_id.line_ids", "in", ledger_lines.ids)])
        rounding = sum(
            (1 if transfer.direction == "in" else -1)
            * (transfer.amount - transfer.payment_id.amount)
            for transfer in booked
        )
        if not float_is_zero(rounding, precision_digits=self.token_id.decimals):
            lines.append(
                {
                    "kind": "rounding",
                    "label": self.env._("Sub-cent remainders of booked transfers"),
                    "amount": rounding,
                }
            )
        chain = float(self._tokens(chain_units))
        explained = sum(line["amount"] for line in lines if line["kind"] != "address")
        difference = self.currency_id.round(chain - ledger)
        unexplained = self.currency_id.round(chain - ledger - explained)
        if not self.currency_id.is_zero(unexplained):
            lines.append(
                {"kind": "unknown", "label": self.env._("Unknown movements"), "amount": unexplained}
            )
        self.line_ids.unlink()
        self.write(
            {
                "block_number": block,
                "block_time": block_time,
                "chain_balance": chain,
                "ledger_balance": ledger,
                "difference": difference,
                "unexplained": unexplained,
                # Agrees: the chain holds what the ledger says, but for the sub-cent rests.
                "state": "agrees"
                if self.currency_id.is_zero(chain - ledger - rounding)
                else "differs",
                "line_ids": [fields.Command.create(vals) for vals in lines],
            }
        )

    def _tokens(self, units):
        return float(Decimal(from_units(units, self.token_id.decimals)))

    def action_print(self):
        return self.env.ref(
            "stablecoin_invoicing.action_report_stablecoin_attestation"
        ).report_action(self)


class StablecoinAttestationLine(models.Model):
    _name = "stablecoin.attestation.line"
    _description = "Stablecoin Attestation Line"
    _order = "id"

    attestation_id = fields.Many2one("stablecoin.attestation", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="attestation_id.company_id", store=True)
    currency_id = fields.Many2one(related="attestation_id.currency_id")
    kind = fields.Selection(
        [
            ("address", "Address balance"),
            ("unposted", "Receipt not posted"),
            ("outgoing", "Transfer out not posted"),
            ("later", "Posted after the block"),
            ("rounding", "Sub-cent remainders"),
            ("unknown", "Unknown movements"),
        ],
        required=True,
    )
    label = fields.Char()
    address = fields.Char()
    tx_hash = fields.Char(string="Transaction")
    amount = fields.Monetary()
