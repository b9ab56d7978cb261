# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.stablecoin_wallet.chain import format_units, from_units

from ..settlement import pick_tag, unique_tag_room

REQUEST_STATES = [
    ("awaiting", "Awaiting payment"),
    ("seen", "Payment seen"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("expired", "Expired"),
    ("superseded", "Superseded"),
    ("cancelled", "Cancelled"),
]
# A request in these states keeps its exact amount reserved on its address: a transfer of that
# amount there pays its invoice (late if the request expired or was superseded).
RESERVING_STATES = ("awaiting", "seen", "partial", "expired", "superseded")
OPEN_STATES = ("awaiting", "seen", "partial", "expired")


class StablecoinPaymentRequest(models.Model):
    """What an invoice asks the payer to send: token and network, receiving address, exact
    amount in the token's smallest unit, and until when that amount holds.

    An invoice has one current request and the history of the earlier ones. The state is a
    plain stored value set by events (posted, transfer seen, paid in part or in full, expired
    by the scheduled action, superseded by a new request, cancelled with the invoice): nothing
    here reads the clock to decide a stored value.

    On an address shared by several invoices (a wallet's fixed address), no two requests that
    reserve an amount ask for the same one on the same token: the later one gets a small tag
    added in the token's smallest units (see :func:`..settlement.unique_tag_room`), so a
    transfer of exactly the amount asked identifies its invoice. A partial unique index is the
    last guard against two workers picking the same amount.
    """

    _name = "stablecoin.payment.request"
    _description = "Stablecoin Payment Request"
    _order = "id desc"

    # Stored, like the payment URI: a request never changes what it asks, and the invoice page
    # shows them on every view.
    name = fields.Char(compute="_compute_name", store=True)
    amount_text = fields.Char(
        compute="_compute_name",
        store=True,
        string="Amount asked",
        help="Exactly what the payer is asked to send, every digit (the tag included).",
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True)
    token_id = fields.Many2one("stablecoin.token", required=True, ondelete="restrict")
    # Not stored: a foreign key to the network row, which the watcher updates at every scan,
    # would make each new request lock that row (serialization failures in other workers).
    network_id = fields.Many2one(related="token_id.network_id")
    address_id = fields.Many2one("stablecoin.address", required=True, ondelete="restrict")
    address = fields.Char(related="address_id.display_address", string="Receiving Address")
    address_active = fields.Boolean(
        related="address_id.active",
        store=True,
        string="Address Watched",
        help="A request on an address no longer watched is not current (kept on the request: "
        "the invoice page checks it on every view).",
    )
    address_hex = fields.Char(
        related="address_id.address",
        string="Receiving Address (0x)",
        help="The address as the logs carry it (on Tron, the 0x form of the T... address).",
    )
    amount_units = fields.Char(
        required=True,
        string="Amount (token units)",
        index=True,
        help="The exact amount asked, in the token's smallest unit, tag included.",
    )
    shared = fields.Boolean(
        readonly=True, help="The address is shared by several invoices (a fixed address)."
    )
    tag_units = fields.Integer(
        string="Unique Tag (token units)",
        help="Added to the amount so that no other open request on this shared address asks "
        "for the same; below the currency's precision, so the books are unchanged.",
    )
    amount = fields.Monetary(currency_field="token_currency_id", string="Amount (tokens)")
    token_currency_id = fields.Many2one(related="token_id.currency_id", string="Token Currency")
    amount_due = fields.Monetary(
        currency_field="currency_id", help="The invoice's amount due this request covers."
    )
    currency_id = fields.Many2one("res.currency", required=True)
    expires_at = fields.Datetime(
        help="Until when the converted amount holds. Empty: the invoice is in the token's "
        "currency and the amount never expires."
    )
    state = fields.Selection(
        REQUEST_STATES, default="awaiting", required=True, index=True, readonly=True
    )
    transfer_ids = fields.One2many("stablecoin.transfer", "request_id", string="Transfers")
    payment_uri = fields.Char(
        compute="_compute_payment_uri",
        store=True,
        string="Payment URI",
        help="What the payer's wallet reads from the QR code: an EIP-681 URI on EVM networks; "
        "on Tron, which has no payment URI standard, the bare T... address.",
    )

    _sql_constraints = [  # noqa: RUF012
        ("amount_units_positive", "CHECK(amount_units ~ '^[1-9][0-9]*$')", "Amount: positive."),
    ]

    def init(self):
        # One reserved amount per (address, token): what makes a transfer's amount name its
        # invoice on a shared address. Derived (per-invoice) addresses never compete.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS stablecoin_payment_request_amount_reserved "
                "ON stablecoin_payment_request (address_id, token_id, amount_units) "
                "WHERE shared AND state IN %s",
                RESERVING_STATES,
            )
        )

    @api.depends(
        "move_id.name",
        "amount_units",
        "token_id.symbol",
        "token_id.decimals",
        "token_id.currency_id.decimal_places",
    )
    def _compute_name(self):
        for request in self:
            request.amount_text = (
                format_units(
                    int(request.amount_units),
                    request.token_id.decimals,
                    request.token_id.currency_id.decimal_places,
                    grouping=True,
                )
                + f" {request.token_id.symbol}"
                if request.amount_units and request.token_id
                else False
            )
            request.name = f"{request.move_id.name} · {request.amount_text or ''}"

    @api.depends(
        "amount_units",
        "address_id.address",
        "address_id.display_address",
        "token_id.contract_address",
        "token_id.chain_id",
        "token_id.network_kind",
        "network_id.kind",
    )
    def _compute_payment_uri(self):
        for request in self:
            token = request.token_id
            # EVM: an EIP-681 URI; Tron (no payment URI standard): the bare T... address.
            request.payment_uri = (
                token._family().payment_uri(
                    token.contract_address,
                    token.chain_id,
                    request.address_id.address,
                    int(request.amount_units),
                )
                if request.amount_units and token and request.address_id
                else False
            )

    # -- creation ------------------------------------------------------------------------------
    @api.model
    def _new_for(self, move, token, address, units, expires_at=False):
        """A new awaiting request of ``units`` (before its tag) on ``address`` for ``move``."""
        shared = address.derivation_index < 0
        tag = self._free_tag(move, token, address, units) if shared else 0
        asked = units + tag
        if shared:
            # The invoice's own older request of this very amount is replaced by this one.
            move.stablecoin_request_ids.filtered(
                lambda r: (
                    r.address_id == address and r.token_id == token and r.amount_units == str(asked)
                )
            )._cancel()
            self.flush_model(["state"])
        return self.sudo().create(
            {
                "move_id": move.id,
                "shared": shared,
                "token_id": token.id,
                "address_id": address.id,
                "amount_units": str(asked),
                "tag_units": tag,
                "amount": float(from_units(asked, token.decimals)),
                "amount_due": move.amount_residual,
                "currency_id": move.currency_id.id,
                "expires_at": expires_at,
            }
        )

    @api.model
    def _free_tag(self, move, token, address, units):
        """The smallest tag that makes ``units`` unique among the amounts other invoices
        reserve on ``address``."""
        # Serialise the choice per address: two invoices posted at once get different tags.
        self.env.cr.execute(
            SQL("SELECT id FROM stablecoin_address WHERE id = %s FOR UPDATE", address.id)
        )
        room = unique_tag_room(token.decimals, token.currency_id.decimal_places)
        candidates = [str(units + tag) for tag in range(room + 1)]
        self.flush_model(["address_id", "token_id", "amount_units", "state", "move_id"])
        self.env.cr.execute(
            SQL(
                "SELECT amount_units FROM stablecoin_payment_request WHERE address_id = %s "
                "AND token_id = %s AND state IN %s AND amount_units = ANY(%s) AND move_id != %s",
                address.id,
                token.id,
                RESERVING_STATES,
                candidates,
                move.id,
            )
        )
        taken = {int(row[0]) for row in self.env.cr.fetchall()}
        tag = pick_tag(units, taken, room)
        if tag is None:
            raise UserError(
                self.env._(
                    "Receiving address %(address)s: %(count)s open invoices already ask for "
                    "%(amount)s %(symbol)s there, so another one could not be told apart. "
                    "Use a wallet with an extended public key (one address per invoice) for "
                    "%(symbol)s.",
                    address=address.display_address,
                    count=len(taken),
                    amount=from_units(units, token.decimals),
                    symbol=token.symbol,
                )
            )
        return tag

    # -- events --------------------------------------------------------------------------------
    def _supersede(self):
        """A newer request replaces these (new rate, other token, remainder after a payment).
        Their amounts stay reserved: a payer who follows an old QR code still pays this
        invoice (flagged late)."""
        self.filtered(
            lambda r: r.state in ("awaiting", "seen", "expired")
        ).sudo().state = "superseded"

    def _cancel(self):
        """The invoice takes no more payments through these (draft, cancelled, rejected,
        paid): their amounts are free for other invoices."""
        self.filtered(lambda r: r.state in RESERVING_STATES).sudo().state = "cancelled"

    def _mark_seen(self):
        self.filtered(lambda r: r.state in ("awaiting", "expired")).sudo().state = "seen"

    def _mark_unseen(self):
        """Their transfers were reorganised away: awaiting again."""
        for request in self.filtered(lambda r: r.state == "seen"):
            if not request.transfer_ids.filtered(lambda t: t.state in ("seen", "confirmed")):
                request.sudo().state = "awaiting"

    def _mark_settled(self, fully):
        self.sudo().state = "paid" if fully else "partial"

    @api.model
    def _cron_expire(self):
        """Scheduled (with the matcher): awaiting requests past their expiry are expired."""
        expired = self.search(
            [("state", "=", "awaiting"), ("expires_at", "!=", False)]
            + [("expires_at", "<", fields.Datetime.now())]
        )
        expired.sudo().state = "expired"
        return expired

    def _is_expired(self, at=None):
        self.ensure_one()
        return bool(self.expires_at) and (at or fields.Datetime.now()) > self.expires_at
