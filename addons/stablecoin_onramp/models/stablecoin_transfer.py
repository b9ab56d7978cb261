# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal, InvalidOperation

from odoo import api, fields, models


class StablecoinTransfer(models.Model):
    _inherit = "stablecoin.transfer"

    onramp_transfer_id = fields.Many2one(
        "stablecoin.onramp.transfer",
        string="On-ramp Transfer",
        compute="_compute_onramp_transfer_id",
        compute_sudo=True,
        help="The on-ramp transfer (a bank wire or card payment through Bridge) that reported "
        "sending this receipt's transaction, if any.",
    )

    @api.depends("tx_hash")
    def _compute_onramp_transfer_id(self):
        # One lookup for all the receipts at hand (the matcher's batch), not one per receipt.
        onramps = {}
        hashes = [h for h in set(self.mapped("tx_hash")) if h]
        if hashes:
            found = self.env["stablecoin.onramp.transfer"].search(
                [("destination_tx_hash", "in", hashes)]
            )
            for onramp in found:  # the newest first
                onramps.setdefault(onramp.destination_tx_hash, onramp)
        for transfer in self:
            transfer.onramp_transfer_id = onramps.get(transfer.tx_hash, False)

    def _onramp_transfer(self):
        """The on-ramp transfer that reported sending this receipt's transaction, if any."""
        return self.onramp_transfer_id

    def _why_unmatched(self):
        """Override: a bank wire the on-ramp turned into these tokens says who sent it and
        with which memo, for the accountant to find the invoice."""
        reason = super()._why_unmatched()
        deposit = self._onramp_transfer()
        if not deposit:
            return reason
        return self.env._(
            "Bank wire through Bridge from %(sender)s (bank %(bank)s, memo %(memo)s): no open "
            "invoice has that reference. %(reason)s",
            sender=deposit.sender_name or "?",
            bank=deposit.sender_bank_routing_number or "?",
            memo=repr(deposit.memo or ""),
            reason=reason or "",
        )

    def _fees_withheld(self, invoice, date):
        """Override: what Bridge's receipt says it withheld (exchange, developer and gas
        fees) from the stablecoins of this transaction, in the invoice's currency."""
        onramp = self._onramp_transfer()
        account = onramp.provider_id.sudo().stablecoin_bridge_fee_account_id
        if not onramp or not account:
            return super()._fees_withheld(invoice, date)
        try:
            fee = sum(
                Decimal(value or "0")
                for value in (onramp.exchange_fee, onramp.developer_fee, onramp.gas_fee)
            )
        except InvalidOperation:
            return super()._fees_withheld(invoice, date)
        # Stated in the tokens' terms (USD for USDC/USDT), converted to the invoice's currency.
        amount = self.currency_id._convert(
            float(fee), invoice.currency_id, invoice.company_id, date
        )
        return amount, account, self.env._("On-ramp fees (Bridge, %s)", onramp.name)

    def _after_reversal(self, invoices, payment):
        """Override: the checkout this payment completed is no longer paid."""
        res = super()._after_reversal(invoices, payment)
        Transaction = self.env["payment.transaction"].sudo()
        txs = Transaction.search(
            [
                ("provider_code", "in", list(Transaction._stablecoin_chain_codes())),
                ("payment_id", "=", payment.id),
                ("state", "=", "done"),
            ]
        )
        txs._stablecoin_reverse(self.tx_hash)
        return res
