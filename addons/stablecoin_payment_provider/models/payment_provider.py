# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.payment import utils as payment_utils
from odoo.addons.stablecoin_wallet.chain import gas_payer
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError

from .. import const

_logger = logging.getLogger(__name__)


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[(const.PROVIDER_CODE, "Stablecoin")],
        ondelete={const.PROVIDER_CODE: "set default"},
    )
    # The gas payer: the one key the server holds. It pays the gas of mandate charges, whose
    # effect the payer's signed terms fix (the contract pays only their payee, within their
    # limits): it can spend its own native coins, nobody's stablecoins. On the provider as
    # Stripe's secret key is: per company, a system administrator's setting, neutralized.
    # One key serves every EVM network (the same address on each).
    stablecoin_gas_payer_key = fields.Char(
        string="Gas Payer Key",
        groups="base.group_system",
        copy=False,
        help="Private key (64 hex digits) of an account that only pays the gas of mandate "
        "charges. Fund it with a little of each network's native coin; never one holding "
        "anything else. Not shown again once saved.",
    )
    stablecoin_gas_payer_key_input = fields.Char(
        string="New Gas Payer Key",
        groups="base.group_system",
        compute="_compute_stablecoin_gas_payer_key_input",
        inverse="_inverse_stablecoin_gas_payer_key_input",
        help="Paste the gas payer's private key to set or replace it. The key saved is never "
        "sent back to a browser: only its address is shown.",
    )
    stablecoin_gas_payer_address = fields.Char(
        string="Gas Payer Address",
        compute="_compute_stablecoin_gas_payer_address",
        store=True,
        compute_sudo=True,
        help="The account paying the gas of mandate charges: fund it on every network charged.",
    )

    def _compute_stablecoin_gas_payer_key_input(self):
        self.stablecoin_gas_payer_key_input = False  # write-only

    def _inverse_stablecoin_gas_payer_key_input(self):
        for provider in self.filtered("stablecoin_gas_payer_key_input"):
            provider.stablecoin_gas_payer_key = provider.stablecoin_gas_payer_key_input.strip()

    def action_stablecoin_check_gas_payer(self):
        """Show the gas payer's balance on each network the provider's tokens are on."""
        self.ensure_one()
        networks = (
            self.env["stablecoin.token"]
            .search([("network_id.kind", "=", "evm"), ("network_id.rpc_url", "!=", False)])
            .network_id
        )
        lines, warned = [], False
        for network in networks:
            warning = self._stablecoin_gas_payer_warning(network)
            warned = warned or bool(warning)
            lines.append(
                warning
                or self.env._(
                    "%(network)s: %(balance)s wei.",
                    network=network.name,
                    balance=self._stablecoin_gas_payer_balance(network),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if warned else "success",
                "sticky": warned,
                "message": "\n".join(lines) or self.env._("No EVM network to check."),
            },
        }

    @api.depends("stablecoin_gas_payer_key")
    def _compute_stablecoin_gas_payer_address(self):
        for provider in self:
            key = provider.stablecoin_gas_payer_key
            try:
                provider.stablecoin_gas_payer_address = key and gas_payer.address_of(key)
            except gas_payer.InvalidKey:
                provider.stablecoin_gas_payer_address = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stablecoin_check_key_value(vals.get("stablecoin_gas_payer_key"))
        return super().create(vals_list)

    def write(self, vals):
        # Refused before anything is written (or cached, or logged): the value never lands.
        self._stablecoin_check_key_value(vals.get("stablecoin_gas_payer_key"))
        return super().write(vals)

    @api.model
    def _stablecoin_check_key_value(self, key):
        if not key:
            return
        try:
            gas_payer.parse_key(key)
        except gas_payer.InvalidKey as exc:
            # The reason only: the value is never repeated.
            raise ValidationError(self.env._("Gas Payer Key: %s.", exc.args[0])) from None

    @api.constrains("stablecoin_gas_payer_key")
    def _check_stablecoin_gas_payer_key(self):
        for provider in self.sudo():
            self._stablecoin_check_key_value(provider.stablecoin_gas_payer_key)

    def _stablecoin_gas_payer_balance(self, network):
        """The gas payer's native balance on ``network``, in wei."""
        self.ensure_one()
        if not self.stablecoin_gas_payer_address:
            raise UserError(self.env._("Stablecoin: no gas payer is set on %s.", self.name))
        try:
            return int(
                network._rpc_client().call(
                    "eth_getBalance", self.stablecoin_gas_payer_address, "latest"
                ),
                16,
            )
        except (RpcError, ValueError, TypeError) as exc:
            raise UserError(
                self.env._("%(network)s: %(error)s", network=network.name, error=exc)
            ) from exc

    @api.model
    def _cron_stablecoin_watch_gas_payer(self):
        """Scheduled (daily): warn each company's system administrators by email when its gas
        payer cannot pay the next charges on a network where a mandate may be charged (before
        the charges fail, not after). A node that does not answer is logged, the others are
        checked."""
        providers = self.sudo().search([("code", "=", const.PROVIDER_CODE)])
        for provider in providers.filtered("stablecoin_gas_payer_address"):
            mandates = (
                self.env["payment.token"]
                .sudo()
                .search(
                    [
                        ("provider_id", "=", provider.id),
                        ("stablecoin_mandate_state", "=", "active"),
                    ]
                )
            )
            warnings = []
            for network in mandates.stablecoin_token_id.network_id:
                try:
                    warning = provider._stablecoin_gas_payer_warning(network)
                except UserError as exc:
                    _logger.warning("Gas payer of %s not checked: %s", provider.name, exc)
                    continue
                if warning:
                    warnings.append(warning)
            if warnings:
                provider._stablecoin_tell_administrators(
                    self.env._("%s: fund the gas payer", provider.company_id.name), warnings
                )

    def _stablecoin_tell_administrators(self, subject, lines):
        """Email ``lines`` to the system administrators of this provider's company."""
        self.ensure_one()
        admins = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("company_ids", "in", self.company_id.ids),
                    ("share", "=", False),
                    ("email", "!=", False),
                ]
            )
            .filtered(lambda u: u.has_group("base.group_system"))
        )
        if not admins:
            _logger.warning("%s: %s", subject, " ".join(lines))
            return
        body = Markup("").join(Markup("<p>%s</p>") % line for line in lines)
        self.env["mail.mail"].sudo().create(
            {
                "subject": subject,
                "body_html": body,
                "email_to": ", ".join(admins.mapped("email_formatted")),
                "auto_delete": False,
            }
        )

    def _stablecoin_gas_payer_warning(self, network, charges=const.GAS_WARNING_CHARGES):
        """A warning when the gas payer cannot pay ``charges`` more charges on ``network`` at
        its current gas price (False when it can)."""
        self.ensure_one()
        balance = self._stablecoin_gas_payer_balance(network)
        try:
            gas_price = int(network._rpc_client().call("eth_gasPrice"), 16)
        except (RpcError, ValueError, TypeError) as exc:
            raise UserError(
                self.env._("%(network)s: %(error)s", network=network.name, error=exc)
            ) from exc
        needed = charges * const.CHARGE_GAS * gas_price
        if balance >= needed:
            return False
        return self.env._(
            "The gas payer %(address)s has %(balance)s wei on %(network)s, less than "
            "%(charges)s mandate charges cost at today's gas price (%(needed)s wei): fund it "
            "before charges fail.",
            address=self.stablecoin_gas_payer_address,
            balance=balance,
            network=network.name,
            charges=charges,
            needed=needed,
        )

    def _stablecoin_send_as_gas_payer(self, network, to, data):
        """Sign ``data`` to ``to`` on ``network`` with the gas payer, send it, and return its
        hash. The node's gas estimate runs the call first: a call that would revert is refused
        there, before anything is signed or sent."""
        self.ensure_one()
        provider_sudo = self.sudo()
        key = provider_sudo.stablecoin_gas_payer_key
        if not key:
            raise UserError(
                self.env._("Stablecoin: set the gas payer of %s first.", provider_sudo.name)
            )
        sender = provider_sudo.stablecoin_gas_payer_address
        # One sender at a time per gas payer in this database: each takes the next nonce.
        self.env.cr.execute("SELECT id FROM payment_provider WHERE id = %s FOR UPDATE", [self.id])
        client = network._rpc_client()
        call = {"from": sender, "to": to, "data": data}
        try:
            estimate = int(client.call("eth_estimateGas", call), 16)
            nonce = int(client.call("eth_getTransactionCount", sender, "pending"), 16)
            block = client.call("eth_getBlockByNumber", "latest", False) or {}
            base_fee = block.get("baseFeePerGas")
            gas_price = None if base_fee else int(client.call("eth_gasPrice"), 16)
            tx = gas_payer.transaction(
                network.chain_id,
                nonce,
                to,
                data,
                estimate,
                base_fee=int(base_fee, 16) if base_fee else None,
                gas_price=gas_price,
            )
            raw, tx_hash = gas_payer.sign(tx, key)
            sent = client.call("eth_sendRawTransaction", raw)
        except (RpcError, ValueError, TypeError) as exc:
            raise UserError(
                self.env._("%(network)s: %(error)s", network=network.name, error=exc)
            ) from exc
        _logger.info("Gas payer %s sent %s on %s", sender, tx_hash, network.name)
        return sent or tx_hash

    @api.model
    def _get_compatible_providers(self, *args, stablecoin_invoice_id=None, **kwargs):
        """Override of `payment`: the stablecoin provider pays one invoice that has a payment
        request (in its token's currency or priced from a fiat one), nothing else: not a sales
        order, not a free amount, not several invoices at once."""
        providers = super()._get_compatible_providers(*args, **kwargs)
        stablecoin = providers.filtered(lambda p: p.code == const.PROVIDER_CODE)
        if not stablecoin:
            return providers
        # Integers only: set by the invoice page (``stablecoin_invoice_id``) or by the payment
        # link once its access token is checked (``invoice_id``), never text from a URL.
        invoice_id = next(
            (i for i in (stablecoin_invoice_id, kwargs.get("invoice_id")) if type(i) is int), None
        )
        invoice = self.env["account.move"].sudo().browse(invoice_id).exists()
        if invoice and invoice._stablecoin_payable_now():
            return providers
        payment_utils.add_to_report(
            kwargs.get("report"),
            stablecoin,
            available=False,
            reason=self.env._("pays only an invoice with a stablecoin payment request"),
        )
        return providers - stablecoin

    def _get_default_payment_method_codes(self):
        """Override of `payment` to return the default payment method codes."""
        default_codes = super()._get_default_payment_method_codes()
        if self.code != const.PROVIDER_CODE:
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES

    @api.model
    def _stablecoin_default_pending_msg(self):
        return self.env._(
            "<p>Pay from your crypto wallet on the invoice page: scan the QR code or use "
            "<b>Pay with browser wallet</b>. The invoice is marked paid as soon as the network "
            "confirms your transfer.</p>"
        )
