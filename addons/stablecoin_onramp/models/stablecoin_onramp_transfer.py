# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.stablecoin_wallet import compat
from odoo.addons.stablecoin_wallet.compat import sql_constraints

from ..onramp import bridge, stripe_onramp

_logger = logging.getLogger(__name__)

STATES = [
    ("awaiting_funds", "Awaiting funds"),
    ("in_review", "In review"),
    ("funds_received", "Funds received"),
    ("payment_submitted", "Payment submitted"),
    ("payment_processed", "Processed"),
    ("undeliverable", "Undeliverable"),
    ("returned", "Returned"),
    ("refunded", "Refunded"),
    ("canceled", "Canceled"),
    ("error", "Error"),
]


@sql_constraints
class StablecoinOnrampTransfer(models.Model):
    """A payer's bank wire into stablecoins for one invoice, as the on-ramp (Bridge) knows
    it: the deposit instructions the payer follows and the progress Bridge reports. The
    invoice is paid by the stablecoin transfer the watcher sees, never by this record.

    Each one made for an invoice is that invoice's checkout: a ``payment.transaction`` of its
    provider (``provider_reference``: this record's name) whose state follows this record's
    (``const.STATUS_MAPPING``)."""

    _name = "stablecoin.onramp.transfer"
    _description = "Stablecoin On-ramp Transfer"
    _inherit = "stablecoin.bank.instructions"
    _order = "id desc"

    name = fields.Char(string="On-ramp Transfer", required=True, readonly=True)
    provider_id = fields.Many2one("payment.provider", required=True, readonly=True)
    kind = fields.Selection(
        [
            ("transfer", "Wire for one invoice"),
            ("deposit", "Wire to the bank account"),
            ("card", "Card"),
        ],
        required=True,
        default="transfer",
        readonly=True,
    )
    account_id = fields.Many2one("stablecoin.onramp.account", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    memo = fields.Char(string="Wire Memo", readonly=True)
    redirect_url = fields.Char(string="Payment Page", readonly=True)
    sender_name = fields.Char(string="Sender", readonly=True)
    sender_bank_routing_number = fields.Char(string="Sender's Bank", readonly=True)
    request_id = fields.Many2one("stablecoin.payment.request", readonly=True)
    company_id = fields.Many2one(related="provider_id.company_id", store=True)
    partner_id = fields.Many2one(related="move_id.partner_id")
    idempotency_key = fields.Char(required=True, readonly=True, copy=False)
    state = fields.Selection(STATES, required=True, default="awaiting_funds", readonly=True)
    transaction_id = fields.Many2one(
        "payment.transaction", string="Payment Transaction", readonly=True, index="btree_not_null"
    )
    amount = fields.Char(string="Amount to Send", readonly=True)
    deposit_message = fields.Char(
        string="Reference",
        readonly=True,
        help="The wire's memo: without it the money is not "
        "recognised and is returned to the payer.",
    )
    final_amount = fields.Char(string="Stablecoins Sent", readonly=True)
    exchange_fee = fields.Char(readonly=True)
    developer_fee = fields.Char(readonly=True)
    gas_fee = fields.Char(readonly=True)
    destination_tx_hash = fields.Char(
        string="Stablecoin Transaction", readonly=True, index="btree_not_null"
    )
    last_event_at = fields.Char(
        readonly=True,
        help="When Bridge made the newest event applied (events may arrive out "
        "of order: an older one changes nothing).",
    )
    event_ids = fields.One2many("stablecoin.onramp.event", "transfer_id", readonly=True)

    _sql_constraints = [  # noqa: RUF012
        ("idempotency_key_unique", "UNIQUE(idempotency_key)", "One transfer per key."),
        ("name_provider_unique", "UNIQUE(provider_id, name)", "One record per transfer."),
    ]

    @api.model
    def _for_invoice(self, invoice, provider):
        """The wire instructions for ``invoice``'s current payment request: the open
        transfer made for it, or a new one at Bridge (idempotent: a retry after a timeout
        gets the same transfer back, never a second one)."""
        invoice.ensure_one()
        request = invoice.stablecoin_request_id
        if not request or not invoice.stablecoin_payment_uri:
            raise UserError(self.env._("This invoice asks for no payment now."))
        existing = self.search(
            [
                ("request_id", "=", request.id),
                ("provider_id", "=", provider.id),
                ("kind", "=", "transfer"),
            ],
            limit=1,
        )
        if existing:
            return existing._checkout()
        sudo_provider = provider.sudo()
        network = request.token_id.network_id
        rail = bridge.PAYMENT_RAILS.get(network.chain_id)
        if not rail and provider.state == "test":
            rail = "ethereum"  # a test chain stands for Ethereum in the sandbox
        if not rail:
            raise UserError(
                self.env._(
                    "Bank wires cannot be sent to %s: Bridge does not serve it.", network.name
                )
            )
        source_rail = sudo_provider.stablecoin_bridge_source_rail or "wire"
        source_currency = "eur" if source_rail == "sepa" else "usd"
        amount = invoice._stablecoin_wire_amount(source_currency)
        key = f"odoo-{self.env.cr.dbname}-request-{request.id}-{source_rail}"
        try:
            answer = provider._stablecoin_bridge_client().create_transfer(
                key,
                customer_id=sudo_provider.stablecoin_bridge_customer_id,
                amount=amount,
                source={"payment_rail": source_rail, "currency": source_currency},
                destination={
                    "payment_rail": rail,
                    "currency": request.token_id.symbol.lower(),
                    "to_address": request.address_id.address,
                },
            )
        except bridge.BridgeError as exc:
            _logger.warning("Bridge transfer for %s refused: %s", invoice.name, exc)
            raise UserError(
                self.env._("Bank wire instructions are not available right now: %s", exc)
            ) from exc
        return self.create(
            {
                "name": answer.get("id") or key,
                "provider_id": provider.id,
                "move_id": invoice.id,
                "request_id": request.id,
                "idempotency_key": key,
                "state": answer.get("state") if answer.get("state") in dict(STATES) else "error",
                **self._instruction_vals(answer),
            }
        )._checkout()

    @api.model
    def _card_session(self, invoice, provider):
        """A card payment of ``invoice``'s current request on Stripe's hosted onramp: the open
        session made for it, or a new one (idempotent per request)."""
        invoice.ensure_one()
        request = invoice.stablecoin_request_id
        if not request or not invoice.stablecoin_payment_uri:
            raise UserError(self.env._("This invoice asks for no payment now."))
        existing = self.search(
            [
                ("request_id", "=", request.id),
                ("provider_id", "=", provider.id),
                ("kind", "=", "card"),
                ("state", "=", "awaiting_funds"),
            ],
            limit=1,
        )
        if existing:
            return existing._checkout()
        network = request.token_id.network_id
        rail = stripe_onramp.NETWORKS.get(network.chain_id) or (
            "ethereum" if provider.state == "test" else None
        )
        if not rail:
            raise UserError(
                self.env._(
                    "Card payments cannot be sent to %s: Stripe does not serve it.", network.name
                )
            )
        amount = invoice._stablecoin_wire_amount("usd")
        key = f"odoo-{self.env.cr.dbname}-request-{request.id}-card"
        try:
            session = provider._stablecoin_stripe_client().create_session(
                key,
                wallet_address=request.address_id.address,
                network=rail,
                currency=request.token_id.symbol.lower(),
                amount=amount,
            )
        except stripe_onramp.StripeError as exc:
            raise UserError(self.env._("Card payment is not available right now: %s", exc)) from exc
        return self.create(
            {
                "name": session.get("id") or key,
                "kind": "card",
                "provider_id": provider.id,
                "move_id": invoice.id,
                "request_id": request.id,
                "idempotency_key": key,
                "amount": amount,
                "currency": "USD",
                "payment_rail": "card",
                "redirect_url": session.get("redirect_url") or "",
            }
        )._checkout()

    def _checkout(self):
        """This transfer as its invoice's checkout: a payment.transaction of its provider for
        the invoice (``provider_reference``: the on-ramp's id), in the state this transfer's
        status maps to. Returns the transfer."""
        for onramp in self.filtered(lambda o: o.move_id and not o.transaction_id):
            invoice, provider = onramp.move_id, onramp.provider_id
            Transaction = self.env["payment.transaction"].sudo()
            method = provider.with_context(active_test=False).payment_method_ids[:1]
            onramp.transaction_id = Transaction.create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "reference": Transaction._compute_reference(
                        provider.code, invoice_ids=[(6, 0, invoice.ids)]
                    ),
                    "provider_reference": onramp.name,
                    "amount": invoice.amount_residual,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                    "invoice_ids": [(6, 0, invoice.ids)],
                    "operation": "online_redirect",
                }
            )
            onramp._follow()
        return self

    def _follow(self):
        """The checkout's transaction takes the state this transfer's status maps to (the
        status the on-ramp reported in a verified, newest event: not the webhook's body)."""
        for onramp in self.filtered("transaction_id"):
            compat.process_payment_data(
                self.env(su=True),
                onramp.provider_id.code,
                {"provider_reference": onramp.name, "onramp_status": onramp.state},
            )

    @api.model
    def _from_bridge(self, event, provider):
        """A Bridge event: a deposit into the business's bank account
        (``virtual_account.activity``) or a step of a transfer made for an invoice. Returns
        the transfer it is about (empty when this database did not make it) and whether the
        event was applied."""
        if event.get("event_category") == "virtual_account.activity":
            applied = self._from_activity(event, provider)
            deposit_id = (event.get("event_object") or {}).get("deposit_id")
            deposit = self.search(
                [("provider_id", "=", provider.id), ("name", "=", f"deposit {deposit_id}")],
                limit=1,
            )
            return deposit, applied
        transfer = self.search(
            [("provider_id", "=", provider.id), ("name", "=", str(event.get("event_object_id")))],
            limit=1,
        )
        if not transfer:
            return transfer, False
        # One event at a time per transfer (Bridge retries, several workers).
        self.env.cr.execute(
            "SELECT id FROM stablecoin_onramp_transfer WHERE id = %s FOR UPDATE", [transfer.id]
        )
        return transfer, transfer._apply(event)

    @api.model
    def _from_stripe(self, event, provider):
        """A ``crypto.onramp_session_updated`` event: the session's state and, once delivered,
        its transaction. Returns the transfer it is about (empty for a session this database
        did not make) and whether the event was applied."""
        session = ((event.get("data") or {}).get("object")) or {}
        details = stripe_onramp.session_details(session)
        card = self.search(
            [
                ("provider_id", "=", provider.id),
                ("kind", "=", "card"),
                ("name", "=", details["id"]),
            ],
            limit=1,
        )
        if not card:
            return card, False
        receipt = {name: details[name] for name in ("final_amount", "exchange_fee", "gas_fee")}
        if details["destination_tx_hash"]:
            receipt["destination_tx_hash"] = details["destination_tx_hash"]
        created = event.get("created")
        # Stripe's event times are in seconds: within one second, the later step of the
        # session's flow is the newer event.
        rank = [code for code, _label in STATES].index(details["state"]) if details["state"] else 0
        return card, card._apply(
            {
                "event_created_at": f"{int(created):012d}.{rank}" if str(created).isdigit() else "",
                "event_object_status": details["state"] or None,
                "event_object": {"receipt": receipt},
            }
        )

    @api.model
    def _instruction_vals(self, answer):
        # Every name deposit_instructions() gives is a field of this record.
        return bridge.deposit_instructions(answer)

    def _apply(self, event):
        """Bridge says this transfer moved: keep its newest state and receipt (an event older
        than the last applied changes nothing), and bind the stablecoin transaction it
        reports to the invoice. Returns whether the event was applied."""
        self.ensure_one()
        created = str(event.get("event_created_at") or "")
        if self.last_event_at and created <= self.last_event_at:
            return False
        obj = event.get("event_object") or {}
        status = event.get("event_object_status") or obj.get("state")
        receipt = obj.get("receipt") or {}
        vals = {"last_event_at": created}
        if status in dict(STATES):
            vals["state"] = status
        for name in ("final_amount", "exchange_fee", "developer_fee", "gas_fee"):
            if receipt.get(name) is not None:
                vals[name] = str(receipt[name])
        tx_hash = receipt.get("destination_tx_hash")
        if isinstance(tx_hash, str) and tx_hash:
            vals["destination_tx_hash"] = tx_hash.lower()
            # The receipts' link to their on-ramp transfer is computed, not stored.
            self.env["stablecoin.transfer"].invalidate_model(["onramp_transfer_id"])
        self.write(vals)
        self._follow()
        if self.destination_tx_hash:
            self._bind_destination()
        return True

    @api.model
    def _from_activity(self, event, provider):
        """A deposit into the business's bank account at Bridge (a ``virtual_account.activity``
        event): its record, found by the deposit id or made, with the invoice its memo names
        (the invoice's payment reference). Returns whether the event was applied."""
        details = bridge.activity_details(event.get("event_object") or {})
        if not details["deposit_id"]:
            return False
        name = f"deposit {details['deposit_id']}"
        deposit = self.search([("provider_id", "=", provider.id), ("name", "=", name)], limit=1)
        if not deposit:
            invoice = self._invoice_named_by(details["memo"], provider.company_id)
            deposit = self.create(
                {
                    "name": name,
                    "kind": "deposit",
                    "provider_id": provider.id,
                    "account_id": provider._stablecoin_onramp_account().id,
                    "move_id": invoice.id,
                    "request_id": invoice.stablecoin_request_id.id,
                    "idempotency_key": f"{provider.id}-{name}",
                    "memo": details["memo"][:200],
                    "sender_name": details["sender_name"][:200],
                    "sender_bank_routing_number": details["sender_bank_routing_number"][:50],
                    "amount": details["amount"],
                    "currency": (event.get("event_object") or {}).get("currency", "").upper(),
                    "payment_rail": details["payment_rail"],
                }
            )._checkout()
        state = details["type"] if details["type"] in dict(STATES) else None
        receipt = {
            name: details[name]
            for name in ("final_amount", "exchange_fee", "developer_fee", "gas_fee")
        }
        if details["destination_tx_hash"]:
            receipt["destination_tx_hash"] = details["destination_tx_hash"]
        return deposit._apply(
            {
                "event_created_at": event.get("event_created_at"),
                "event_object_status": state,
                "event_object": {"receipt": receipt},
            }
        )

    @api.model
    def _invoice_named_by(self, memo, company):
        """The open stablecoin invoice of ``company`` whose payment reference the wire's memo
        carries (banks add words around it, change its case)."""
        text = " ".join((memo or "").upper().split())
        if not text:
            return self.env["account.move"]
        candidates = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("stablecoin_request_id", "!=", False),
                ]
            )
        )
        named = candidates.filtered(lambda m: (m.payment_reference or m.name or "").upper() in text)
        # Two references inside one memo (INV/1 in INV/10): the longest is the one meant.
        return named.sorted(lambda m: -len(m.payment_reference or m.name or ""))[:1]

    def _bind_destination(self):
        """The stablecoins Bridge reported sending pay this invoice: the receipts of that
        transaction to the invoice's address answer its request (the watcher may have seen
        them already, or will; the matcher pays them once final)."""
        for onramp in self.filtered(lambda o: o.destination_tx_hash and o.request_id):
            onramp.request_id._expect(onramp.destination_tx_hash, onramp.display_name)
