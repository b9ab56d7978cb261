# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models, tools
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools import SQL, format_datetime

from odoo.addons.stablecoin_wallet.chain import InvalidAddress, format_units
from odoo.addons.stablecoin_wallet.chain.secret import looks_like_secret

PAYMENT_STATUSES = [
    ("awaiting", "Awaiting payment"),
    ("in_progress", "In progress"),
    ("partial", "Partially paid"),
    ("paid", "Paid"),
    ("paid_late", "Paid late"),
    ("overpaid", "Overpaid"),
    ("expired", "Quote expired"),
    ("rejected", "Rejected"),
    ("failed", "Failed"),
]


class AccountMove(models.Model):
    _inherit = "account.move"

    stablecoin_token_ids = fields.Many2many(
        "stablecoin.token",
        "account_move_stablecoin_token_rel",
        string="Accepted Tokens",
        compute="_compute_stablecoin_token_ids",
        store=True,
        readonly=False,
        copy=False,
        domain="[('id', 'in', stablecoin_wallet_token_ids)]",
        help="The tokens and networks the customer may pay this invoice with (the company's "
        "accepted tokens by default): those a receiving wallet of the company accepts.",
    )
    stablecoin_wallet_token_ids = fields.Many2many(
        "stablecoin.token",
        "account_move_stablecoin_wallet_token_rel",
        string="Tokens with a Wallet",
        compute="_compute_stablecoin_wallet_token_ids",
        help="The tokens a receiving wallet of the invoice's company accepts.",
    )
    stablecoin_token_id = fields.Many2one(
        "stablecoin.token",
        string="Pay-in Token",
        compute="_compute_stablecoin_token_id",
        store=True,
        readonly=False,
        copy=False,
        domain="[('id', 'in', stablecoin_token_ids)]",
        help="The token and network the payment request is made in; the customer can pick "
        "another accepted one on the portal.",
    )
    stablecoin_wallet_id = fields.Many2one(
        "stablecoin.wallet", string="Receiving Wallet", readonly=True, copy=False
    )
    stablecoin_address = fields.Char(
        related="stablecoin_request_id.address_id.address",
        string="Receiving Address (0x)",
        help="The address of the current payment request (XML-RPC integrators read it).",
    )
    stablecoin_request_ids = fields.One2many(
        "stablecoin.payment.request", "move_id", string="Payment Requests", readonly=True
    )
    stablecoin_request_id = fields.Many2one(
        "stablecoin.payment.request", string="Current Payment Request", readonly=True, copy=False
    )
    stablecoin_payment_uri = fields.Char(
        compute="_compute_stablecoin_payment_request",
        string="Payment URI",
        help="What the QR code says: an EIP-681 URI on EVM networks, the bare T... address on "
        "Tron (no payment URI standard there).",
    )
    stablecoin_amount_due_text = fields.Char(
        compute="_compute_stablecoin_payment_request",
        string="Amount Due in Token",
        help="The exact amount to send, to the token's full precision.",
    )
    stablecoin_email_instructions = fields.Html(
        compute="_compute_stablecoin_email_instructions",
        sanitize=False,
        string="Stablecoin Payment Instructions (email)",
        help="How to pay this invoice in stablecoins, as the invoice email shows it: amount, "
        "token and network, address and the link to the payment page.",
    )
    stablecoin_transfer_ids = fields.One2many(
        "stablecoin.transfer", "move_id", string="Stablecoin Transfers", readonly=True
    )
    stablecoin_transfer_count = fields.Integer(
        compute="_compute_stablecoin_transfer_count",
        store=True,
        string="Stablecoin Transfers Seen",
        help="Kept on the invoice: its page lists the transfers only when there are some, "
        "without asking for them on every view.",
    )
    stablecoin_payment_status = fields.Selection(
        PAYMENT_STATUSES,
        compute="_compute_stablecoin_payment_status",
        store=True,
        string="Stablecoin Payment",
        copy=False,
        tracking=True,
    )

    # Refunds: a credit note of a paid stablecoin invoice asks the merchant's wallet to pay back.
    stablecoin_refund_token_id = fields.Many2one(
        "stablecoin.token", compute="_compute_stablecoin_refund", store=True, string="Refund Token"
    )
    stablecoin_refund_address = fields.Char(
        compute="_compute_stablecoin_refund",
        store=True,
        readonly=False,
        copy=False,
        string="Refund To",
        help="Proposed: the payer of the original invoice (its first payment). It can be "
        "changed to another address that paid the invoice, then must be confirmed.",
    )
    stablecoin_refund_address_display = fields.Char(
        compute="_compute_stablecoin_refund_address_display",
        string="Refund To (as the wallet writes it)",
        help="The refund address in its network's form (Tron: T...).",
    )
    stablecoin_refund_request_id = fields.Many2one(
        "stablecoin.payment.request",
        compute="_compute_stablecoin_refund_request",
        string="Refund Request",
        help="What the business is asked to send back (amount, URI), once an accountant "
        "confirmed the refund address: the watcher matches the wallet's transfer to it.",
    )
    stablecoin_refund_amount_text = fields.Char(
        compute="_compute_stablecoin_refund_payment", string="Refund Amount"
    )
    stablecoin_refund_uri = fields.Char(
        compute="_compute_stablecoin_refund_payment",
        string="Refund URI",
        help="The refund as the business's wallet reads it (EVM: an EIP-681 URI; Tron: the "
        "bare address): open it with the wallet, or scan its QR code.",
    )
    stablecoin_refund_qr = fields.Binary(
        compute="_compute_stablecoin_refund_payment", string="Refund QR Code"
    )
    stablecoin_refund_wallet_link = fields.Char(
        compute="_compute_stablecoin_refund_payment", string="Refund Wallet Link"
    )
    stablecoin_refund_confirmed = fields.Boolean(
        compute="_compute_stablecoin_refund_request",
        string="Refund Address Confirmed",
        help="An accountant confirmed the refund address (after its compliance screening): "
        "the credit note then has a refund request (amount, URI), matched by the watcher.",
    )

    @api.depends("reversed_entry_id.stablecoin_transfer_ids.state", "move_type")
    def _compute_stablecoin_refund(self):
        for move in self:
            # The original payer (the first payment), never silently the last sender: anyone
            # can send a unit to a paid invoice's address.
            first = move._stablecoin_refund_senders()[:1]
            is_refund = move.move_type == "out_refund"
            move.stablecoin_refund_token_id = first.token_id if is_refund else False
            move.stablecoin_refund_address = first.sender if is_refund else False

    @api.depends("stablecoin_refund_address", "stablecoin_refund_token_id.network_id.kind")
    def _compute_stablecoin_refund_address_display(self):
        for move in self:
            move.stablecoin_refund_address_display = (
                move.stablecoin_refund_token_id.network_id._display_address(
                    move.stablecoin_refund_address
                )
            )

    def _stablecoin_refund_senders(self):
        """The matched receipts of the invoice this credit note reverses, oldest first."""
        self.ensure_one()
        return self.reversed_entry_id.stablecoin_transfer_ids.filtered(
            lambda t: t.state == "matched" and t.direction == "in"
        ).sorted(lambda t: (t.block_number, t.log_index))

    @api.constrains("stablecoin_refund_address")
    def _check_stablecoin_refund_address(self):
        for move in self.filtered("stablecoin_refund_address"):
            senders = set(move._stablecoin_refund_senders().mapped("sender"))
            if move.stablecoin_refund_address not in senders:
                network = move.stablecoin_refund_token_id.network_id
                raise ValidationError(
                    self.env._(
                        "Refund To: %(address)s did not pay %(invoice)s; choose one of its "
                        "payers: %(payers)s.",
                        address=network._display_address(move.stablecoin_refund_address),
                        invoice=move.reversed_entry_id.display_name,
                        payers=", ".join(sorted(map(network._display_address, senders))) or "-",
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stablecoin_parse_refund_address(vals)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("stablecoin_refund_confirmed"):
            # Only the accountant's button confirms, after the compliance screening.
            raise UserError(
                self.env._(
                    "Refund Address Confirmed: use Confirm refund address on the credit note "
                    "(the address is screened first)."
                )
            )
        self._stablecoin_parse_refund_address(vals)
        # Another refund destination is not the one confirmed: confirmed (and screened) again.
        moved = self.filtered(
            lambda m: (
                (
                    ("stablecoin_refund_address" in vals)
                    and m.stablecoin_refund_address != vals["stablecoin_refund_address"]
                )
                or (
                    ("stablecoin_refund_token_id" in vals)
                    and m.stablecoin_refund_token_id.id != vals["stablecoin_refund_token_id"]
                )
            )
        )
        moved.sudo().stablecoin_request_ids.filtered(lambda r: r.direction == "out")._cancel()
        retokened = self.browse()
        if "stablecoin_token_id" in vals:
            # A posted invoice paid in another token needs a request in it (the form keeps the
            # field read-only; an integrator's API call must not leave the old request shown).
            token = self.env["stablecoin.token"].browse(vals["stablecoin_token_id"] or [])
            retokened = self.filtered(
                lambda m: m.state == "posted" and m.stablecoin_token_id != token
            )
        res = super().write(vals)
        for move in retokened:
            self.env["stablecoin.payment.request"]._select_token_for(move, move.stablecoin_token_id)
        return res

    def _stablecoin_parse_refund_address(self, vals):
        """A refund address typed as the refund token's network writes it (Tron: T...) is
        kept in the 0x form the receipts' senders are in (the constraint above then checks
        it paid). The token is the one given with it, else the credit note's."""
        address = vals.get("stablecoin_refund_address")
        if looks_like_secret(address):
            # Never repeated in the error (it reaches the server's log).
            raise ValidationError(
                self.env._(
                    "Refund To: this looks like a private key or a recovery phrase, not an "
                    "address; it was not kept."
                )
            )
        if not isinstance(address, str) or address.strip().startswith("0x"):
            return vals
        token = (
            self.env["stablecoin.token"].browse(vals["stablecoin_refund_token_id"])
            if vals.get("stablecoin_refund_token_id")
            else self.stablecoin_refund_token_id[:1]
        )
        # Only where people write addresses in another form than the 0x one kept (Tron).
        network = token.network_id.filtered(lambda n: not n._family().hex_addresses)[:1]
        if network:
            try:
                vals["stablecoin_refund_address"] = network._parse_address(address)
            except InvalidAddress as exc:
                raise ValidationError(self.env._("Refund To: %s", exc)) from exc
        return vals

    def action_stablecoin_confirm_refund_address(self):
        cleared = self._stablecoin_refund_address_cleared()
        for move in cleared:
            if not move.stablecoin_refund_address:
                raise UserError(self.env._("This credit note has no refund address to confirm."))
            self.env["stablecoin.payment.request"]._refund_for(move)
            move.message_post(
                body=self.env._(
                    "Refund address %(address)s confirmed by %(user)s.",
                    address=move.stablecoin_refund_address,
                    user=self.env.user.name,
                )
            )
        if self - cleared:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": self.env._("The refund address is on hold for a compliance review."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return True

    def _stablecoin_refund_address_cleared(self):
        """Hook: of these credit notes, those whose refund address may be confirmed now; the
        others are held for a review. Here all may be (``stablecoin_compliance`` screens the
        address first)."""
        return self

    @api.depends("stablecoin_refund_request_id")
    def _compute_stablecoin_refund_payment(self):
        """What the refund tab shows of the refund request: the amount in words, its URI,
        QR code and wallet link."""
        for move in self:
            request = move.stablecoin_refund_request_id
            move.stablecoin_refund_amount_text = request.amount_text
            move.stablecoin_refund_uri = request.payment_uri
            move.stablecoin_refund_qr = request.payment_qr
            move.stablecoin_refund_wallet_link = request.wallet_link

    @api.depends(
        "stablecoin_request_ids.state",
        "stablecoin_request_ids.amount_due",
        "stablecoin_refund_address",
        "amount_residual",
        "state",
    )
    def _compute_stablecoin_refund_request(self):
        """The credit note's refund request, when an accountant confirmed the address and it
        still asks for what is due, to that address."""
        for move in self:
            request = move.sudo().stablecoin_request_ids.filtered(
                lambda r, m=move: (
                    r.direction == "out"
                    and r.state == "awaiting"
                    and r.recipient == m.stablecoin_refund_address
                    and m.state == "posted"
                    and m.currency_id.compare_amounts(r.amount_due, m.amount_residual) == 0
                )
            )[:1]
            move.stablecoin_refund_request_id = request
            move.stablecoin_refund_confirmed = bool(request)

    # -- defaults ----------------------------------------------------------------------------
    @api.depends("currency_id")
    def _compute_partner_bank_id(self):
        """Override of `account`: an invoice in a stablecoin (USDC, USDT) is paid on chain, not
        by a bank wire: no bank account printed on it or in its email."""
        res = super()._compute_partner_bank_id()
        groups = self.env["stablecoin.token"].sudo()._read_group([], ["currency_id"])
        token_currencies = self.env["res.currency"].union(*(currency for (currency,) in groups))
        for move in self:
            if move.is_sale_document() and move.currency_id in token_currencies:
                move.partner_bank_id = False
        return res

    @api.depends("company_id")
    def _compute_stablecoin_wallet_token_ids(self):
        Wallet = self.env["stablecoin.wallet"]
        for move in self:
            wallets = Wallet.search([("company_id", "=", move.company_id.id)])
            move.stablecoin_wallet_token_ids = wallets.token_ids.filtered("active")

    @api.depends("company_id", "move_type")
    def _compute_stablecoin_token_ids(self):
        for move in self:
            if move.move_type == "out_invoice" and move.state == "draft":
                # Only what can be received: a token without a wallet is refused on posting.
                move.stablecoin_token_ids = (
                    move.company_id._stablecoin_accepted_tokens() & move.stablecoin_wallet_token_ids
                )

    @api.depends("currency_id", "stablecoin_token_ids", "move_type")
    def _compute_stablecoin_token_id(self):
        for move in self:
            if move.move_type != "out_invoice" or move.state != "draft":
                continue
            tokens = move.stablecoin_token_ids._origin.sorted(
                lambda t: (t.network_id.sequence, t.sequence, t.id)
            )
            token = move.stablecoin_token_id._origin
            if (
                token
                and token in tokens
                and (
                    move.stablecoin_token_id.currency_id == move.currency_id
                    or move.currency_id not in tokens.currency_id
                )
            ):
                continue
            same = tokens.filtered(lambda t, c=move.currency_id: t.currency_id == c)
            move.stablecoin_token_id = (same or tokens)[:1]

    # -- the payment request -------------------------------------------------------------------
    @api.depends(
        "stablecoin_request_id.expires_at",
        "stablecoin_request_id.state",
        "amount_residual",
        "state",
        "stablecoin_payment_status",
    )
    def _compute_stablecoin_payment_request(self):
        for move in self:
            request = move.stablecoin_request_id
            current = request._is_current_for(move)
            move.stablecoin_amount_due_text = current and request.amount_text
            # Nothing asked of a rejected invoice, nor while a payment is on hold for a
            # compliance review (``stablecoin_compliance``'s status).
            move.stablecoin_payment_uri = (
                current
                and move.stablecoin_payment_status not in ("rejected", "on_hold")
                and request.payment_uri
            )

    @api.depends_context("lang")
    @api.depends("stablecoin_payment_uri")
    def _compute_stablecoin_email_instructions(self):
        for move in self:
            move.stablecoin_email_instructions = (
                move._stablecoin_render_email_instructions()
                if move.move_type == "out_invoice" and move.stablecoin_payment_uri
                else False
            )

    def _stablecoin_render_email_instructions(self):
        self.ensure_one()
        return (
            self.env["ir.qweb"]
            .with_context(lang=self.env.lang)
            ._render(
                "stablecoin_invoicing.stablecoin_payment_email",
                {"invoice": self, "portal_url": self.get_base_url() + self.get_portal_url()},
            )
        )

    def _stablecoin_quote_until(self):
        """When the current quote stops holding, in the customer's time zone, named."""
        self.ensure_one()
        expires = self.stablecoin_request_id.expires_at
        if not expires:
            return ""
        tz = self.partner_id.tz or self.env.user.tz or "UTC"
        return f"{format_datetime(self.env, expires, tz=tz, dt_format='short')} ({tz})"

    def _get_mail_template(self):
        """Override of `account`: an invoice paid in stablecoins, whatever its currency, is sent
        with the stablecoin invoice email (how to pay on chain, the quote's validity for an
        invoice in another currency; no bank account: the business receives tokens)."""
        if len(self) == 1 and self.move_type == "out_invoice" and self.stablecoin_payment_uri:
            template = self.env.ref(
                "stablecoin_invoicing.email_template_stablecoin_invoice", raise_if_not_found=False
            )
            if template:
                return template
        return super()._get_mail_template()

    # The payment request decides when it is current and makes the next one
    # (`stablecoin.payment.request`): what other code calls on the invoice, relayed.
    def _stablecoin_refresh_request(self):
        """See `stablecoin.payment.request._refresh_for`."""
        return self.env["stablecoin.payment.request"]._refresh_for(self)

    def _stablecoin_select_token(self, token):
        """The payer picks another accepted token/network (portal): new address and quote."""
        return self.env["stablecoin.payment.request"]._select_token_for(self, token)

    @api.depends("stablecoin_transfer_ids")
    def _compute_stablecoin_transfer_count(self):
        for move in self:
            move.stablecoin_transfer_count = len(move.sudo().stablecoin_transfer_ids)

    # -- status --------------------------------------------------------------------------------
    @api.depends(
        "stablecoin_token_id",
        "state",
        "payment_state",
        "amount_residual",
        "stablecoin_transfer_ids.state",
        "stablecoin_transfer_ids.confirmations",
        "stablecoin_request_id.state",
        "stablecoin_request_ids.paid_late",
    )
    def _compute_stablecoin_payment_status(self):
        for move in self:
            if not move.stablecoin_token_id or move.state != "posted":
                move.stablecoin_payment_status = False
                continue
            transfers = move.stablecoin_transfer_ids
            if move.payment_state in ("paid", "in_payment", "reversed"):
                overpaid = transfers.payment_id.move_id.line_ids.filtered(
                    lambda line: (
                        line.account_id.account_type == "asset_receivable"
                        and not line.reconciled
                        and line.amount_residual < 0
                    )
                )
                if overpaid:
                    move.stablecoin_payment_status = "overpaid"
                elif any(move.stablecoin_request_ids.mapped("paid_late")):
                    move.stablecoin_payment_status = "paid_late"
                else:
                    move.stablecoin_payment_status = "paid"
            elif move.stablecoin_request_id.state == "rejected":
                move.stablecoin_payment_status = "rejected"
            elif transfers.filtered(
                lambda t: (
                    t.state == "confirmed"
                    or (t.state == "seen" and t.confirmations >= t.network_id.confirmations_seen)
                )
            ):
                move.stablecoin_payment_status = "in_progress"
            elif move.payment_state == "partial":
                move.stablecoin_payment_status = "partial"
            elif transfers and all(t.state == "reverted" for t in transfers):
                move.stablecoin_payment_status = "failed"
            elif move.stablecoin_request_id.state == "expired":
                move.stablecoin_payment_status = "expired"
            else:
                move.stablecoin_payment_status = "awaiting"

    def _stablecoin_confirming(self):
        """While a payment is on its way: its network, how many confirmations it has of the
        ones the network needs, and about how many seconds that still takes (from the
        network's block time). False when none is."""
        self.ensure_one()
        waiting = self.sudo().stablecoin_transfer_ids.filtered(
            lambda t: t.state in ("seen", "confirmed")
        )
        if not waiting:
            return False
        transfer = waiting.sorted("confirmations")[:1]
        network = transfer.network_id
        left = max(network.confirmations_final - transfer.confirmations, 0)
        return {
            "network": network.name,
            "confirmations": min(transfer.confirmations, network.confirmations_final),
            "final": network.confirmations_final,
            "minutes": max(round(left * network.block_seconds / 60), 1),
        }

    def _stablecoin_unmatched_from_payers(self, limit=3):
        """Transfers on this invoice's shared address that matched no amount asked, sent by a
        wallet that paid this customer before (so the customer's claim binds them), newest
        first: the payer of an instalment or an odd amount sees it arrived."""
        self.ensure_one()
        Transfer = self.env["stablecoin.transfer"]
        request = self.stablecoin_request_id
        if not request.shared:
            return Transfer
        payers = [
            sender
            for (sender,) in Transfer._read_group(
                [
                    ("direction", "=", "in"),
                    ("state", "=", "matched"),
                    ("move_id.commercial_partner_id", "=", self.commercial_partner_id.id),
                ],
                ["sender"],
            )
            if sender
        ]
        if not payers:
            return Transfer
        return Transfer.search(
            [
                ("direction", "=", "in"),
                ("state", "=", "unmatched"),
                ("address_id", "=", request.address_id.id),
                ("sender", "in", payers),
            ],
            order="id desc",
            limit=limit,
        )

    # -- QR, display -----------------------------------------------------------------------------
    def _stablecoin_qr_data_uri(self, uri=None):
        """The payment (or refund) URI as a QR code (PNG data URI), drawn by Odoo's own
        barcode renderer."""
        self.ensure_one()
        uri = uri or self.stablecoin_payment_uri
        return self._stablecoin_qr_for(uri) if uri else False

    @api.model
    @tools.ormcache("uri")
    def _stablecoin_qr_for(self, uri):
        # A QR code depends on its text alone: drawn once per URI, not at every page view.
        png = self.env["ir.actions.report"].barcode(
            "QR", uri, width=300, height=300, humanreadable=0
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _stablecoin_current_request(self):
        """The request that asks for what this invoice has due now; empty when none does."""
        self.ensure_one()
        request = self.stablecoin_request_id
        return request if request._is_current_for(self) else request.browse()

    def _stablecoin_amount_due(self):
        """The amount due in tokens, as text: the currency's decimals, more only if needed."""
        self.ensure_one()
        token = self.stablecoin_request_id.token_id or self.stablecoin_token_id
        units = int(self._stablecoin_current_request().amount_units or 0)
        return format_units(units, token.decimals, token.currency_id.decimal_places)

    def _stablecoin_credit_lines(self):
        """The customer's unreconciled stablecoin credit (overpayments, unallocated receipts in
        the wallets' journals) in the invoice's currency or its token's, usable to pay this
        invoice."""
        self.ensure_one()
        currencies = self.currency_id | self.stablecoin_token_id.currency_id
        # This runs on each portal view of an open stablecoin invoice: one plain query (the
        # ORM's domain compilation cost more than the query itself); the invoice's receivable
        # account, to keep what can be reconciled with it, is read only when there is credit.
        Line = self.env["account.move.line"].sudo()
        Line.flush_model(
            ["partner_id", "company_id", "parent_state", "reconciled", "amount_residual"]
            + ["currency_id", "account_id", "journal_id"]
        )
        self.env["account.journal"].flush_model(["stablecoin_wallet_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env.cr.execute(
            SQL(
                # Only what the customer paid on chain and was not used (a wallet journal's
                # receivable credit): a credit note or another payment is the accountant's to
                # allocate, not the link holder's.
                """SELECT line.id FROM account_move_line line
                     JOIN account_account account ON account.id = line.account_id
                     JOIN account_journal journal ON journal.id = line.journal_id
                    WHERE line.partner_id = %(partner)s AND line.company_id = %(company)s
                      AND line.parent_state = 'posted' AND NOT line.reconciled
                      AND line.amount_residual < 0 AND line.currency_id IN %(currencies)s
                      AND account.account_type = 'asset_receivable'
                      AND journal.stablecoin_wallet_id IS NOT NULL
                    ORDER BY line.id""",
                partner=self.commercial_partner_id.id,
                company=self.company_id.id,
                currencies=tuple(currencies.ids),
            )
        )
        credit = Line.browse([row[0] for row in self.env.cr.fetchall()])
        if not credit:
            return credit
        receivable = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [("move_id", "=", self.id), ("account_type", "=", "asset_receivable")],
                ["account_id"],
            )
            .account_id
        )
        return credit.filtered(lambda line: line.account_id in receivable)

    def _stablecoin_pay_from_balance(self):
        """Apply the customer's credit to this invoice with Odoo's own reconciliation: all of
        it is paid when the credit suffices, else the credit pays part of it."""
        self.ensure_one()
        if self.state != "posted" or self.payment_state not in ("not_paid", "partial"):
            raise UserError(self.env._("This invoice has nothing left to pay."))
        credit = self._stablecoin_credit_lines()
        if not credit:
            raise UserError(self.env._("There is no credit to apply to this invoice."))
        before = self.amount_residual
        # One payment of the invoice however many credit lines pay it: told of once, below.
        invoice_sudo = self.sudo().with_context(stablecoin_defer_paid_event=True)
        for line in credit.sorted(lambda line: (line.date, line.id)):
            if self.payment_state not in ("not_paid", "partial"):
                break
            invoice_sudo.js_assign_outstanding_line(line.id)
        applied = before - self.amount_residual
        self.sudo().message_post(
            body=self.env._(
                "The customer applied %(amount)s %(currency)s of their balance to this invoice.",
                amount=applied,
                currency=self.currency_id.name,
            )
        )
        self._stablecoin_payment_applied(
            credit.move_id.origin_payment_id, applied, self.currency_id
        )
        return applied

    # -- posting and validation ------------------------------------------------------------------
    def _post(self, soft=True):
        # Here, not in action_post: Odoo's auto-post job (and other code) calls _post only.
        self._stablecoin_check_before_post()
        stablecoin = self.filtered(lambda m: m.stablecoin_token_id and m.is_sale_document())
        for move in stablecoin:
            move._stablecoin_check_postable()
        posted = super()._post(soft=soft)
        for move in stablecoin & posted:
            move._stablecoin_refresh_request()
        return posted

    def _stablecoin_check_postable(self):
        """Refuse, with a message naming the field, what cannot be paid in stablecoins."""
        self.ensure_one()
        token = self.stablecoin_token_id
        if not self.partner_id:
            raise ValidationError(self.env._("Customer: a stablecoin invoice needs a customer."))
        if self.currency_id.compare_amounts(self.amount_total, 0) <= 0:
            raise ValidationError(
                self.env._("Total: a stablecoin invoice must be for an amount greater than zero.")
            )
        today = fields.Date.context_today(self)
        if self.invoice_date_due and self.invoice_date_due < today:
            raise RedirectWarning(
                self.env._(
                    "Due Date: %(date)s is in the past; a stablecoin payment request cannot "
                    "be due before it is sent. Make it due today and post it with the button "
                    "below, or set a Due Date (or Payment Terms) of today or later; to post it "
                    "without a stablecoin payment request, clear its Accepted Tokens.",
                    date=tools.format_date(self.env, self.invoice_date_due),
                ),
                self.env.ref("stablecoin_invoicing.account_move_action_stablecoin_due_today").id,
                self.env._("Due Today and Post"),
                {"active_model": self._name, "active_id": self.id, "active_ids": self.ids},
            )
        if token not in self.company_id._stablecoin_accepted_tokens():
            raise ValidationError(
                self.env._(
                    "Pay-in Token: %(token)s is not among the tokens %(company)s accepts.",
                    token=token.display_name,
                    company=self.company_id.name,
                )
            )
        Request = self.env["stablecoin.payment.request"]
        Request._wallet_for(self, token)
        if token.currency_id != self.currency_id:
            Request._check_rate_fresh(self, token)

    def _stablecoin_ask_for_rates(self, message):
        """No amount could be quoted on the rates at hand (``message`` says which): the
        salesperson is asked to update them, once while the question is open."""
        self.ensure_one()
        invoice_sudo = self.sudo()
        summary = self.env._("Update the exchange rates to quote this invoice")
        if invoice_sudo.activity_ids.filtered(lambda a: a.summary == summary):
            return
        invoice_sudo.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=message,
            user_id=(self.invoice_user_id or self.create_uid).id,
        )

    def _stablecoin_quote_refusal(self):
        """Why no amount is quoted for this open invoice now (an old exchange rate), or
        False."""
        self.ensure_one()
        token = self.stablecoin_token_id
        if (
            not token
            or self.stablecoin_payment_uri
            or token.currency_id == self.currency_id
            or self.payment_state not in ("not_paid", "partial")
        ):
            return False
        try:
            self.env["stablecoin.payment.request"]._check_rate_fresh(self, token)
        except UserError as stale:
            return stale.args[0]
        return False

    def _stablecoin_post_due_today(self):
        """The way out of a past due date (see :meth:`_stablecoin_check_postable`): the draft
        invoices become due today, with no payment terms, and are posted."""
        self.check_access("write")
        today = fields.Date.context_today(self)
        late = self.filtered(
            lambda move: (
                move.state == "draft" and move.invoice_date_due and move.invoice_date_due < today
            )
        )
        late.write({"invoice_payment_term_id": False, "invoice_date_due": today})
        late.action_post()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _stablecoin_reject(self, reason):
        """The payer rejects the invoice (portal), with a reason the issuer sees."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Please give a reason for rejecting the invoice."))
        if (
            self.state != "posted"
            or self.payment_state != "not_paid"
            or self.stablecoin_transfer_ids
        ):
            raise UserError(self.env._("An invoice with payments cannot be rejected."))
        # The caller checked the payer's access (the portal's token): from here on, the code
        # writes what the payer may not (requests, chatter, the issuer's activity).
        invoice_sudo = self.sudo()
        request = invoice_sudo.stablecoin_request_id
        if not request:
            raise UserError(self.env._("This invoice takes no stablecoin payment."))
        (invoice_sudo.stablecoin_request_ids - request)._cancel()
        if not request._reject(reason[:2000]):
            raise UserError(self.env._("This invoice takes no payment now: it cannot be rejected."))
        self._stablecoin_event("invoice.rejected")
        invoice_sudo.message_post(
            body=self.env._("The customer rejected this invoice: %s", reason[:2000]),
            author_id=self.commercial_partner_id.id,
        )
        invoice_sudo.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Invoice rejected by the customer"),
            note=reason[:2000],
            # The salesperson, or whoever created the invoice: never the portal's public user.
            user_id=(self.invoice_user_id or self.create_uid).id,
        )
        return True

    def _stablecoin_portal_status(self):
        """What the open invoice page polls (sudo'ed invoice): its payment status, the units
        its request asks (they tell the page when a new request, a remainder or a new quote,
        replaced its own) and the residual. Stored values only, never the chain: this answers
        every open page every few seconds."""
        self.ensure_one()
        status = self.stablecoin_payment_status
        request = self.stablecoin_request_id
        asking = status not in ("rejected", "in_progress") and request.state in (
            "awaiting",
            "seen",
            "partial",
        )
        return {
            "status": status or "",
            "units": request.amount_units if asking else "",
            "residual": self.amount_residual,
        }

    def _stablecoin_tokens(self):
        """The tokens this invoice may be paid with."""
        return self.stablecoin_token_ids | self.stablecoin_token_id

    def _stablecoin_check_before_post(self):
        """Hook: raise a :class:`UserError` to refuse posting these moves. Here nothing is
        refused (``stablecoin_compliance`` requires the customer's KYC above its threshold)."""
        return True

    def button_cancel(self):
        res = super().button_cancel()
        self.env["stablecoin.payment.request"]._cancel_for(self)
        return res

    def button_draft(self):
        res = super().button_draft()
        self.env["stablecoin.payment.request"]._cancel_for(self)
        return res
