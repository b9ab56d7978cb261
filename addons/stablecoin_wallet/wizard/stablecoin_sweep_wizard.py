# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chain import deposit, format_units
from ..chain.abi import decode_uint, encode_call
from ..chain.rpc import RpcError

# Addresses per sweep transaction: about 50,000 gas each, well inside a block.
MAX_ADDRESSES = 200


class StablecoinSweepWizard(models.TransientModel):
    """Sweep a deposit wallet: the transaction that sends what its deposit addresses hold, of
    one token, to the wallet's own address. Odoo holds no key: it only reads balances and
    builds the call; the business sends it from its own wallet (the browser wallet button),
    or anyone does (the funds can only go to the wallet's address). The watcher then records
    the sweep as internal: it books nothing."""

    _name = "stablecoin.sweep.wizard"
    _description = "Sweep Deposit Addresses"

    wallet_id = fields.Many2one("stablecoin.wallet", required=True, readonly=True)
    token_id = fields.Many2one(
        "stablecoin.token", required=True, domain="[('id', 'in', allowed_token_ids)]"
    )
    allowed_token_ids = fields.Many2many(related="wallet_id.token_ids")
    chain_id = fields.Integer(related="token_id.network_id.chain_id")
    recipient = fields.Char(related="wallet_id.address", string="Swept To")
    address_count = fields.Integer(string="Addresses Holding Funds", readonly=True)
    amount_text = fields.Char(string="Amount to Sweep", readonly=True)
    factory_missing = fields.Boolean(readonly=True)
    tx_to = fields.Char(string="Send To", readonly=True)
    tx_data = fields.Char(string="Transaction Data", readonly=True)
    note = fields.Text(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        wallet = self.env["stablecoin.wallet"].browse(
            values.get("wallet_id") or self.env.context.get("active_id")
        )
        values["wallet_id"] = wallet.id
        values.setdefault("token_id", wallet.token_ids[:1].id)
        return values

    @api.model_create_multi
    def create(self, vals_list):
        # Read on chain when saved too: the form does not send read-only values.
        wizards = super().create(vals_list)
        wizards._prepare()
        return wizards

    @api.onchange("token_id")
    def _onchange_token_id(self):
        self._prepare()

    def action_refresh(self):
        self.ensure_one()
        self._prepare()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _prepare(self):
        """Read the deposit addresses' balances on chain and build the sweep (or, where the
        factory is missing, its one-time deployment first)."""
        for wizard in self:
            wallet, token = wizard.wallet_id, wizard.token_id
            wizard.update(
                {
                    "address_count": 0,
                    "amount_text": False,
                    "factory_missing": False,
                    "tx_to": False,
                    "tx_data": False,
                    "note": False,
                }
            )
            if not token:
                continue
            if wallet.kind != "deposit":
                raise UserError(
                    self.env._("Wallet %s has no deposit addresses to sweep.", wallet.name)
                )
            network = token.network_id
            client = network._rpc_client()
            try:
                network._check_chain_id(client)
                factory = deposit.factory_address()
                if client.call("eth_getCode", factory, "latest") in ("0x", "0x0", None):
                    to, data = deposit.factory_deployment()
                    wizard.update(
                        {
                            "factory_missing": True,
                            "tx_to": to,
                            "tx_data": data,
                            "note": self.env._(
                                "%(network)s has no deposit factory yet: send this transaction "
                                "once (from any account; it deploys the factory at %(factory)s, "
                                "as on every network), then refresh.",
                                network=network.name,
                                factory=factory,
                            ),
                        }
                    )
                    continue
                holding = wizard._holding(client, token)
            except RpcError as exc:
                raise UserError(
                    self.env._("%(network)s: %(error)s", network=network.name, error=exc)
                ) from exc
            total = sum(units for _address, units in holding)
            wizard.update(
                {
                    "address_count": len(holding),
                    "amount_text": (
                        f"{format_units(total, token.decimals, grouping=True)} {token.symbol}"
                    ),
                    "note": self.env._(
                        "Nothing to sweep: no deposit address holds %s.", token.symbol
                    )
                    if not holding
                    else len(holding) == MAX_ADDRESSES
                    and self.env._(
                        "The first %s addresses: sweep again afterwards for the others.",
                        MAX_ADDRESSES,
                    ),
                }
            )
            if holding:
                salts = [bytes.fromhex(a.deposit_salt[2:]) for a, _units in holding]
                wizard.update(
                    {
                        "tx_to": factory,
                        "tx_data": deposit.sweep_call(
                            wallet.address, salts, token.contract_address
                        ),
                    }
                )

    def _holding(self, client, token):
        """[(address, units)] of this wallet's deposit addresses that received ``token`` and
        hold some now, read on chain (at most ``MAX_ADDRESSES``)."""
        self.ensure_one()
        received = (
            self.env["stablecoin.transfer"]
            .sudo()
            .search(
                [
                    ("wallet_id", "=", self.wallet_id.id),
                    ("token_id", "=", token.id),
                    ("direction", "=", "in"),
                    ("address_id.deposit_salt", "!=", False),
                ]
            )
            .address_id
        )
        holding = []
        # One JSON-RPC batch per hundred addresses, not a call each.
        addresses = received.sorted("id")
        for start in range(0, len(addresses), 100):
            group = addresses[start : start + 100]
            calls = [
                (
                    "eth_call",
                    [
                        {
                            "to": token.contract_address,
                            "data": encode_call("balanceOf(address)", ["address"], [a.address]),
                        },
                        "latest",
                    ],
                )
                for a in group
            ]
            for address, answer in zip(group, client.batch(calls), strict=True):
                units = decode_uint(answer)
                if units:
                    holding.append((address, units))
                    if len(holding) == MAX_ADDRESSES:
                        return holding
        return holding
