# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_UP, Decimal

from odoo import fields, models

from odoo.addons.stablecoin_wallet.chain import from_units

from .. import const


class AccountMove(models.Model):
    _inherit = "account.move"

    stablecoin_onramp_ids = fields.One2many(
        "stablecoin.onramp.transfer", "move_id", string="Bank Wires", readonly=True
    )

    def _stablecoin_after_payment(self, payments):
        """Override: the on-ramp checkout whose stablecoins paid the invoice is done, with
        that payment (the chain paid, not the on-ramp's word); once the invoice is paid,
        checkouts never funded are closed."""
        res = super()._stablecoin_after_payment(payments)
        onramps = self.sudo().stablecoin_onramp_ids.filtered("transaction_id")
        if not onramps:
            return res
        paying = (
            self.env["stablecoin.transfer"]
            .sudo()
            .browse(self.env.context.get("stablecoin_paying_transfer"))
            .exists()
        )
        if paying and paying.payment_id & payments:
            onramps.filtered(
                lambda o: o.destination_tx_hash == paying.tx_hash
            ).transaction_id._stablecoin_confirm(paying.payment_id[:1])
        if self.payment_state in ("paid", "in_payment"):
            onramps.transaction_id.filtered(lambda tx: tx.state == "draft")._set_canceled(
                self.env._("The invoice was paid by other means.")
            )
        return res

    def _stablecoin_wire_amount(self, source_currency):
        """What the payer wires (``usd`` or ``eur``, as text) for the stablecoins the current
        request asks: the token amount in that currency at today's rate, up to the cent."""
        self.ensure_one()
        request = self.stablecoin_request_id
        token = request.token_id
        amount = from_units(int(request.amount_units), token.decimals)
        target = self.env.ref(f"base.{source_currency.upper()}")
        if target != (token.currency_id.stablecoin_peg_id or token.currency_id):
            amount = Decimal(
                str(
                    token.currency_id._convert(
                        float(amount), target, self.company_id, fields.Date.context_today(self)
                    )
                )
            )
        return str(amount.quantize(Decimal("0.01"), rounding=ROUND_UP))

    def _stablecoin_onramp_providers(self):
        """The on-ramp providers of this invoice's company, enabled or in test (both in one
        cached lookup: the invoice page asks on each view)."""
        self.ensure_one()
        if not self.stablecoin_token_id._family().supports_onramp:
            # The on-ramps are wired for EVM networks' 0x addresses: none on Tron.
            return self.env["payment.provider"]
        Provider = self.env["payment.provider"].sudo()
        return Provider.browse(Provider._stablecoin_onramp_provider_ids(self.company_id.id))

    def _stablecoin_onramp_provider(self, code, providers=None):
        """The provider of this invoice's company for on-ramp ``code``, ready (its credentials
        given), if any (among ``providers`` when given)."""
        if providers is None:
            providers = self._stablecoin_onramp_providers()
        return providers.filtered(lambda p: p.code == code and p._stablecoin_onramp_ready())[:1]

    def _stablecoin_wire_provider(self, providers=None):
        """The provider of this invoice's company that takes bank wires, if any."""
        return self._stablecoin_onramp_provider(const.BRIDGE, providers)

    def _stablecoin_card_provider(self, providers=None):
        """The provider of this invoice's company that takes cards, if any."""
        return self._stablecoin_onramp_provider(const.STRIPE, providers)

    def _stablecoin_bank_account(self):
        """The business's bank account at the on-ramp, printed with this invoice's reference
        on the invoice, its page and its email (empty when there is none)."""
        self.ensure_one()
        provider = self.sudo()._stablecoin_wire_provider()
        if not provider or not self.stablecoin_payment_uri:
            return self.env["stablecoin.onramp.account"]
        return provider._stablecoin_onramp_account()

    def _stablecoin_wire_transfer(self):
        """The one-time wire instructions the payer asked for this invoice's current request
        (when the business has no bank account at the on-ramp to print instead)."""
        self.ensure_one()
        return self.sudo().stablecoin_onramp_ids.filtered(
            lambda t: (
                t.kind == "transfer"
                and t.request_id == self.stablecoin_request_id
                and t.state in ("awaiting_funds", "in_review", "funds_received")
            )
        )[:1]
