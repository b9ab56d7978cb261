# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.stablecoin_wallet.chain import build_erc20_transfer_uri, from_units, to_units

PAYMENT_STATUSES = [
    ("awaiting", "Awaiting payment"),
    ("in_progress", "In progress"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("overpaid", "Overpaid"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    stablecoin_token_id = fields.Many2one(
        "stablecoin.token",
        string="Pay-in Token",
        compute="_compute_stablecoin_token_id",
        store=True,
        readonly=False,
        copy=False,
        domain="[('currency_id', '=', currency_id)]",
        help="The token and network the customer pays this invoice with.",
    )
    stablecoin_wallet_id = fields.Many2one(
        "stablecoin.wallet", string="Receiving Wallet", readonly=True, copy=False
    )
    stablecoin_address_id = fields.Many2one(
        "stablecoin.address", string="Receiving Address Record", readonly=True, copy=False
    )
    stablecoin_address = fields.Char(
        related="stablecoin_address_id.address", string="Receiving Address"
    )
    stablecoin_amount_due_units = fields.Char(
        compute="_compute_stablecoin_payment_request",
        string="Amount Due (token units)",
        help="The exact amount still due, in the token's smallest unit.",
    )
    stablecoin_payment_uri = fields.Char(
        compute="_compute_stablecoin_payment_request", string="Payment URI (EIP-681)"
    )
    stablecoin_transfer_ids = fields.One2many(
        "stablecoin.transfer", "move_id", string="Stablecoin Transfers", readonly=True
    )
    stablecoin_payment_status = fields.Selection(
        PAYMENT_STATUSES,
        compute="_compute_stablecoin_payment_status",
        store=True,
        string="Stablecoin Payment",
        copy=False,
    )

    @api.depends("currency_id", "company_id", "move_type")
    def _compute_stablecoin_token_id(self):
        for move in self:
            if move.move_type != "out_invoice" or move.state != "draft":
                move.stablecoin_token_id = move.stablecoin_token_id
                continue
            if move.stablecoin_token_id.currency_id == move.currency_id:
                continue
            wallets = self.env["stablecoin.wallet"].search(
                [
                    ("company_id", "=", move.company_id.id),
                    ("token_ids.currency_id", "=", move.currency_id.id),
                ]
            )
            move.stablecoin_token_id = wallets.token_ids.filtered(
                lambda t, c=move.currency_id: t.currency_id == c and t.active
            ).sorted(lambda t: (t.network_id.sequence, t.sequence))[:1]

    @api.depends(
        "stablecoin_token_id", "stablecoin_address_id", "amount_residual", "state", "currency_id"
    )
    def _compute_stablecoin_payment_request(self):
        for move in self:
            move.stablecoin_amount_due_units = False
            move.stablecoin_payment_uri = False
            token = move.stablecoin_token_id
            if not token or not move.stablecoin_address_id or move.state != "posted":
                continue
            units = move._stablecoin_units(move.amount_residual)
            move.stablecoin_amount_due_units = str(units)
            if units > 0:
                move.stablecoin_payment_uri = build_erc20_transfer_uri(
                    token.contract_address, token.chain_id, move.stablecoin_address, units
                )

    @api.depends(
        "stablecoin_token_id",
        "state",
        "payment_state",
        "amount_total",
        "stablecoin_transfer_ids.state",
        "stablecoin_address_id",
    )
    def _compute_stablecoin_payment_status(self):
        for move in self:
            if not move.stablecoin_token_id or move.state != "posted":
                move.stablecoin_payment_status = False
                continue
            transfers = move.stablecoin_transfer_ids
            matched = transfers.filtered(lambda t: t.state == "matched")
            received = sum(move._stablecoin_units_of(t) for t in matched)
            pending = move._stablecoin_pending_transfers()
            if move.payment_state in ("paid", "in_payment", "reversed"):
                total = move._stablecoin_units(move.amount_total)
                move.stablecoin_payment_status = "overpaid" if received > total else "paid"
            elif pending:
                move.stablecoin_payment_status = "in_progress"
            elif move.payment_state == "partial":
                move.stablecoin_payment_status = "partial"
            else:
                move.stablecoin_payment_status = "awaiting"

    def _stablecoin_pending_transfers(self):
        """Transfers seen on chain for this invoice, not yet final or not yet matched."""
        self.ensure_one()
        return self.stablecoin_transfer_ids.filtered(lambda t: t.state in ("seen", "confirmed"))

    def _stablecoin_units(self, amount):
        """An amount of this invoice's currency, in smallest units of its token."""
        self.ensure_one()
        rounded = self.currency_id.round(amount)
        text = f"{rounded:.{self.currency_id.decimal_places}f}"
        return to_units(Decimal(text), self.stablecoin_token_id.decimals)

    def _stablecoin_units_of(self, transfer):
        return int(transfer.amount_units)

    def _stablecoin_qr_data_uri(self):
        """The payment URI as a QR code (PNG data URI), drawn by Odoo's own barcode renderer."""
        self.ensure_one()
        if not self.stablecoin_payment_uri:
            return False
        png = self.env["ir.actions.report"].barcode(
            "QR", self.stablecoin_payment_uri, width=300, height=300, humanreadable=0
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _stablecoin_amount_due(self):
        """The amount due in tokens, as text: the currency's decimals, more only if needed."""
        self.ensure_one()
        units = int(self.stablecoin_amount_due_units or 0)
        amount = from_units(units, self.stablecoin_token_id.decimals)
        short = amount.quantize(Decimal(1).scaleb(-self.currency_id.decimal_places))
        return f"{short if short == amount else amount:f}"

    def _post(self, soft=True):
        for move in self.filtered(lambda m: m.stablecoin_token_id and m.is_sale_document()):
            move._stablecoin_assign_address()
        return super()._post(soft=soft)

    def _stablecoin_assign_address(self):
        """Give the invoice its receiving address: a fresh derived one, or the wallet's."""
        self.ensure_one()
        token = self.stablecoin_token_id
        if token.currency_id != self.currency_id:
            raise UserError(
                self.env._(
                    "Invoice %(name)s is in %(currency)s but its pay-in token %(token)s is in "
                    "%(token_currency)s.",
                    name=self.display_name,
                    currency=self.currency_id.name,
                    token=token.display_name,
                    token_currency=token.currency_id.name,
                )
            )
        wallet = self.stablecoin_wallet_id
        if not wallet or token not in wallet.token_ids:
            wallet = self.env["stablecoin.wallet"].search(
                [("company_id", "=", self.company_id.id), ("token_ids", "in", token.id)], limit=1
            )
        if not wallet:
            raise UserError(
                self.env._(
                    "No receiving wallet of %(company)s accepts %(token)s: add one in "
                    "Accounting > Configuration > Stablecoins > Receiving Wallets.",
                    company=self.company_id.name,
                    token=token.display_name,
                )
            )
        if self.stablecoin_address_id and self.stablecoin_address_id.wallet_id == wallet:
            return
        address = wallet._new_receiving_address()
        if not address:
            raise UserError(self.env._("Wallet %s has no receiving address.", wallet.name))
        self.write({"stablecoin_wallet_id": wallet.id, "stablecoin_address_id": address.id})
