# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..onramp import bridge


class StablecoinOnrampAccount(models.Model):
    """The business's bank account at the on-ramp (a Bridge virtual account): stable bank
    details printed on every invoice; what is wired to it arrives as stablecoins at the
    company's receiving address, and the wire's memo (the invoice's reference) says which
    invoice it pays."""

    _name = "stablecoin.onramp.account"
    _description = "Stablecoin On-ramp Bank Account"
    _inherit = "stablecoin.bank.instructions"

    name = fields.Char(string="Virtual Account", required=True, readonly=True)
    provider_id = fields.Many2one("payment.provider", required=True, readonly=True)
    company_id = fields.Many2one(related="provider_id.company_id", store=True)
    token_id = fields.Many2one("stablecoin.token", required=True, readonly=True)
    address = fields.Char(string="Receiving Address", required=True, readonly=True)

    def _create_for(self, provider):
        """A virtual account of ``provider``'s company at Bridge (idempotent per provider)
        into the company's receiving address (a fixed address's, or the address a deposit wallet
        sweeps to; both are watched) for its first token Bridge serves."""
        provider = provider.sudo()
        wallets = (
            self.env["stablecoin.wallet"]
            .sudo()
            .search(
                [
                    ("company_id", "=", provider.company_id.id),
                    ("kind", "in", ("address", "deposit")),
                    ("address", "!=", False),
                ]
            )
        )
        choice = next(
            (
                (wallet, token)
                for wallet in wallets
                for token in wallet.token_ids
                if bridge.PAYMENT_RAILS.get(token.network_id.chain_id) or provider.state == "test"
            ),
            None,
        )
        if not choice:
            raise UserError(
                self.env._(
                    "A bank account at Bridge needs a receiving wallet of %s with an address "
                    "(fixed, or deposit addresses) for a token on a network Bridge serves.",
                    provider.company_id.name,
                )
            )
        wallet, token = choice
        rail = bridge.PAYMENT_RAILS.get(token.network_id.chain_id) or "ethereum"
        source_currency = "eur" if provider.stablecoin_bridge_source_rail == "sepa" else "usd"
        try:
            answer = provider._stablecoin_bridge_client().create_virtual_account(
                f"odoo-{self.env.cr.dbname}-provider-{provider.id}-account",
                customer_id=provider.stablecoin_bridge_customer_id,
                source={"currency": source_currency},
                destination={
                    "currency": token.symbol.lower(),
                    "payment_rail": rail,
                    "address": wallet.address,
                },
            )
        except bridge.BridgeError as exc:
            raise UserError(self.env._("Bridge: %s", exc)) from exc
        found = bridge.deposit_instructions(answer)
        return self.sudo().create(
            {
                "name": answer.get("id") or "",
                "provider_id": provider.id,
                "token_id": token.id,
                "address": wallet.address,
                # What deposit_instructions() gives that an account keeps (not an amount
                # or a memo: those are each invoice's).
                **{name: value for name, value in found.items() if name in self._fields},
            }
        )
