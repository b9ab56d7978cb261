# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StablecoinNetwork(models.Model):
    _name = "stablecoin.network"
    _description = "Blockchain Network"
    _order = "sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    chain_id = fields.Integer(
        string="Chain ID",
        required=True,
        help="EIP-155 chain id, as the network's nodes answer to eth_chainId.",
    )
    rpc_url = fields.Char(
        string="RPC Endpoint",
        groups="base.group_system",
        help="JSON-RPC endpoint of a node of this network. It may embed an API key, so only "
        "administrators can read it.",
    )
    explorer_tx_url = fields.Char(
        string="Explorer Transaction URL",
        help="Link to a transaction on a block explorer; {hash} is replaced by its hash.",
    )
    explorer_address_url = fields.Char(
        string="Explorer Address URL",
        help="Link to an address on a block explorer; {address} is replaced by the address.",
    )
    confirmations_seen = fields.Integer(
        string="Confirmations to Show In Progress",
        default=1,
        help="Blocks on top of a transfer before the payer sees it as in progress.",
    )
    confirmations_final = fields.Integer(
        string="Confirmations to Accept",
        default=12,
        help="Blocks on top of a transfer before it is final and reconciled.",
    )

    _sql_constraints = [  # noqa: RUF012 (Odoo declares constraints this way)
        ("chain_id_unique", "UNIQUE(chain_id)", "A network with this chain ID already exists."),
        ("chain_id_positive", "CHECK(chain_id > 0)", "The chain ID must be a positive number."),
    ]

    @api.constrains("confirmations_seen", "confirmations_final")
    def _check_confirmations(self):
        for network in self:
            if network.confirmations_seen < 0 or network.confirmations_final < 1:
                raise ValidationError(
                    self.env._("Network %s: confirmations must be positive.", network.name)
                )
            if network.confirmations_seen > network.confirmations_final:
                raise ValidationError(
                    self.env._(
                        "Network %s: the confirmations to show a payment in progress cannot "
                        "exceed the confirmations to accept it.",
                        network.name,
                    )
                )

    @api.constrains("rpc_url")
    def _check_rpc_url(self):
        for network in self.sudo():
            url = network.rpc_url
            if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
                raise ValidationError(
                    self.env._(
                        "Network %(name)s: the RPC endpoint %(url)s is not an http(s) URL.",
                        name=network.name,
                        url=url,
                    )
                )
