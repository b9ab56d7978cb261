# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..chain import InvalidAddress, to_units
from ..chain.abi import selector
from ..chain.family import DEFAULT_KIND, family
from ..chain.rpc import RpcError
from ..compat import sql_constraints


@sql_constraints
class StablecoinToken(models.Model):
    _name = "stablecoin.token"
    _description = "Stablecoin Token"
    _inherit = "mail.thread"
    _order = "network_id, sequence, symbol"

    name = fields.Char(required=True, help="e.g. USD Coin")
    symbol = fields.Char(required=True, help="e.g. USDC")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    network_id = fields.Many2one(
        "stablecoin.network", required=True, ondelete="cascade", index=True
    )
    chain_id = fields.Integer(related="network_id.chain_id")
    # Kept on the token (Odoo updates them when the network changes): an invoice page shows
    # them on every view, without reading the network's row, which the watcher keeps busy.
    network_kind = fields.Selection(related="network_id.kind", store=True, string="Network Type")
    network_name = fields.Char(related="network_id.name", store=True, string="Network Name")
    network_block_seconds = fields.Float(
        related="network_id.block_seconds", store=True, string="Network Block Time (s)"
    )
    contract_address = fields.Char(
        required=True,
        tracking=True,
        help="The token's ERC-20 contract address (EIP-55 checksummed). On Tron, type its "
        "T... address (TRC-20): it is kept in its 0x form, as the logs carry it.",
    )
    display_contract = fields.Char(
        string="Contract",
        compute="_compute_display_contract",
        help="The contract address as its network writes it (Tron: T...).",
    )
    decimals = fields.Integer(required=True, default=6, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        help="The Odoo currency invoices and payments in this token are recorded in.",
    )

    dust_threshold = fields.Float(
        default=0.01,
        tracking=True,
        digits=(36, 18),
        help="Transfers of less than this many tokens (and transfers of nothing) are kept "
        "apart as ignored: address-poisoning scams send them to be copied from the history.",
    )

    _sql_constraints = [  # noqa: RUF012
        ("dust_threshold_positive", "CHECK(dust_threshold >= 0)", "Dust threshold: 0 or more."),
        (
            "contract_unique",
            "UNIQUE(network_id, contract_address)",
            "This token contract is already registered on this network.",
        ),
        ("decimals_range", "CHECK(decimals >= 0 AND decimals <= 36)", "Decimals: 0 to 36."),
    ]

    @api.depends("symbol", "network_id.name")
    def _compute_display_name(self):
        for token in self:
            token.display_name = f"{token.symbol} ({token.network_id.name})"

    def _family(self):
        """The chain family of this token's network (:mod:`..chain.family`), read from the
        token's own row (templates ask it on every invoice page)."""
        return family(self.network_kind or DEFAULT_KIND)

    @api.depends("contract_address", "network_id.kind")
    def _compute_display_contract(self):
        for token in self:
            token.display_contract = token.network_id._display_address(token.contract_address)

    @api.constrains("network_id")
    def _check_wallet_network_kind(self):
        self.env["stablecoin.wallet"].sudo().search(
            [("token_ids", "in", self.ids)]
        )._check_network_kind()

    @api.constrains("decimals", "currency_id")
    def _check_decimals(self):
        for token in self:
            if token.decimals < token.currency_id.decimal_places:
                raise ValidationError(
                    self.env._(
                        "Token %(token)s: Decimals (%(decimals)s) cannot be fewer than its "
                        "currency's (%(currency)s has %(places)s): amounts could not be paid "
                        "exactly.",
                        token=token.display_name,
                        decimals=token.decimals,
                        currency=token.currency_id.name,
                        places=token.currency_id.decimal_places,
                    )
                )

    def _dust_units(self):
        """The dust threshold in the token's smallest unit (exact: converted from its text)."""
        self.ensure_one()
        # The stored float, back to the decimal text it was typed as.
        amount = Decimal(repr(round(self.dust_threshold or 0.0, min(self.decimals, 15))))
        amount = amount.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        return to_units(amount, self.decimals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_contract(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_contract(vals)
        return super().write(vals)

    def _normalize_contract(self, vals):
        if vals.get("contract_address"):
            network = (
                self.env["stablecoin.network"].browse(vals["network_id"])
                if vals.get("network_id")
                else self.network_id[:1]
            )
            try:
                # On Tron, the T... form as tronscan shows it (or the 0x form of data files).
                vals["contract_address"] = network._family().parse_address(
                    vals["contract_address"], hex_ok=True
                )
            except InvalidAddress as exc:
                raise ValidationError(self.env._("Token contract: %s", exc)) from exc

    def action_check_contract(self):
        """Read the contract's decimals() on chain and refuse a disagreement."""
        for token in self:
            client = token.network_id._rpc_client()
            try:
                token.network_id._check_chain_id(client)
                answer = client.eth_call(
                    token.contract_address, "0x" + selector("decimals()").hex()
                )
                on_chain = int(answer, 16)
            except (RpcError, TypeError, ValueError) as exc:
                raise UserError(
                    self.env._(
                        "Could not read the decimals of %(token)s from the chain: %(error)s",
                        token=token.display_name,
                        error=exc,
                    )
                ) from exc
            if on_chain != token.decimals:
                raise UserError(
                    self.env._(
                        "%(token)s: the contract says %(chain)s decimals, not %(ours)s. Amounts "
                        "would be wrong by a factor of 10^%(diff)s.",
                        token=token.display_name,
                        chain=on_chain,
                        ours=token.decimals,
                        diff=abs(on_chain - token.decimals),
                    )
                )
        return True
