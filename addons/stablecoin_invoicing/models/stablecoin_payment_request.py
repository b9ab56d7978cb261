# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.stablecoin_wallet.chain import format_units, from_units, to_units
from odoo.addons.stablecoin_wallet.compat import sql_constraints

from ..settlement import pick_tag, unique_tag_room


class StaleRate(UserError):
    """No exchange rate recent enough to quote an invoice in another currency than its token."""


REQUEST_STATES = [
    ("awaiting", "Awaiting payment"),
    ("seen", "Payment seen"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("expired", "Expired"),
    ("superseded", "Superseded"),
    ("cancelled", "Cancelled"),
    ("rejected", "Rejected"),
]
# A request in these states keeps its exact amount reserved on its address: a transfer of that
# amount there pays its invoice (late if the request expired or was superseded).
RESERVING_STATES = ("awaiting", "seen", "partial", "expired", "superseded")
OPEN_STATES = ("awaiting", "seen", "partial", "expired")
# Which states a request may reach from which (`_set_state`): paid or partly paid from any
# state still reserving its amount (a late payment of a superseded quote included).
TRANSITIONS = {
    "seen": ("awaiting", "expired"),
    "awaiting": ("seen",),
    "expired": ("awaiting",),
    "superseded": ("awaiting", "seen", "expired"),
    "partial": RESERVING_STATES,
    "paid": RESERVING_STATES,
    "cancelled": (*RESERVING_STATES, "rejected"),
    # The payer rejects an invoice nothing was paid on: its current request says why.
    "rejected": ("awaiting", "expired"),
}


@sql_constraints
class StablecoinPaymentRequest(models.Model):
    """What an invoice asks the payer to send: token and network, receiving address, exact
    amount in the token's smallest unit, and until when that amount holds.

    An invoice has one current request and the history of the earlier ones; this model, not
    the invoice, decides when the current one still holds and makes the next one (address,
    wallet, amount in units: ``_refresh_for``, ``_for_invoice``). The state is a plain stored
    value set by events (posted, transfer seen, paid in part or in full, superseded by a new
    request, cancelled with the invoice) and expired only by the scheduled action
    (``_cron_expire``): apart from that action, and the quote window a new request starts at
    its making, nothing here reads the clock to decide a stored value. Whether a request is
    still current (``_is_current_for``) is decided at the time of asking: an awaiting quote
    past its expiry is not, so a page viewed then re-quotes at once.

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
    direction = fields.Selection(
        [("in", "Payment"), ("out", "Refund")],
        default="in",
        required=True,
        readonly=True,
        index=True,
        help="Payment: what the customer is asked to send us. Refund: what a credit note asks "
        "the business to send back to the customer's address.",
    )
    address_id = fields.Many2one(
        "stablecoin.address",
        ondelete="restrict",
        help="Payments: the address the customer sends to (a refund leaves from any of the "
        "company's addresses).",
    )
    recipient = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="Refunds: the address the refund goes to (0x form), confirmed by an accountant.",
    )
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
    rate_date = fields.Date(
        readonly=True,
        help="The date of the exchange rate the converted amount rests on (the older of the "
        "invoice's and the token's currencies' rates). Empty: no conversion.",
    )
    state = fields.Selection(
        REQUEST_STATES, default="awaiting", required=True, index=True, readonly=True
    )
    transfer_ids = fields.One2many("stablecoin.transfer", "request_id", string="Transfers")
    evidence_ids = fields.One2many(
        "stablecoin.payment.evidence", "request_id", string="Expected Transfers", readonly=True
    )
    reject_reason = fields.Text(
        string="Rejection Reason",
        readonly=True,
        help="Why the payer rejected the invoice (portal), when this request was rejected.",
    )
    paid_late = fields.Boolean(
        readonly=True,
        help="A transfer paid this request after its converted amount stopped holding (it had "
        "expired or was superseded): booked at the invoice's amount, flagged for a look.",
    )
    wallet_link = fields.Char(
        compute="_compute_wallet_link",
        string="Wallet App Link",
        help="Where the chain family has one (Tron mainnet: Trust Wallet's send link), the "
        "wallet app's link filled with this request's token, address and amount.",
    )
    payment_qr = fields.Binary(
        compute="_compute_payment_qr",
        string="Payment QR Code",
        help="The payment URI as a QR code, as the customer sees it on the invoice and the page.",
    )
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

    @api.model_create_multi
    def create(self, vals_list):
        """A request is a payment expected on its network: the watcher follows its head
        from now (not from its next scheduled minute)."""
        requests = super().create(vals_list)
        requests.token_id.network_id._follow_soon()
        return requests

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
        "recipient",
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
            to = request.recipient if request.direction == "out" else request.address_id.address
            # EVM: an EIP-681 URI; Tron (no payment URI standard): the bare T... address.
            request.payment_uri = (
                token._family().payment_uri(
                    token.contract_address, token.chain_id, to, int(request.amount_units)
                )
                if request.amount_units and token and to
                else False
            )

    def _asks_now(self):
        """This request still asks the payer for its amount: an old one's QR code could pay
        another invoice now asking the same amount on a shared address."""
        self.ensure_one()
        return self.direction == "out" or self.state in ("awaiting", "seen", "partial")

    @api.depends("payment_uri", "address_id.address", "state")
    def _compute_wallet_link(self):
        for request in self:
            token = request.token_id
            link = False
            if request.direction == "in" and request.payment_uri and request._asks_now():
                amount = format_units(int(request.amount_units), token.decimals, 0)
                link = token._family().wallet_link(
                    token.contract_address, token.chain_id, request.address_id.address, amount
                )
            request.wallet_link = link or False

    @api.depends("payment_uri", "state")
    def _compute_payment_qr(self):
        Move = self.env["account.move"]
        for request in self:
            uri = request._asks_now() and request.payment_uri
            request.payment_qr = Move._stablecoin_qr_for(uri).split(",", 1)[1] if uri else False

    @api.constrains("direction", "address_id", "recipient")
    def _check_direction(self):
        for request in self:
            if request.direction == "in" and not request.address_id:
                raise ValidationError(self.env._("Receiving Address: a payment request needs one."))
            if request.direction == "out" and not request.recipient:
                raise ValidationError(self.env._("Refund To: a refund request needs an address."))

    # -- the invoice's current request: when it still holds, when a new one is made ----------
    # The request decides its own life; ``account.move`` asks (posting, the page, a payment,
    # the payer's token switch). The caller checks the user's rights on the invoice (the
    # portal's access token, the form's own rights); each entry here then sudoes once: these
    # write requests, addresses and the invoice's pointers to them.

    def _is_current_for(self, invoice):
        """This request (at most one; empty: none) still asks for what ``invoice`` has due now:
        open, not an awaiting quote past its expiry, for the residual unchanged, on an address
        still watched. Decided now, at each call: the stored state changes by events only
        (expiry by ``_cron_expire``)."""
        return (
            len(self) == 1
            and invoice.state == "posted"
            and self.address_active
            and self.state in ("awaiting", "seen", "partial")
            and not (self.state == "awaiting" and self._is_expired())
            and invoice.currency_id.compare_amounts(self.amount_due, invoice.amount_residual) == 0
        )

    @api.model
    def _refresh_for(self, invoices):
        """Make sure each posted sale invoice with a pay-in token has a current request: a new
        one when the last expired, was paid in part, or no longer prices the amount due; none
        (all cancelled) once nothing is due; none while the invoice stands rejected.

        Called when the request is shown (portal, posting, emails) and after each payment."""
        requests_sudo = self.sudo()
        for invoice in invoices.sudo().filtered(
            lambda m: m.stablecoin_token_id and m.state == "posted" and m.is_sale_document()
        ):
            if invoice.stablecoin_request_id._is_current_for(invoice):
                continue
            if invoice.payment_state in ("paid", "in_payment", "reversed") or not (
                invoice.amount_residual
            ):
                # A rejection stands until the invoice is reset to draft (`_cancel_for`).
                invoice.stablecoin_request_ids.filtered(lambda r: r.state != "rejected")._cancel()
                continue
            if invoice.stablecoin_request_id.state == "rejected":
                continue
            try:
                requests_sudo._for_invoice(invoice, invoice.stablecoin_token_id)
            except StaleRate as stale:
                # Nothing quoted on an old rate: the page says so, the salesperson is asked.
                invoice._stablecoin_ask_for_rates(stale.args[0])

    @api.model
    def _for_invoice(self, invoice, token):
        """A new request for what ``invoice`` has due, in ``token``: its current one is
        superseded. A quote in another currency than the invoice's holds for the company's
        quote minutes."""
        requests_sudo, invoice_sudo = self.sudo(), invoice.sudo()
        address = requests_sudo._address_for(invoice_sudo, token)
        expires = rate_date = False
        if token.currency_id != invoice_sudo.currency_id:
            rate_date = requests_sudo._check_rate_fresh(invoice_sudo, token)
            minutes = invoice_sudo.company_id.stablecoin_quote_minutes or 15
            expires = fields.Datetime.now() + timedelta(minutes=minutes)
        units = requests_sudo._units_for(invoice_sudo, invoice_sudo.amount_residual, token)
        invoice_sudo.stablecoin_request_id._supersede()
        request = requests_sudo._new_for(invoice_sudo, token, address, units, expires, rate_date)
        invoice_sudo.stablecoin_request_id = request
        return request.with_env(self.env)

    @api.model
    def _select_token_for(self, invoice, token):
        """The payer (portal) or an integrator (the invoice's write) picks another accepted
        token/network of posted ``invoice``: a new address and quote in it, or a refusal that
        names the field."""
        self._check_token_for(invoice, token)
        if token == invoice.stablecoin_token_id:
            return self._for_invoice(invoice, token)
        invoice.sudo().stablecoin_token_id = token  # the invoice's write asks for a request
        return invoice.stablecoin_request_id

    @api.model
    def _check_token_for(self, invoice, token):
        """Refuse, naming the field, a pay-in token posted ``invoice`` cannot be asked in."""
        invoice.ensure_one()
        if not token:
            raise UserError(
                self.env._(
                    "Pay-in Token: a posted invoice keeps its token; reset %s to draft to "
                    "remove it.",
                    invoice.display_name,
                )
            )
        if token not in invoice.stablecoin_token_ids:
            raise UserError(
                self.env._(
                    "Pay-in Token: %(token)s is not accepted for %(invoice)s.",
                    token=token.display_name,
                    invoice=invoice.display_name,
                )
            )
        if (
            invoice.state != "posted"
            or invoice.payment_state not in ("not_paid", "partial")
            or invoice.stablecoin_payment_status in ("paid", "paid_late", "overpaid", "rejected")
        ):
            raise UserError(
                self.env._("Pay-in Token: %s takes no more payments.", invoice.display_name)
            )

    @api.model
    def _cancel_for(self, invoices):
        """``invoices`` take no more payments (cancelled, reset to draft, rejected): all their
        requests are cancelled, their amounts free for other invoices."""
        invoices.sudo().stablecoin_request_ids._cancel()

    @api.model
    def _address_for(self, invoice, token):
        """The receiving address for ``token``: the invoice's own one when its wallet takes the
        token, else one from a wallet of the company that does (derived or fixed), kept on the
        invoice."""
        invoice_sudo = invoice.sudo()
        invoice_sudo.ensure_one()
        wallet = invoice_sudo.stablecoin_wallet_id
        own = invoice_sudo.stablecoin_request_id.address_id
        if wallet and token in wallet.token_ids and own.wallet_id == wallet and own.active:
            return own
        wallet = self._wallet_for(invoice_sudo, token)
        # Back to a wallet this invoice already had an address of (the payer switching
        # tokens to and fro): the same address, not one more derived child each time.
        earlier = invoice_sudo.stablecoin_request_ids.address_id.filtered(
            lambda a: a.wallet_id == wallet and a.active
        )[:1]
        per_invoice = wallet.kind in ("xpub", "deposit")
        address = earlier if per_invoice and earlier else wallet._new_receiving_address()
        if not address:
            raise UserError(self.env._("Wallet %s has no receiving address.", wallet.name))
        invoice_sudo.stablecoin_wallet_id = wallet
        return address

    @api.model
    def _wallet_for(self, invoice, token):
        """The wallet that receives ``token`` for ``invoice``: its own when it takes the token,
        else the first of its company's that does; a refusal naming the setting when none."""
        invoice_sudo = invoice.sudo()
        invoice_sudo.ensure_one()
        wallet = invoice_sudo.stablecoin_wallet_id
        if wallet and token in wallet.token_ids:
            return wallet
        wallet = invoice_sudo.env["stablecoin.wallet"].search(
            [("company_id", "=", invoice_sudo.company_id.id), ("token_ids", "in", token.id)],
            limit=1,
        )
        if not wallet:
            raise UserError(
                self.env._(
                    "No receiving wallet of %(company)s accepts %(token)s: add one in "
                    "Accounting > Configuration > Stablecoins > Receiving Wallets.",
                    company=invoice_sudo.company_id.name,
                    token=token.display_name,
                )
            )
        return wallet

    @api.model
    def _rate_dates(self, invoice, token):
        """{currency: date of its latest rate up to today, or False} for the invoice's and the
        token's currencies other than the company's. A token currency with no rate at all is
        pegged to the company's currency (USDC in a company keeping its books in USD)."""
        company = invoice.company_id
        today = fields.Date.context_today(invoice)
        Rate = self.env["res.currency.rate"].sudo()
        dates = {}
        for currency in (invoice.currency_id | token.currency_id) - company.currency_id:
            rate = Rate.search(
                [
                    ("currency_id", "=", currency.id),
                    ("name", "<=", today),
                    ("company_id", "in", [company.root_id.id, False]),
                ],
                order="name desc",
                limit=1,
            )
            if rate:
                dates[currency] = rate.name
            elif Rate.search_count([("currency_id", "=", currency.id)], limit=1) or not (
                self.env["stablecoin.token"]
                .sudo()
                .search_count([("currency_id", "=", currency.id)], limit=1)
            ):
                dates[currency] = False
        return dates

    @api.model
    def _check_rate_fresh(self, invoice, token):
        """The date of the rates a quote of ``invoice`` in ``token`` rests on; a refusal naming
        the currency when one is older than the company's maximum rate age."""
        today = fields.Date.context_today(invoice)
        max_days = invoice.company_id.stablecoin_rate_max_days or 4
        dates = self._rate_dates(invoice, token)
        for currency, date in dates.items():
            if not date or (today - date).days > max_days:
                raise StaleRate(
                    self.env._(
                        "Exchange rate: the latest rate of %(currency)s is %(date)s, older than "
                        "the %(days)s days allowed (Maximum Rate Age), so %(invoice)s cannot be "
                        "quoted in %(token)s. Update the rates in Accounting > Configuration > "
                        "Currencies.",
                        currency=currency.name,
                        date=date or self.env._("missing"),
                        days=max_days,
                        invoice=invoice.display_name,
                        token=token.symbol,
                    )
                )
        return min(dates.values()) if dates else today

    @api.model
    def _units_for(self, invoice, amount, token, date=None):
        """``amount`` of ``invoice``'s currency in smallest units of ``token``, at the rate of
        ``date`` (default: today), rounded to the token currency's decimals first."""
        invoice.ensure_one()
        converted = invoice.currency_id._convert(
            amount,
            token.currency_id,
            invoice.company_id,
            date or fields.Date.context_today(invoice),
        )
        rounded = token.currency_id.round(converted)
        text = f"{rounded:.{token.currency_id.decimal_places}f}"
        return to_units(Decimal(text), token.decimals)

    # -- creation ------------------------------------------------------------------------------
    @api.model
    def _new_for(self, move, token, address, units, expires_at=False, rate_date=False):
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
                "rate_date": rate_date,
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
    def _set_state(self, state):
        """Move these requests to ``state`` from the states it may follow (``TRANSITIONS``);
        the others stay as they are. The one write of a request's state: users read requests,
        the events of the code that pays invoices change them."""
        movable = self.filtered(lambda r: r.state in TRANSITIONS[state])
        if movable:
            movable.sudo().write({"state": state})
        return movable

    def _supersede(self):
        """A newer request replaces these (new rate, other token, remainder after a payment).
        Their amounts stay reserved: a payer who follows an old QR code still pays this
        invoice (flagged late)."""
        return self._set_state("superseded")

    def _cancel(self):
        """The invoice takes no more payments through these (draft, cancelled, rejected,
        paid): their amounts are free for other invoices."""
        return self._set_state("cancelled")

    def _reject(self, reason):
        """The payer rejects the invoice of this (current) request: it asks no more, and says
        why. Returns whether it could (only a request nothing was paid on)."""
        self.ensure_one()
        rejected = self._set_state("rejected")
        if rejected:
            rejected.sudo().reject_reason = reason
        return bool(rejected)

    def _mark_paid_late(self):
        """A transfer paid these requests after their quote stopped holding."""
        self.sudo().paid_late = True

    def _mark_seen(self):
        return self._set_state("seen")

    def _mark_unseen(self):
        """Their transfers were reorganised away: awaiting again."""
        return self.filtered(
            lambda r: not r.transfer_ids.filtered(lambda t: t.state in ("seen", "confirmed"))
        )._set_state("awaiting")

    def _mark_settled(self, fully):
        return self._set_state("paid" if fully else "partial")

    @api.model
    def _cron_expire(self):
        """Scheduled (with the matcher): awaiting requests past their expiry are expired."""
        return self.search(
            [("state", "=", "awaiting"), ("expires_at", "!=", False)]
            + [("expires_at", "<", fields.Datetime.now())]
        )._set_state("expired")

    @api.model
    def _cron_retire_addresses(self):
        """Scheduled (daily): stop scanning an invoice's own addresses (extended public key,
        deposit addresses) once no request on them asks anything and the last one ended more
        than the company's watch days ago. Shared addresses are always watched."""
        Address = self.env["stablecoin.address"].sudo()
        candidates = Address.search(
            [
                ("active", "=", True),
                ("derivation_index", ">=", 0),
                ("wallet_id.kind", "!=", "address"),
            ]
        )
        requests = self.sudo().search([("address_id", "in", candidates.ids)])
        now = fields.Datetime.now()
        by_address = {}
        for request in requests:
            by_address.setdefault(request.address_id, self.sudo().browse())
            by_address[request.address_id] |= request
        retired = Address
        for address, asked in by_address.items():
            if any(r.state in OPEN_STATES for r in asked):
                continue
            days = address.company_id.stablecoin_watch_days or 90
            if max(asked.mapped("write_date")) < now - timedelta(days=days):
                retired |= address
        retired.write({"active": False})
        return retired

    def _is_expired(self, at=None):
        self.ensure_one()
        return bool(self.expires_at) and (at or fields.Datetime.now()) > self.expires_at

    # -- refunds: a credit note's request the other way ---------------------------------------
    @api.model
    def _refund_for(self, credit_note):
        """The refund request of posted ``credit_note``: its amount due in its refund token, to
        its confirmed refund address; its earlier refund requests are cancelled. Made only by
        the accountant's confirmation of the address (after the compliance screening)."""
        credit_note = credit_note.sudo()
        token = credit_note.stablecoin_refund_token_id
        credit_note.stablecoin_request_ids.filtered(lambda r: r.direction == "out")._cancel()
        units = self._units_for(credit_note, credit_note.amount_residual, token)
        return self.sudo().create(
            {
                "move_id": credit_note.id,
                "direction": "out",
                "token_id": token.id,
                "recipient": credit_note.stablecoin_refund_address,
                "amount_units": str(units),
                "amount": float(from_units(units, token.decimals)),
                "amount_due": credit_note.amount_residual,
                "currency_id": credit_note.currency_id.id,
            }
        )

    @api.model
    def _refund_paid_by(self, transfer):
        """The open refund requests a transfer out of our wallet pays: same token, recipient
        and exact amount (an indexed lookup, as receipts' amounts are)."""
        return self.sudo().search(
            [
                ("direction", "=", "out"),
                ("state", "=", "awaiting"),
                ("token_id", "=", transfer.token_id.id),
                ("recipient", "=", transfer.recipient),
                ("amount_units", "=", str(transfer.amount_units)),
                ("move_id.state", "=", "posted"),
            ]
        )

    # -- binding: which request a transfer answers ------------------------------------------
    # The one seam through which a transfer comes to pay an invoice: the watcher's receipts
    # (`_bind_receipts`), an on-ramp's report of what it sent (`_expect`), the payer's claim.
    # A new rail (deposit addresses, mandates, references) adds its evidence here.
    @api.model
    def _bind_receipts(self, receipts):
        """Bind new receipts to the request each answers, strongest evidence first: a
        transaction the request expects (an on-ramp's report: whatever the amount), its own
        address (an invoice's derived address: any amount, several parts), its exact amount
        (a shared address: the one open request asking it). One query per kind of evidence
        for the whole batch, and the receipts' columns read in one query, not record by
        record (a scan records thousands, few of which answer a request). Returns the
        receipts bound."""
        if not receipts:
            return receipts
        Transfer = self.env["stablecoin.transfer"].sudo()
        Transfer.flush_model(["direction", "state", "request_id", "address_id", "token_id"])
        self.env["stablecoin.address"].flush_model(["wallet_id", "derivation_index"])
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, t.tx_hash, t.address_id, t.token_id, t.amount_units,
                       a.wallet_id, a.derivation_index
                  FROM stablecoin_transfer t
                  JOIN stablecoin_address a ON a.id = t.address_id
                 WHERE t.id = ANY(%s) AND t.direction = 'in'
                   AND t.state IN ('seen', 'confirmed') AND t.request_id IS NULL
                 ORDER BY t.block_number, t.log_index, t.id
                """,
                receipts.ids,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return receipts.browse()
        found = {}
        expected = self._expected_by_hashes({row[1] for row in rows})
        for row_id, tx_hash, _address, _token, _units, wallet_id, _index in rows:
            if (tx_hash, wallet_id) in expected:
                found[row_id] = (expected[tx_hash, wallet_id], "tx_hash")
        waiting = [row for row in rows if row[0] not in found]
        candidates = self.sudo().search(
            [
                ("address_id", "in", list({row[2] for row in waiting})),
                ("token_id", "in", list({row[3] for row in waiting})),
                ("state", "in", RESERVING_STATES),
                ("move_id.state", "=", "posted"),
            ],
            order="id desc",
        )
        shared = {(r.address_id.id, r.token_id.id, r.amount_units): r for r in candidates}
        own = {}
        for request in candidates.filtered(lambda r: not r.shared):
            own.setdefault(request.address_id.id, request)  # the newest first
        Token = self.env["stablecoin.token"]
        for row_id, _tx, address_id, token_id, units, _wallet, index in waiting:
            if (index or 0) >= 0:  # (as the ORM reads an empty one: 0)
                request = own.get(address_id)
                if request and Token.browse(token_id) in request.move_id._stablecoin_tokens():
                    found[row_id] = (request, "address")
            elif (address_id, token_id, units) in shared:
                found[row_id] = (shared[address_id, token_id, units], "amount")
        bound = receipts.browse()
        for row_id, (request, how) in found.items():
            transfer = receipts.browse(row_id)
            request._bind(transfer, how)
            bound |= transfer
        return bound

    @api.model
    def _expected_by(self, receipts):
        """{(transaction hash, wallet id): request} of the open requests expecting these
        receipts' transactions in their own wallet: at the request's address, or (a deposit
        wallet) at the wallet's own address, where a bank account at an on-ramp delivers."""
        return self._expected_by_hashes(set(receipts.mapped("tx_hash")))

    @api.model
    def _expected_by_hashes(self, tx_hashes):
        """:meth:`_expected_by` for the transactions ``tx_hashes``."""
        evidence = (
            self.env["stablecoin.payment.evidence"]
            .sudo()
            .search(
                [
                    ("kind", "=", "tx_hash"),
                    ("value", "in", list(tx_hashes)),
                    ("request_id.move_id.state", "=", "posted"),
                ]
            )
        )
        return {(e.value, e.request_id.address_id.wallet_id.id): e.request_id for e in evidence}

    def _expect(self, tx_hash, origin):
        """``origin`` (an on-ramp) reports sending this request's payment in transaction
        ``tx_hash``: its receipts to this request's wallet (its address, or a deposit wallet's
        own address) pay this request's invoice, whatever their amount; those the watcher
        already recorded are bound now (the matcher pays them once final). Returns them."""
        self.ensure_one()
        tx_hash = tx_hash.strip().lower()
        Evidence = self.env["stablecoin.payment.evidence"].sudo()
        known = [("request_id", "=", self.id), ("kind", "=", "tx_hash"), ("value", "=", tx_hash)]
        if not Evidence.search_count(known, limit=1):
            Evidence.create(
                {"request_id": self.id, "kind": "tx_hash", "value": tx_hash, "origin": origin}
            )
        receipts = (
            self.env["stablecoin.transfer"]
            .sudo()
            .search(
                [
                    ("tx_hash", "=", tx_hash),
                    ("direction", "=", "in"),
                    ("address_id.wallet_id", "=", self.address_id.wallet_id.id),
                    ("request_id", "=", False),
                    ("state", "in", ("seen", "confirmed", "unmatched")),
                ]
            )
        )
        if receipts:
            self._bind(receipts, "tx_hash")
            receipts._schedule_match()
        return receipts

    def _bind(self, transfers, how):
        """``transfers`` answer this request (``how``: the evidence, as the transfer's
        *Bound by* says): they will pay its invoice. A receipt waiting in the unmatched queue
        goes back to the matcher; one seen before it is final is told of once."""
        self.ensure_one()
        request = self.sudo()
        for transfer in transfers.sudo():
            vals = {"request_id": request.id, "move_id": request.move_id.id, "bound_by": how}
            if transfer.state == "unmatched":
                vals["state"] = "confirmed"
            transfer.write(vals)
            if transfer.state == "seen":
                # A receipt recorded already final is told of once, paid.
                request.move_id._stablecoin_event("payment.seen", transfer)
        request._mark_seen()
