# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.payment import utils as payment_utils
from odoo.addons.stablecoin_wallet.chain import mandate
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError

from .. import const
from ..controllers.main import StablecoinController

# A checkout left pending this long without its invoice paid is cancelled.
PENDING_DAYS = 7


_logger = logging.getLogger(__name__)


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    stablecoin_autopay_attempt = fields.Integer(
        string="Due Date Charge Attempt",
        readonly=True,
        help="Which attempt of the invoice's *Charge on Due Date* this charge was (0: not one).",
    )

    def _get_specific_rendering_values(self, processing_values):
        """Override of `payment`: the redirect form posts the reference to our route, with a
        token signed for it that only the page starting the checkout gets."""
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != const.PROVIDER_CODE:
            return res
        return {
            "api_url": StablecoinController._process_url,
            "reference": self.reference,
            "access_token": payment_utils.generate_access_token(self.reference),
        }

    # The payment hooks of both series over the same code (``compat.process_payment_data``):
    # 18.0 calls _get_tx_from_notification_data and _process_notification_data, 19.0
    # _search_by_reference, _extract_amount_data and _apply_updates.

    def _get_tx_from_notification_data(self, provider_code, notification_data):
        """Override of `payment` (18.0)."""
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != const.PROVIDER_CODE or len(tx) == 1:
            return tx
        return self._stablecoin_find_checkout(notification_data)

    @api.model
    def _search_by_reference(self, provider_code, payment_data):
        """Override of `payment` (19.0)."""
        if provider_code != const.PROVIDER_CODE:
            return super()._search_by_reference(provider_code, payment_data)
        return self._stablecoin_find_checkout(payment_data)

    @api.model
    def _stablecoin_find_checkout(self, data):
        reference = data.get("reference")
        tx = self.search(
            [("reference", "=", reference), ("provider_code", "=", const.PROVIDER_CODE)]
        )
        if not reference or not tx:
            raise ValidationError(
                self.env._("Stablecoin: no transaction found matching reference %s.", reference)
            )
        return tx

    def _process_notification_data(self, notification_data):
        """Override of `payment` (18.0)."""
        super()._process_notification_data(notification_data)
        if self.provider_code != const.PROVIDER_CODE:
            return
        self._stablecoin_checkout_started()

    def _extract_amount_data(self, payment_data):
        """Override of `payment` (19.0): no amount to check in the browser's data; the chain
        checks what arrives."""
        if self.provider_code != const.PROVIDER_CODE:
            return super()._extract_amount_data(payment_data)
        return None

    def _apply_updates(self, payment_data):
        """Override of `payment` (19.0)."""
        if self.provider_code != const.PROVIDER_CODE:
            return super()._apply_updates(payment_data)
        self._stablecoin_checkout_started()
        return None

    def _stablecoin_checkout_started(self):
        """The customer was shown how to pay; wait for the chain."""
        if not self.invoice_ids:
            # The provider pays invoices (their requests, their addresses): nothing else.
            raise ValidationError(
                self.env._("Stablecoin: transaction %s pays no invoice.", self.reference)
            )
        if self.state == "draft":
            self._set_pending()

    @api.model
    def _stablecoin_expire_pending(self, days=PENDING_DAYS):
        """Pending stablecoin transactions whose invoice was not paid within ``days`` are
        cancelled: the checkout was abandoned (a later payment on chain still pays the invoice
        through its request)."""
        stale = self.search(
            [
                ("provider_code", "=", const.PROVIDER_CODE),
                ("state", "=", "pending"),
                ("last_state_change", "<", fields.Datetime.now() - timedelta(days=days)),
            ]
        )
        stale._set_canceled(self.env._("No payment arrived within %s days.", days))
        return stale

    @api.model
    def _stablecoin_chain_codes(self):
        """Override: *Pay now*'s transactions are completed by the chain too."""
        return super()._stablecoin_chain_codes() | {const.PROVIDER_CODE}

    # -- mandate charges -----------------------------------------------------------------------
    @api.model
    def _stablecoin_charge_invoice(self, invoice, token):
        """*Charge now*: a transaction charging ``invoice``'s amount due to the mandate
        ``token``, sent at once. Refused (nothing created) while another stablecoin transaction
        of the invoice is open or done."""
        invoice.ensure_one()
        token.ensure_one()
        if token.provider_code != const.PROVIDER_CODE:
            raise UserError(self.env._("%s is no stablecoin mandate.", token.display_name))
        # Who may register a payment of the invoice may charge it; the transaction itself is
        # made as Odoo's payment flows make theirs (its provider is a system setting).
        invoice.check_access("write")
        token.check_access("read")
        token._stablecoin_check_chargeable()
        # Serialise charges of one invoice: two clicks, two servers, one transaction.
        self.env.cr.execute("SELECT id FROM account_move WHERE id = %s FOR UPDATE", [invoice.id])
        self._stablecoin_check_no_open_charge(invoice)
        tx_sudo = self.sudo().create(
            {
                "provider_id": token.provider_id.id,
                "payment_method_id": token.payment_method_id.id,
                "reference": self.sudo()._compute_reference(
                    const.PROVIDER_CODE, prefix=f"{invoice.name}-mandate"
                ),
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "token_id": token.id,
                "operation": "offline",
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )
        tx_sudo._send_payment_request()
        if tx_sudo.state == "pending" and invoice.stablecoin_autopay_token_id:
            # Charged now, before its due date: nothing left for *Charge on Due Date* (a
            # scheduled run waiting on the invoice's lock finds the charge open and leaves it).
            invoice._stablecoin_autopay_write({"state": "sent"})
        return tx_sudo.with_env(self.env)

    @api.model
    def _stablecoin_open_charges(self, invoice, exclude=None):
        """The stablecoin transactions of ``invoice`` on their way or done (sudo'ed): while
        there is one, the invoice is not charged again."""
        return self.sudo().search(
            [
                ("provider_code", "=", const.PROVIDER_CODE),
                ("invoice_ids", "in", invoice.ids),
                ("state", "in", ("pending", "authorized", "done")),
                ("id", "not in", (exclude or self.browse()).ids),
            ]
        )

    def _stablecoin_check_no_open_charge(self, invoice, exclude=None):
        others = self._stablecoin_open_charges(invoice, exclude=exclude)
        if others:
            raise UserError(
                self.env._(
                    "%(invoice)s: payment %(tx)s is already %(state)s; it is not charged twice.",
                    invoice=invoice.display_name,
                    tx=others[0].reference,
                    state=dict(others._fields["state"].selection)[others[0].state],
                )
            )

    def _send_payment_request(self):
        """Override of `payment`: charge the invoice to the mandate on chain, the gas payer
        paying the gas. The transaction waits (pending) for the watcher to see the transfer
        to the invoice's address; any refusal leaves it in error, nothing sent."""
        super()._send_payment_request()
        if self.provider_code != const.PROVIDER_CODE:
            return
        try:
            tx_hash = self._stablecoin_send_charge()
        except UserError as exc:
            self._set_error(exc.args[0])
            return
        self.provider_reference = tx_hash
        # The invoice's request expects this transaction: its transfer pays the invoice by it
        # (at a deposit wallet's own address, or at a shared address whatever its amount).
        self.invoice_ids.sudo().stablecoin_request_id._expect(tx_hash, self.reference)
        # By keyword: 19.0's _set_pending takes it so only.
        self._set_pending(
            state_message=self.env._("Charge sent to the network in transaction %s.", tx_hash)
        )

    @api.model
    def _stablecoin_check_sent_charges(self, now):
        """Mandate charges sent and still pending whose transaction the chain mined and
        reverted (the wallet's approval or balance withdrawn between the check and the block):
        in error, nothing taken, and for a due-date charge a failed attempt (retried on its
        schedule); a *Charge now* leaves the due-date charge scheduled. Each on its own: a
        failing node leaves the others checked. Returns the transactions found reverted."""
        pending = self.sudo().search(
            [
                ("provider_code", "=", const.PROVIDER_CODE),
                ("token_id", "!=", False),
                ("state", "=", "pending"),
                ("provider_reference", "!=", False),
            ]
        )
        reverted = self.browse()
        for tx in pending:
            network = tx.token_id.stablecoin_token_id.network_id
            try:
                receipt = network._rpc_client().call(
                    "eth_getTransactionReceipt", tx.provider_reference
                )
            except RpcError as exc:
                _logger.warning("Charge %s not checked: %s", tx.reference, exc)
                continue
            if not receipt or int(receipt.get("status") or "0x1", 16) != 0:
                continue  # not mined yet, or mined and the watcher will see its transfer
            message = self.env._(
                "The charge reverted on chain (transaction %s): nothing was taken.",
                tx.provider_reference,
            )
            tx._set_error(message)
            reverted |= tx
            invoice = tx.invoice_ids[:1]
            if not invoice.stablecoin_autopay_token_id:
                continue
            if tx.stablecoin_autopay_attempt:
                invoice._stablecoin_autopay_failed(
                    tx.stablecoin_autopay_attempt, message, now, tx=tx
                )
            else:
                invoice._stablecoin_autopay_write({"state": "scheduled"})
                invoice.message_post(body=message)
        return reverted

    def _stablecoin_charge_plan(self):
        """(network, terms, signature, amount in units, charge id) of this charge, checked
        against the mandate and the invoice; a UserError names what is wrong."""
        self.ensure_one()
        token = self.token_id.sudo()
        if not token or token.provider_code != const.PROVIDER_CODE:
            raise UserError(self.env._("A stablecoin charge needs a mandate."))
        token._stablecoin_check_chargeable()
        if len(self.invoice_ids) != 1:
            raise UserError(self.env._("A mandate charge pays exactly one invoice."))
        invoice = self.invoice_ids.sudo()
        self._stablecoin_check_no_open_charge(invoice, exclude=self)
        if token.provider_id.company_id != invoice.company_id:
            raise UserError(self.env._("%s is a mandate to another company.", token.display_name))
        if invoice.partner_id.commercial_partner_id != token.partner_id.commercial_partner_id:
            raise UserError(self.env._("%s is not this customer's mandate.", token.display_name))
        request = invoice.stablecoin_request_id
        if not request or request.state != "awaiting" or not request._is_current_for(invoice):
            raise UserError(
                self.env._("%s has no open payment request to charge.", invoice.display_name)
            )
        if request.token_id != token.stablecoin_token_id:
            raise UserError(
                self.env._(
                    "%(invoice)s asks %(asked)s; the mandate is for %(token)s.",
                    invoice=invoice.display_name,
                    asked=request.token_id.display_name,
                    token=token.stablecoin_token_id.display_name,
                )
            )
        terms = token._stablecoin_terms()
        if invoice._stablecoin_mandate_payee(request) != terms.payee:
            raise UserError(
                self.env._(
                    "%(invoice)s is paid to %(address)s, not to the mandate's payee %(payee)s.",
                    invoice=invoice.display_name,
                    address=request.address_hex,
                    payee=terms.payee,
                )
            )
        amount = int(request.amount_units)
        if amount > terms.max_per_charge:
            raise UserError(
                self.env._(
                    "%(invoice)s: %(amount)s units are above the mandate's %(limit)s per charge.",
                    invoice=invoice.display_name,
                    amount=amount,
                    limit=terms.max_per_charge,
                )
            )
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        charge_id = mandate.charge_id(uuid, invoice.id, invoice.name)
        network = token.stablecoin_token_id.network_id
        return network, terms, token.stablecoin_signature, amount, charge_id

    def _stablecoin_send_charge(self):
        network, terms, signature, amount, charge_id = self._stablecoin_charge_plan()
        contract = mandate.contract_address()
        client = network._rpc_client()
        try:
            charged = client.eth_call(
                contract, mandate.charged_call(terms.payer, terms.payee, charge_id)
            )
            chargeable = client.eth_call(contract, mandate.chargeable_call(terms))
        except RpcError as exc:
            raise UserError(
                self.env._("%(network)s: %(error)s", network=network.name, error=exc)
            ) from exc
        if int(charged or "0x0", 16):
            raise UserError(self.env._("This invoice was already charged to the mandate on chain."))
        available = int(chargeable or "0x0", 16)
        if amount > available:
            raise UserError(
                self.env._(
                    "The mandate allows %(available)s units now, less than the %(amount)s due "
                    "(period limit, dates, or revoked on chain).",
                    available=available,
                    amount=amount,
                )
            )
        return self.provider_id._stablecoin_send_as_gas_payer(
            network, contract, mandate.charge_call(terms, signature, amount, charge_id)
        )
