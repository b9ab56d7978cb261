# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.stablecoin_wallet.chain import TRANSFER_TOPIC, decode_transfer_log
from odoo.addons.stablecoin_wallet.chain.logs import MalformedLog
from odoo.addons.stablecoin_wallet.chain.proof import claim_message, signed_by
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError


class ClaimNotMinedYet(UserError):
    """The transaction is not (yet) known on the invoice's networks: worth asking again."""


TX_HASH = re.compile(r"^0x[0-9a-f]{64}$")
TX_ID = re.compile(r"^[0-9a-f]{64}$")  # Tron writes transaction ids without 0x
# Claims are read from the chain (an RPC call or three each): bounded per invoice and per client.
# A client's own limit comes first, and only well-formed claims count: junk from one client
# cannot use up an invoice's claims and lock its real payer out.
CLAIM_WINDOW = timedelta(minutes=10)
CLAIMS_PER_CLIENT = 10
CLAIMS_PER_INVOICE = 30


class StablecoinPaymentClaim(models.Model):
    """The payer says "I paid this invoice with transaction 0x…".

    The server reads that transaction's receipt and logs from the chain itself, never the
    browser's word: each transfer of an accepted token to one of this invoice's receiving
    addresses is recorded (once, as the watcher would). A transaction hash is public (every
    explorer shows it), so naming one proves nothing about who paid: on a shared address the
    claim binds a transfer to the invoice only with a proof that the claimant is its sender
    (a message naming the invoice and the transaction, signed by the sending address's
    wallet), or when that sender already paid this customer's invoices. Without either, the
    claim is a suggestion the accountant sees on the receipt, and binds nothing. On the
    invoice's own address the address is the proof. The matcher pays a bound transfer once it
    is final, as any other.
    """

    _name = "stablecoin.payment.claim"
    _description = "Stablecoin Payment Claim"
    _order = "id desc"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    tx_hash = fields.Char(string="Transaction", readonly=True)
    client_key = fields.Char(readonly=True, index=True, help="A hash of the client's address.")
    state = fields.Selection(
        [("bound", "Bound"), ("suggested", "Suggested to the accountant"), ("refused", "Refused")],
        required=True,
        readonly=True,
    )
    proof = fields.Selection(
        [
            ("address", "The invoice's own address"),
            ("signature", "Signed by the sender"),
            ("earlier_payer", "The sender paid this customer before"),
        ],
        readonly=True,
        help="What showed the claimant is the payer; none: the claim only suggests.",
    )
    message = fields.Text(readonly=True)
    transfer_ids = fields.Many2many("stablecoin.transfer", string="Transfers", readonly=True)

    @api.model
    def _submit(self, invoice, tx_hash, client_key=None, signature=None):
        """Check the claim of ``tx_hash`` for ``invoice`` (``signature``: the sender's, of
        :func:`claim_message`); return the claim, bound or suggested.

        Raises :class:`UserError` with the reason when it binds or suggests nothing; the
        refusal of a well-formed hash is kept (it counts against the rate limits)."""
        invoice.ensure_one()
        tx_hash = self._normalize_tx_hash(tx_hash)
        self._check_rate(invoice, client_key)
        vals = {"move_id": invoice.id, "tx_hash": tx_hash, "client_key": client_key}
        try:
            with self.env.cr.savepoint():
                transfers, message, proof = self._bind_transaction(invoice, tx_hash, signature)
        except UserError as exc:
            self.sudo().create({**vals, "state": "refused", "message": str(exc)})
            raise
        claim = self.sudo().create(
            {
                **vals,
                "state": "bound" if proof else "suggested",
                "proof": proof or False,
                "message": message,
                "transfer_ids": transfers.ids,
            }
        )
        if proof:
            claim._on_bound()
        return claim

    def _on_bound(self):
        """Hook: this claim just bound its transfers. Nothing here (``stablecoin_compliance``
        screens their senders and may hold the claim)."""
        return True

    @api.model
    def _check_rate(self, invoice, client_key):
        since = fields.Datetime.now() - CLAIM_WINDOW
        Claim = self.sudo()
        if (
            client_key
            and Claim.search_count([("client_key", "=", client_key), ("create_date", ">=", since)])
            >= CLAIMS_PER_CLIENT
        ) or (
            Claim.search_count([("move_id", "=", invoice.id), ("create_date", ">=", since)])
            >= CLAIMS_PER_INVOICE
        ):
            raise UserError(
                self.env._("Too many payment claims in a short time: try again in a few minutes.")
            )

    @api.model
    def _normalize_tx_hash(self, tx_hash):
        """``tx_hash`` as kept (0x + 64 lowercase hex digits); a malformed one is refused
        here, before anything is read or counted."""
        tx_hash = str(tx_hash or "").strip().lower()
        if TX_ID.match(tx_hash):
            tx_hash = "0x" + tx_hash  # a Tron transaction id: the same hash without 0x
        if not TX_HASH.match(tx_hash):
            raise UserError(
                self.env._(
                    "Transaction hash: expected 0x followed by 64 hexadecimal characters (on "
                    "Tron, the 64-character transaction id), as your wallet shows it."
                )
            )
        return tx_hash

    @api.model
    def _bind_transaction(self, invoice, tx_hash, signature=None):
        if invoice.state != "posted" or not invoice.stablecoin_request_ids:
            raise UserError(self.env._("This invoice takes no stablecoin payment."))
        if invoice.stablecoin_request_id.state == "rejected":
            raise UserError(self.env._("You rejected this invoice: it takes no payment."))
        addresses = {a.address: a for a in invoice.stablecoin_request_ids.address_id}
        tokens = invoice._stablecoin_tokens() | invoice.stablecoin_request_ids.token_id
        current = invoice.stablecoin_request_id.network_id
        networks = current | (tokens.network_id - current)
        for network in networks:
            found = self._read_transaction(network, tx_hash)
            if found:
                break
        else:
            raise ClaimNotMinedYet(
                self.env._(
                    "Transaction %(tx)s is not known on %(networks)s. If you have just sent "
                    "it, wait until it is mined and try again; a transaction on another network "
                    "cannot pay this invoice.",
                    tx=tx_hash,
                    networks=", ".join(networks.mapped("name")),
                )
            )
        receipt, head, _client = found
        if int(receipt.get("status") or "0x0", 16) != 1:
            raise UserError(
                self.env._("Transaction %s failed on chain: it moved no tokens.", tx_hash)
            )
        by_contract = {t.contract_address: t for t in tokens if t.network_id == network}
        logs = []
        for log in receipt.get("logs") or []:
            try:
                if str((log.get("topics") or [""])[0]).lower() != TRANSFER_TOPIC:
                    continue
                decoded = decode_transfer_log(log)
            except (MalformedLog, AttributeError, TypeError, ValueError):
                continue
            if decoded.token in by_contract and decoded.recipient in addresses:
                logs.append(decoded)
        if not logs:
            raise UserError(
                self.env._(
                    "Transaction %s sends no accepted token to this invoice's receiving address.",
                    tx_hash,
                )
            )
        # An invoice's own address no longer scanned (paid long ago): watched again, so that
        # this payment is recorded like any.
        retired = (
            self.env["stablecoin.address"]
            .sudo()
            .browse(
                {addresses[log.recipient].id for log in logs if not addresses[log.recipient].active}
            )
        )
        retired.write({"active": True})
        Transfer = self.env["stablecoin.transfer"].sudo()
        # Recorded exactly as the watcher records them (once per transaction and log index).
        Transfer._record_transfers(
            network, logs, by_contract, self._watched_addresses(network), head=head
        )
        found = Transfer.search(
            [
                ("network_id", "=", network.id),
                ("tx_hash", "=", tx_hash),
                ("log_index", "in", [log.log_index for log in logs]),
            ]
        )
        return self._bind_transfers(invoice, found, signature)

    @api.model
    def _read_transaction(self, network, tx_hash):
        """(receipt, head, client) of ``tx_hash`` on ``network``, or None if it has none."""
        try:
            client = network.sudo()._rpc_client()
            network._check_chain_id(client)
            receipt = client.call("eth_getTransactionReceipt", tx_hash)
            if not isinstance(receipt, dict):
                return None
            return receipt, client.block_number(), client
        except RpcError as exc:
            raise UserError(
                self.env._(
                    "The %(network)s network cannot be reached right now (%(error)s): try "
                    "again in a minute.",
                    network=network.name,
                    error=exc,
                )
            ) from exc

    @api.model
    def _watched_addresses(self, network):
        watched = [("active", "=", True), ("wallet_id.network_kind", "=", network.kind)]
        Address = self.env["stablecoin.address"].sudo().with_context(active_test=False)
        return {a.address: a for a in Address.search(watched)}

    @api.model
    def _message_for(self, invoice, tx_hash):
        """What the sender's wallet signs to prove this claim (shown on the invoice page)."""
        return claim_message(invoice.company_id.name, invoice.name, tx_hash)

    @api.model
    def _proof_of_sender(self, invoice, transfer, signature):
        """How the claimant of ``transfer`` for ``invoice`` shows they sent it, or None."""
        own = invoice.stablecoin_request_ids.address_id.filtered(
            lambda a: a.wallet_id.kind in ("xpub", "deposit")
        )
        if transfer.address_id in own:
            return "address"
        if (
            signature
            and transfer.token_id._family().supports_browser_wallet
            and signed_by(self._message_for(invoice, transfer.tx_hash), signature, transfer.sender)
        ):
            return "signature"
        # Paid (or, in this very transaction, exactly paying) an invoice of this customer.
        partner = invoice.commercial_partner_id.id
        paid_before = self.env["stablecoin.transfer"].search_count(
            [
                ("sender", "=", transfer.sender),
                ("direction", "=", "in"),
                ("state", "in", ("seen", "confirmed", "matched")),
                ("id", "!=", transfer.id),
                "|",
                ("move_id.commercial_partner_id", "=", partner),
                ("request_id.move_id.commercial_partner_id", "=", partner),
            ],
            limit=1,
        )
        return "earlier_payer" if paid_before else None

    @api.model
    def _bind_transfers(self, invoice, transfers, signature=None):
        """Bind what the claim proves, suggest what it does not; returns (transfers, message,
        proof) where proof is False when the claim only suggests."""
        bound, suggested, notes, refusals, proofs = (
            transfers.browse(),
            transfers.browse(),
            [],
            [],
            set(),
        )
        partner = invoice.commercial_partner_id
        for transfer in transfers.sorted("log_index"):
            owner = transfer.request_id.move_id or transfer.move_id
            if transfer.state == "ignored":
                refusals.append(
                    self.env._(
                        "%(amount)s %(symbol)s is not a payment (%(reason)s).",
                        amount=transfer.amount,
                        symbol=transfer.token_id.symbol,
                        reason=dict(transfer._fields["ignore_reason"].selection).get(
                            transfer.ignore_reason
                        ),
                    )
                )
            elif transfer.state == "reverted":
                refusals.append(self.env._("The transfer is no longer on chain."))
            elif owner == invoice:
                bound |= transfer
                proofs.add("address" if transfer.bound_by == "address" else "earlier_payer")
            elif owner and owner.commercial_partner_id == partner:
                # One transaction paying several invoices of one customer: this transfer is
                # exactly what another of their invoices asks.
                notes.append(owner.name)
                bound |= transfer
                proofs.add("earlier_payer")
            elif owner or transfer.payment_id:
                refusals.append(
                    self.env._(
                        "The transfer of %(amount)s %(symbol)s already pays another invoice.",
                        amount=transfer.amount,
                        symbol=transfer.token_id.symbol,
                    )
                )
            elif proof := self._proof_of_sender(invoice, transfer, signature):
                # An unmatched receipt its sender claims: back to the matcher, which pays it
                # at its next run.
                request = invoice.stablecoin_request_id or invoice.stablecoin_request_ids[:1]
                request._bind(transfer, "claim")
                bound |= transfer
                proofs.add(proof)
            else:
                # Anyone can read a transaction hash on an explorer: without a proof, the
                # accountant decides (the receipt shows whose invoice it is said to pay).
                if not transfer.suggested_move_id:
                    transfer.suggested_move_id = invoice
                suggested |= transfer
        if not bound and not suggested:
            raise UserError(" ".join(refusals))
        if not bound:
            message = self.env._(
                "We found your transfer of %(amount)s %(symbol)s. Anyone can read a transaction "
                "on the chain, so our accountant will confirm it is yours before it is counted "
                "for this invoice. To have it counted now, sign the claim with the wallet that "
                "sent it.",
                amount=sum(suggested.mapped("amount")),
                symbol=suggested.token_id[:1].symbol,
            )
            return suggested, message, False
        bound._schedule_match()
        message = self.env._(
            "Received: %(amount)s %(symbol)s in transaction %(tx)s. This invoice shows it as "
            "paid once the network has confirmed it.",
            amount=sum(bound.filtered(lambda t: t.move_id == invoice).mapped("amount")),
            symbol=bound.token_id[:1].symbol,
            tx=bound[:1].tx_hash,
        )
        if notes:
            message += " " + self.env._("It also pays %s.", ", ".join(notes))
        proof = next(p for p in ("signature", "address", "earlier_payer") if p in proofs)
        return bound | suggested, message, proof
