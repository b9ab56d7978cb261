# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..chain import InvalidAddress, deposit
from ..chain.family import DEFAULT_KIND, family, family_of_address, kind_selection
from ..chain.xpub import InvalidExtendedKey, derive_address, validate_xpub


class StablecoinWallet(models.Model):
    """A watch-only receiving wallet: a fixed address, an xpub deriving one address per
    invoice, or deposit addresses (one per invoice, computed from the wallet's address: funds
    there can only ever be swept to it). No private key is ever asked for or stored."""

    _name = "stablecoin.wallet"
    _description = "Stablecoin Receiving Wallet"
    _inherit = "mail.thread"
    _order = "company_id, sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    kind = fields.Selection(
        [
            ("address", "Fixed address"),
            ("xpub", "Extended public key (one address per invoice)"),
            ("deposit", "Deposit addresses (one per invoice, forwarded to the address)"),
        ],
        required=True,
        default="deposit",
        tracking=True,
        help="Deposit addresses (EVM networks, the default): each invoice gets its own address, "
        "whatever is paid there can only be swept to the wallet's address. Fixed address: one "
        "address shared by the invoices, told apart by their exact amounts. Extended public "
        "key: one derived address per invoice, each moved with its own key.",
    )
    network_kind = fields.Selection(
        kind_selection("wallet_label"),
        string="Network Type",
        required=True,
        default=DEFAULT_KIND,
        tracking=True,
        help="Which networks' payments this wallet receives: its tokens must be on networks "
        "of this type, and its addresses are written as those networks write them.",
    )
    address = fields.Char(
        tracking=True,
        help="The address payments are sent to, watch-only: 0x... on EVM networks; on Tron "
        "type it as T... (kept in its 0x form, the form the logs carry).",
    )
    display_address = fields.Char(
        string="Receiving Address",
        compute="_compute_display_address",
        inverse="_inverse_display_address",
        help="The address as the wallet's network writes it (Tron: T...).",
    )
    network_hex_addresses = fields.Boolean(
        compute="_compute_network_hex_addresses",
        help="The wallet's networks write addresses in the 0x form kept (EVM); else (Tron) the "
        "address is typed and shown in their own form.",
    )
    xpub = fields.Char(
        string="Extended Public Key",
        groups="account.group_account_manager",
        help="Account-level xpub exported from the wallet: m/44'/60'/0' for EVM networks, "
        "m/44'/195'/0' for Tron. Address i is its child 0/i. Never paste a private key "
        "(xprv): it is refused.",
    )
    next_index = fields.Integer(
        default=0, readonly=True, copy=False, help="Next derivation index to hand out."
    )
    token_ids = fields.Many2many(
        "stablecoin.token", string="Accepted Tokens", help="Tokens this wallet receives."
    )
    journal_ids = fields.One2many("account.journal", "stablecoin_wallet_id", string="Journals")
    address_ids = fields.One2many("stablecoin.address", "wallet_id", string="Addresses")
    address_count = fields.Integer(compute="_compute_address_count")

    def _family(self):
        """The chain family of this wallet's network type (:mod:`..chain.family`)."""
        return family(self.network_kind or DEFAULT_KIND)

    @api.onchange("network_kind")
    def _onchange_network_kind(self):
        if self.kind == "deposit" and not self._family().supports_deposit_addresses:
            self.kind = "address"

    @api.depends("address", "network_kind")
    def _compute_display_address(self):
        for wallet in self:
            wallet.display_address = wallet._family().display_address(wallet.address)

    @api.depends("network_kind")
    def _compute_network_hex_addresses(self):
        for wallet in self:
            wallet.network_hex_addresses = wallet._family().hex_addresses

    def _inverse_display_address(self):
        for wallet in self:
            wallet.address = wallet.display_address

    @api.constrains("network_kind", "token_ids")
    def _check_network_kind(self):
        for wallet in self:
            other = wallet.token_ids.filtered(
                lambda t, w=wallet: t.network_id.kind != w.network_kind
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "Accepted Tokens: %(tokens)s are not on networks of this wallet's type "
                        "(%(kind)s): make a wallet of their type for them.",
                        tokens=", ".join(other.mapped("display_name")),
                        kind=dict(self._fields["network_kind"].selection)[wallet.network_kind],
                    )
                )

    @api.depends("address_ids")
    def _compute_address_count(self):
        for wallet in self:
            wallet.address_count = len(wallet.address_ids)

    @api.constrains("kind", "address")
    def _check_kind_fields(self):
        for wallet in self:
            if wallet.kind == "address" and not wallet.address:
                raise ValidationError(
                    self.env._("Wallet %s: enter the receiving address.", wallet.name)
                )
            if wallet.kind == "deposit" and not wallet.address:
                raise ValidationError(
                    self.env._(
                        "Wallet %s: enter the address the deposit addresses forward to.",
                        wallet.name,
                    )
                )
            if wallet.kind == "deposit" and not wallet._family().supports_deposit_addresses:
                raise ValidationError(
                    self.env._(
                        "Kind: %(network)s networks have no deposit addresses yet; use a fixed "
                        "address or an extended public key for wallet %(wallet)s.",
                        network=wallet._family().label,
                        wallet=wallet.name,
                    )
                )
            if wallet.kind == "xpub" and not wallet.sudo().xpub:
                raise ValidationError(
                    self.env._("Wallet %s: enter the extended public key (xpub).", wallet.name)
                )

    @api.constrains("active")
    def _check_addresses_watched_once(self):
        self.address_ids._check_watched_once()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            typed = vals.get("display_address") or vals.get("address") or ""
            written_in = family_of_address(typed)
            if "network_kind" not in vals and written_in and written_in.kind != DEFAULT_KIND:
                # A T... address is a Tron wallet's (as the API user who gives one expects).
                vals["network_kind"] = written_in.kind
            if "kind" not in vals and not vals.get("xpub"):
                # Deposit addresses where the network type has them; else a fixed address.
                chain = family(vals.get("network_kind") or DEFAULT_KIND)
                vals["kind"] = "deposit" if chain.supports_deposit_addresses else "address"
            elif "kind" not in vals:
                vals["kind"] = "xpub"
            self._normalize(vals)
        wallets = super().create(vals_list)
        wallets._sync_addresses()
        wallets._sync_journals()
        return wallets

    def write(self, vals):
        self._normalize(vals)
        if "company_id" in vals:
            moved = self.filtered(lambda w: w.company_id.id != vals["company_id"])
            if moved and self.env["stablecoin.transfer"].sudo().search_count(
                [("wallet_id", "in", moved.ids)], limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "Company: a wallet that has received transfers stays with its company "
                        "(its books are there). Create a new wallet for the other company."
                    )
                )
        if "network_kind" in vals:
            changed = self.filtered(lambda w: w.network_kind != vals["network_kind"])
            if changed and self.env["stablecoin.transfer"].sudo().search_count(
                [("wallet_id", "in", changed.ids)], limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "Network Type: a wallet that has received transfers keeps its type (its "
                        "addresses were read as such). Create a new wallet for the other type."
                    )
                )
        if "address" in vals or "kind" in vals:
            issued = self.filtered(
                lambda w: (
                    w.kind == "deposit"
                    and (
                        w.address != vals.get("address", w.address)
                        or vals.get("kind", "deposit") != "deposit"
                    )
                    and w.address_ids.filtered("deposit_salt")
                )
            )
            if issued:
                raise ValidationError(
                    self.env._(
                        "Receiving Address: wallet %s has handed out deposit addresses that "
                        "forward to its address; they can only ever pay that one. Create a new "
                        "wallet for another address.",
                        issued[0].name,
                    )
                )
        res = super().write(vals)
        if {"address", "kind", "xpub"} & set(vals):
            self._sync_addresses()
        if "token_ids" in vals or "company_id" in vals:
            self._sync_journals()
        return res

    def _normalize(self, vals):
        if "display_address" in vals:
            # Typed in the form's address field (T... on Tron): it is the address.
            # The form sends both fields (the hidden one empty): the one filled in wins.
            typed = vals.pop("display_address")
            if typed or not vals.get("address"):
                vals["address"] = typed
        chain = family(vals.get("network_kind") or self[:1].network_kind or DEFAULT_KIND)
        if vals.get("address"):
            try:
                vals["address"] = chain.parse_address(vals["address"])
            except InvalidAddress as exc:
                raise ValidationError(self.env._("Receiving address: %s", exc)) from exc
        if vals.get("xpub"):
            try:
                vals["xpub"] = validate_xpub(vals["xpub"], chain.account_path)
            except InvalidExtendedKey as exc:
                raise ValidationError(self.env._("Extended public key: %s", exc)) from exc

    def _sync_addresses(self):
        Address = self.env["stablecoin.address"].sudo()
        # A fixed address is watched; so is a deposit wallet's own address, where its sweeps
        # arrive (internal: between the company's own addresses) and the balance is attested.
        for wallet in self.filtered(lambda w: w.kind in ("address", "deposit") and w.address):
            fixed = wallet.address_ids.filtered(lambda a: a.derivation_index == -1)
            if fixed.address != wallet.address:
                fixed.sudo().active = False  # archived: its receipts keep their history
                Address.create(
                    {"wallet_id": wallet.id, "address": wallet.address, "derivation_index": -1}
                )

    def _sync_journals(self):
        """One bank journal per (wallet, token), in the token's currency."""
        Journal = self.env["account.journal"].sudo()
        for wallet in self:
            for token in wallet.token_ids:
                if wallet._journal_for(token):
                    continue
                journal = Journal.create(
                    {
                        "name": f"{wallet.name} {token.symbol} ({token.network_id.name})",
                        "type": "bank",
                        "code": self._free_journal_code(wallet.company_id),
                        "currency_id": token.currency_id.id,
                        "company_id": wallet.company_id.id,
                        "stablecoin_wallet_id": wallet.id,
                        "stablecoin_token_id": token.id,
                    }
                )
                # A confirmed on-chain transfer is settled cash: payments post straight to the
                # wallet's account (no outstanding account awaiting a bank statement).
                (
                    journal.inbound_payment_method_line_ids
                    | journal.outbound_payment_method_line_ids
                ).payment_account_id = journal.default_account_id

    def _free_journal_code(self, company):
        used = set(
            self.env["account.journal"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id), ("code", "=like", "SC%")])
            .mapped("code")
        )
        return next(f"SC{i}" for i in range(1, 1000) if f"SC{i}" not in used)

    def _journal_for(self, token):
        """The wallet's journal for ``token`` in the wallet's company."""
        self.ensure_one()
        return self.journal_ids.sudo().filtered(
            lambda j: j.stablecoin_token_id == token and j.company_id == self.company_id
        )[:1]

    def action_open_sweep_wizard(self):
        """Accountants: what the deposit addresses hold, and the transaction that sweeps it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stablecoin_wallet.stablecoin_sweep_wizard_action"
        )
        action["context"] = {"active_id": self.id}
        return action

    def _lock_next_index(self):
        """The wallet's next index, its row locked: two invoices posted at once never share
        one."""
        self.flush_recordset(["next_index"])
        self.env.cr.execute(
            "SELECT next_index FROM stablecoin_wallet WHERE id = %s FOR UPDATE", [self.id]
        )
        return self.env.cr.fetchone()[0]

    def _new_deposit_address(self):
        """A new deposit address: the factory's CREATE2 address for the wallet's address and
        a salt of its own (database, wallet, index). Computed, not deployed: the customer pays
        it like any address; a sweep later sends what it holds to the wallet's address."""
        index = self._lock_next_index()
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        salt = deposit.request_salt(f"{uuid}:{self.id}:{index}")
        wallet_sudo = self.sudo()
        wallet_sudo.next_index = index + 1
        return (
            self.env["stablecoin.address"]
            .sudo()
            .create(
                {
                    "wallet_id": self.id,
                    "address": deposit.deposit_address(self.address, salt),
                    "derivation_index": index,
                    "deposit_salt": "0x" + salt.hex(),
                }
            )
        )

    def _new_receiving_address(self):
        """The address for one new payment request: derived (xpub) or the fixed one."""
        self.ensure_one()
        if self.kind == "address":
            return self.address_ids.filtered(lambda a: a.active and a.derivation_index == -1)[:1]
        if self.kind == "deposit":
            return self._new_deposit_address()
        index = self._lock_next_index()
        # The key and the index are the system's (users read neither): one sudo for both.
        wallet_sudo = self.sudo()
        Address = self.env["stablecoin.address"].sudo()
        address = derive_address(wallet_sudo.xpub, index)
        # Never hand out an address another wallet already watches (the same key imported
        # twice, or a fixed address of this key): its receipts would belong to that wallet.
        while Address.search_count([("address", "=", address), ("active", "=", True)], limit=1):
            index += 1
            address = derive_address(wallet_sudo.xpub, index)
        wallet_sudo.next_index = index + 1
        return Address.create({"wallet_id": self.id, "address": address, "derivation_index": index})
