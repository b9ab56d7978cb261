# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""*Save for automatic payments* on the invoice's portal page: the customer's browser wallet
signs a mandate's terms (EIP-712) the server proposes, then approves the mandate contract;
the mandate is kept as the customer's payment token and charges this invoice on its due date
(and the business's later invoices, when it picks it)."""

import secrets
import time
from decimal import Decimal, InvalidOperation

from odoo import models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.stablecoin_wallet.chain import (
    InvalidAddress,
    InvalidAmount,
    format_units,
    mandate,
    to_units,
)
from odoo.addons.stablecoin_wallet.chain.address import to_checksum_address

from .. import const

# A mandate signed from the portal: monthly periods, one charge a period at most.
PERIOD_SECONDS = 30 * 24 * 3600
MAX_MONTHS = 36


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _stablecoin_mandate_provider(self):
        """The company's stablecoin provider, when it can charge mandates (enabled, with a
        gas payer); else an empty recordset."""
        self.ensure_one()
        provider = (
            self.env["payment.provider"]
            .sudo()
            .search(
                [
                    ("code", "=", const.PROVIDER_CODE),
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", ("enabled", "test")),
                ],
                limit=1,
            )
        )
        return provider if provider.stablecoin_gas_payer_address else provider.browse()

    def _stablecoin_mandate_offer(self):
        """Whether the portal card offers *Save for automatic payments*: an open EVM invoice
        paid to one of the company's fixed addresses (a charge pays the mandate's payee), a
        provider able to charge, and no mandate set on the invoice yet."""
        self.ensure_one()
        invoice = self.sudo()
        request = invoice._stablecoin_current_request()
        return bool(
            invoice.move_type == "out_invoice"
            and invoice.state == "posted"
            and invoice.payment_state in ("not_paid", "partial")
            and invoice.stablecoin_payment_status in ("awaiting", "partial", "expired")
            and not invoice.stablecoin_autopay_token_id
            and request
            and request.token_id.network_id.kind == "evm"
            and invoice._stablecoin_mandate_payee(request)
            and invoice._stablecoin_mandate_provider()
        )

    def _stablecoin_mandate_payee(self, request):
        """The payee a mandate for this invoice names (else None): the request's address when
        it is one of the company's fixed receiving addresses for its token, or, for an
        invoice's deposit address, its wallet's own address (where later invoices' charges
        go too)."""
        payees = self.env["payment.token"]._stablecoin_payees(self.company_id, request.token_id)
        wallet = request.sudo().address_id.wallet_id
        candidate = wallet.address if wallet.kind == "deposit" else request.address_hex
        try:
            address = to_checksum_address(candidate)
        except (InvalidAddress, TypeError, ValueError):
            return None
        return address if address in payees else None

    def _stablecoin_mandate_default_limit(self):
        """The limit per charge the form proposes: what this invoice asks, in the token."""
        self.ensure_one()
        request = self.sudo()._stablecoin_current_request()
        return format_units(int(request.amount_units), request.token_id.decimals)

    def _stablecoin_mandate_proposal(self, payer, max_per_charge, months):
        """The terms the customer's wallet ``payer`` is asked to sign: at most
        ``max_per_charge`` (text, in the token) a charge and a month, for ``months`` months
        from now, paid to this invoice's receiving address. Returns the typed-data document
        and what the wallet approves for the contract. A UserError names what is wrong."""
        self.ensure_one()
        if not self._stablecoin_mandate_offer():
            raise UserError(self.env._("Automatic payments cannot be set up for this invoice."))
        invoice = self.sudo()
        request = invoice._stablecoin_current_request()
        token = request.token_id
        try:
            payer = to_checksum_address(payer)
        except (InvalidAddress, TypeError, ValueError):
            raise ValidationError(self.env._("Wallet: %s is not an address.", payer)) from None
        try:
            limit = to_units(Decimal(str(max_per_charge).strip()), token.decimals)
        except (InvalidAmount, InvalidOperation, ValueError, TypeError):
            raise ValidationError(
                self.env._("Limit per charge: %s is not an amount.", max_per_charge)
            ) from None
        due = int(request.amount_units)
        if limit < due:
            raise ValidationError(
                self.env._(
                    "Limit per charge: at least the %(due)s %(symbol)s this invoice asks.",
                    due=format_units(due, token.decimals),
                    symbol=token.symbol,
                )
            )
        try:
            months = int(months)
        except (TypeError, ValueError):
            raise ValidationError(self.env._("Months: %s is not a number.", months)) from None
        if not 1 <= months <= MAX_MONTHS:
            raise ValidationError(self.env._("Months: from 1 to %s.", MAX_MONTHS))
        # Valid from a few minutes ago: a node's clock a little behind ours charges anyway.
        start = int(time.time()) - 600
        terms = mandate.Terms(
            payer=payer,
            payee=invoice._stablecoin_mandate_payee(request),
            token=token.contract_address,
            max_per_charge=limit,
            max_per_period=limit,
            period=PERIOD_SECONDS,
            start=start,
            end=start + months * PERIOD_SECONDS,
            salt=bytes.fromhex(secrets.token_hex(32)),
        )
        document = mandate.typed_data(terms, token.network_id.chain_id)
        return {
            "typedData": document,
            "chainId": token.network_id.chain_id,
            "token": token.contract_address,
            "contract": mandate.contract_address(),
            # What the contract may pull over the mandate's life (the wallet's approval).
            "approve": str(limit * months),
        }

    def _stablecoin_mandate_save(self, message, signature):
        """Keep the mandate the customer's wallet signed (``message``: the terms as signed,
        checked again here: payee, token, signature) and charge this invoice to it on its
        due date. Returns the mandate."""
        self.ensure_one()
        if not self._stablecoin_mandate_offer():
            raise UserError(self.env._("Automatic payments cannot be set up for this invoice."))
        invoice = self.sudo()
        request = invoice._stablecoin_current_request()
        if not isinstance(message, dict):
            raise ValidationError(self.env._("Mandate terms: incomplete or malformed."))
        try:
            payee = to_checksum_address(message.get("payee"))
            token_address = to_checksum_address(message.get("token"))
        except (InvalidAddress, TypeError, ValueError):
            raise ValidationError(self.env._("Payee Address / Token: not addresses.")) from None
        if payee != invoice._stablecoin_mandate_payee(request):
            raise ValidationError(
                self.env._("Payee Address: the mandate must pay this invoice's address.")
            )
        if token_address != to_checksum_address(request.token_id.contract_address):
            raise ValidationError(self.env._("Token: not the token this invoice asks."))
        Token = self.env["payment.token"].sudo()
        token = Token._stablecoin_mandate_from_signature(
            invoice.partner_id, message, signature, company=invoice.company_id
        )
        invoice.stablecoin_autopay_token_id = token
        invoice.message_post(
            body=self.env._(
                "The customer saved %(mandate)s for automatic payments: this invoice is charged "
                "to it on its due date.",
                mandate=token.display_name,
            )
        )
        return token
