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

    def _has_to_be_paid(self):
        """Override of `account_payment`: no *Pay Now* on an invoice the customer rejected, nor
        while a stablecoin payment is on its way (a second one would be one click away)."""
        res = super()._has_to_be_paid()
        if self.stablecoin_payment_status in ("rejected", "in_progress"):
            return False
        return res

    def _stablecoin_after_payment(self, payments):
        """Override: a pending portal transaction of the invoice is done once the invoice is
        paid, whoever paid it (the matcher, an accountant, the customer's balance).

        The transaction never becomes done from the browser's word: only here, once the
        invoice is reconciled with a posted payment. Paid with no payment (a plain
        reconciliation), the checkout is closed rather than given a payment of its own."""
        res = super()._stablecoin_after_payment(payments)
        if self.payment_state not in ("paid", "in_payment"):
            return res
        txs = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_code", "=", const.PROVIDER_CODE),
                    ("invoice_ids", "in", self.ids),
                    ("state", "in", ("draft", "pending")),
                ]
            )
        )
        if payments:
            txs._stablecoin_confirm(payments[:1])
        else:
            txs._set_canceled(self.env._("The invoice was paid by other means."))
        return res

    def _stablecoin_payable_now(self):
        """The customer can start a stablecoin payment of this invoice now: it has a current
        payment request and no payment is on its way."""
        self.ensure_one()
        return bool(self.stablecoin_payment_uri) and self._has_to_be_paid()

    def _stablecoin_method_label(self):
        """The stablecoin option's label in *Pay Now*: the tokens and networks this invoice
        accepts, nothing else ("Stablecoin (USDC on Base)")."""
        self.ensure_one()
        tokens = self._stablecoin_tokens()
        symbols = ", ".join(dict.fromkeys(tokens.mapped("symbol")))
        networks = ", ".join(dict.fromkeys(tokens.mapped("network_name")))
        return self.env._(
            "Stablecoin (%(symbols)s on %(networks)s)", symbols=symbols, networks=networks
        )

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
        """The stablecoin providers of this invoice's company taking bank wires or cards (both
        in one cached lookup: the invoice page asks on each view)."""
        self.ensure_one()
        if not self.stablecoin_token_id._family().supports_onramp:
            # The on-ramps are wired for EVM networks' 0x addresses: none on Tron.
            return self.env["payment.provider"]
        Provider = self.env["payment.provider"].sudo()
        return Provider.browse(Provider._stablecoin_onramp_provider_ids(self.company_id.id))

    def _stablecoin_onramp_provider(self, enabled_field, ready, providers=None):
        """The stablecoin provider of this invoice's company with ``enabled_field`` ticked and
        ready (its credentials given), if any (among ``providers`` when given)."""
        if providers is None:
            providers = self._stablecoin_onramp_providers()
        return providers.filtered(lambda p: p[enabled_field] and ready(p))[:1]

    def _stablecoin_wire_provider(self, providers=None):
        """The stablecoin provider of this invoice's company that takes bank wires, if any."""
        return self._stablecoin_onramp_provider(
            "stablecoin_wire_enabled", lambda p: p._stablecoin_wire_ready(), providers
        )

    def _stablecoin_bank_account(self):
        """The business's bank account at the on-ramp, printed with this invoice's reference
        on the invoice, its page and its email (empty when there is none)."""
        self.ensure_one()
        provider = self.sudo()._stablecoin_wire_provider()
        if not provider or not self.stablecoin_payment_uri:
            return self.env["stablecoin.onramp.account"]
        return provider._stablecoin_onramp_account()

    def _stablecoin_card_provider(self, providers=None):
        """The stablecoin provider of this invoice's company that takes cards, if any."""
        return self._stablecoin_onramp_provider(
            "stablecoin_card_enabled", lambda p: p._stablecoin_card_ready(), providers
        )

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
