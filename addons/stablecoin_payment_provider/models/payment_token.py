# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.stablecoin_wallet.chain import InvalidAddress, mandate
from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.address import to_checksum_address
from odoo.addons.stablecoin_wallet.chain.rpc import RpcError
from odoo.addons.stablecoin_wallet.compat import sql_constraints

from .. import const


def _unix(value):
    """Unix seconds of an Odoo (naive UTC) datetime."""
    return int(value.replace(tzinfo=UTC).timestamp())


def _datetime(seconds):
    return datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None)


@sql_constraints
class PaymentToken(models.Model):
    """A stablecoin token on file is a mandate: terms the payer signed once (EIP-712) that let
    anyone charge the payer's approved stablecoins to the business's address, within limits
    (see ``stablecoin_wallet/chain/mandate.py`` and ``StablecoinMandate.sol``)."""

    _inherit = "payment.token"

    stablecoin_payer = fields.Char(string="Payer Address", readonly=True)
    stablecoin_payee = fields.Char(string="Payee Address", readonly=True)
    stablecoin_token_id = fields.Many2one("stablecoin.token", string="Token", readonly=True)
    stablecoin_network_id = fields.Many2one(
        related="stablecoin_token_id.network_id", string="Network"
    )
    stablecoin_max_per_charge = fields.Char(
        string="Max per Charge (units)", readonly=True, help="In the token's smallest units."
    )
    stablecoin_max_per_period = fields.Char(
        string="Max per Period (units)", readonly=True, help="In the token's smallest units."
    )
    stablecoin_period = fields.Integer(string="Period (seconds)", readonly=True)
    stablecoin_start = fields.Datetime(string="Valid From", readonly=True)
    stablecoin_end = fields.Datetime(string="Valid Until", readonly=True)
    stablecoin_salt = fields.Char(string="Salt", readonly=True)
    stablecoin_signature = fields.Char(string="Signature", readonly=True)
    stablecoin_mandate_id = fields.Char(
        string="Mandate Id", readonly=True, index=True, help="The EIP-712 digest of the terms."
    )
    stablecoin_mandate_state = fields.Selection(
        [("active", "Active"), ("revoked", "Revoked")],
        string="Mandate State",
        readonly=True,
    )
    stablecoin_revoked_tx = fields.Char(
        string="Revocation Transaction",
        readonly=True,
        help="The payer's revoke() transaction, when the payer revoked the mandate on chain.",
    )

    _sql_constraints = [  # noqa: RUF012
        (
            "stablecoin_mandate_id_unique",
            "UNIQUE(stablecoin_mandate_id)",
            "This mandate is already on file.",
        )
    ]

    def _build_display_name(self, *args, **kwargs):
        if self.provider_code != const.PROVIDER_CODE or not self.stablecoin_token_id:
            return super()._build_display_name(*args, **kwargs)
        return self.env._(
            "%(token)s mandate from %(payer)s",
            token=self.stablecoin_token_id.display_name,
            payer=(self.stablecoin_payer or "")[:10],
        )

    # -- terms --------------------------------------------------------------------------------
    def _stablecoin_terms(self):
        """The signed terms, rebuilt from the record: what the contract will check."""
        self.ensure_one()
        return mandate.Terms(
            payer=self.stablecoin_payer,
            payee=self.stablecoin_payee,
            token=self.stablecoin_token_id.contract_address,
            max_per_charge=int(self.stablecoin_max_per_charge),
            max_per_period=int(self.stablecoin_max_per_period),
            period=self.stablecoin_period,
            start=_unix(self.stablecoin_start),
            end=_unix(self.stablecoin_end),
            salt=bytes.fromhex(self.stablecoin_salt.removeprefix("0x")),
        )

    @api.model
    def _stablecoin_payees(self, company, token):
        """The business's receiving addresses for ``token``: the fixed addresses of
        ``company``'s active wallets taking it, and the own addresses of its deposit wallets
        (a charge there is bound to its invoice by its transaction, the charge telling the
        invoice's request which one to expect)."""
        wallets = (
            self.env["stablecoin.wallet"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("kind", "in", ("address", "deposit")),
                    ("token_ids", "in", token.ids),
                ]
            )
        )
        return {to_checksum_address(w.address) for w in wallets if w.address}

    @api.constrains(
        "stablecoin_payer",
        "stablecoin_payee",
        "stablecoin_token_id",
        "stablecoin_max_per_charge",
        "stablecoin_max_per_period",
        "stablecoin_period",
        "stablecoin_start",
        "stablecoin_end",
        "stablecoin_salt",
        "stablecoin_signature",
        "stablecoin_mandate_id",
    )
    def _check_stablecoin_mandate(self):
        for token in self.filtered(lambda t: t.provider_code == const.PROVIDER_CODE):
            token._stablecoin_check_terms()

    def _stablecoin_check_terms(self):
        """Refuse, naming the field, a mandate whose terms or signature do not hold."""
        self.ensure_one()
        if not self.stablecoin_token_id:
            raise ValidationError(self.env._("Token: a mandate is for one stablecoin token."))
        if not self.stablecoin_token_id.network_id.kind == "evm":
            raise ValidationError(self.env._("Token: mandates are charged on EVM networks only."))
        for field in ("stablecoin_payer", "stablecoin_payee"):
            try:
                to_checksum_address(self[field] or "")
            except (InvalidAddress, ValueError):
                label = self._fields[field].string
                raise ValidationError(self.env._("%s: not an address.", label)) from None
        for field in ("stablecoin_max_per_charge", "stablecoin_max_per_period"):
            value = self[field] or ""
            if not value.isdigit() or int(value) <= 0:
                label = self._fields[field].string
                raise ValidationError(self.env._("%s: a positive whole number of units.", label))
        if int(self.stablecoin_max_per_charge) > int(self.stablecoin_max_per_period):
            raise ValidationError(
                self.env._("Max per Charge (units): above the maximum per period.")
            )
        if self.stablecoin_period <= 0:
            raise ValidationError(self.env._("Period (seconds): at least one second."))
        if not self.stablecoin_start or not self.stablecoin_end:
            raise ValidationError(self.env._("Valid From / Valid Until: both dates are required."))
        if self.stablecoin_end <= self.stablecoin_start:
            raise ValidationError(self.env._("Valid Until: after Valid From."))
        salt = (self.stablecoin_salt or "").removeprefix("0x")
        if len(salt) != 64 or not all(c in "0123456789abcdefABCDEF" for c in salt):
            raise ValidationError(self.env._("Salt: 32 bytes of hex."))
        payees = self._stablecoin_payees(self.provider_id.company_id, self.stablecoin_token_id)
        if to_checksum_address(self.stablecoin_payee) not in payees:
            raise ValidationError(
                self.env._(
                    "Payee Address: %(payee)s is not %(company)s's receiving address for "
                    "%(token)s.",
                    payee=self.stablecoin_payee,
                    company=self.provider_id.company_id.name,
                    token=self.stablecoin_token_id.display_name,
                )
            )
        try:
            terms = self._stablecoin_terms()
        except ValueError as exc:
            raise ValidationError(self.env._("Mandate terms: %s.", exc)) from None
        chain_id = self.stablecoin_token_id.network_id.chain_id
        if not mandate.payer_signed(terms, self.stablecoin_signature or "", chain_id):
            raise ValidationError(
                self.env._(
                    "Signature: not the payer %s's signature of these terms on this network.",
                    terms.payer,
                )
            )
        digest = "0x" + mandate.mandate_id(terms, chain_id).hex()
        if self.stablecoin_mandate_id != digest or self.provider_ref != digest:
            raise ValidationError(self.env._("Mandate Id: not the digest of these terms."))

    @api.model
    def _stablecoin_mandate_from_signature(self, partner, terms_dict, signature, company=None):
        """The mandate ``partner`` signed: ``terms_dict`` is the typed data's message
        (``mandate.Terms.message()``: payer, payee, token, maxPerCharge, maxPerPeriod, period,
        start, end, salt) and ``signature`` the wallet's 65 bytes (0x hex). Checked against
        the chain's rules before it is kept (``_stablecoin_check_terms``), for the stablecoin
        provider of ``company`` (default: the current one), whose receiving address it pays."""
        company = company or self.env.company
        provider = (
            self.env["payment.provider"]
            .sudo()
            .search([("code", "=", const.PROVIDER_CODE), ("company_id", "=", company.id)], limit=1)
        )
        if not provider:
            raise UserError(self.env._("%s has no stablecoin payment provider.", company.name))
        try:
            payer = to_checksum_address(terms_dict["payer"])
            contract = to_checksum_address(terms_dict["token"])
        except (InvalidAddress, KeyError, TypeError, ValueError):
            raise ValidationError(self.env._("Payer Address / Token: not addresses.")) from None
        tokens = (
            self.env["stablecoin.token"]
            .sudo()
            .search([("network_id.kind", "=", "evm")])
            .filtered(lambda t: to_checksum_address(t.contract_address) == contract)
        )
        if not tokens:
            raise ValidationError(self.env._("Token: %s is no stablecoin token of ours.", contract))
        try:
            start, end = int(terms_dict["start"]), int(terms_dict["end"])
            values = {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "partner_id": partner.id,
                "stablecoin_payer": payer,
                "stablecoin_payee": terms_dict["payee"],
                "stablecoin_max_per_charge": str(int(terms_dict["maxPerCharge"])),
                "stablecoin_max_per_period": str(int(terms_dict["maxPerPeriod"])),
                "stablecoin_period": int(terms_dict["period"]),
                "stablecoin_start": _datetime(start),
                "stablecoin_end": _datetime(end),
                "stablecoin_salt": terms_dict["salt"],
                "stablecoin_signature": signature,
                "stablecoin_mandate_state": "active",
                "payment_details": payer[-4:],
            }
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
            raise ValidationError(
                self.env._("Mandate terms: incomplete or malformed (%s).", exc)
            ) from None
        # Of several tokens with that contract (one per network), the one the signature's
        # chain id names: the one whose mandate id the signature recovers to.
        for token in tokens:
            try:
                terms = mandate.Terms(
                    payer=payer,
                    payee=terms_dict["payee"],
                    token=contract,
                    max_per_charge=int(values["stablecoin_max_per_charge"]),
                    max_per_period=int(values["stablecoin_max_per_period"]),
                    period=values["stablecoin_period"],
                    start=start,
                    end=end,
                    salt=bytes.fromhex(str(terms_dict["salt"]).removeprefix("0x")),
                )
            except (InvalidAddress, ValueError):
                break  # the field checks below name what is wrong
            chain_id = token.network_id.chain_id
            if mandate.payer_signed(terms, signature, chain_id):
                digest = "0x" + mandate.mandate_id(terms, chain_id).hex()
                values.update(stablecoin_token_id=token.id, stablecoin_mandate_id=digest)
                values["provider_ref"] = digest
                break
        # Signed for none of them: the checks refuse it, naming the signature.
        values.setdefault("stablecoin_token_id", tokens[:1].id)
        values.setdefault("stablecoin_mandate_id", False)
        values.setdefault("provider_ref", "unsigned")
        return self.sudo().create(values).with_env(self.env)

    # -- revocation -----------------------------------------------------------------------------
    def action_stablecoin_revoke(self):
        """The business stops charging this mandate (Odoo-side: no charge is sent any more; the
        payer's approval on chain is the payer's to withdraw)."""
        for token in self.filtered(lambda t: t.provider_code == const.PROVIDER_CODE):
            token.sudo().write({"stablecoin_mandate_state": "revoked", "active": False})

    def _stablecoin_revoked_on_chain(self, tx_hash):
        """The payer revoked the mandate on chain (the contract's ``Revoked`` event)."""
        self.sudo().write(
            {
                "stablecoin_mandate_state": "revoked",
                "stablecoin_revoked_tx": tx_hash,
                "active": False,
            }
        )

    def _stablecoin_check_chargeable(self):
        """Refuse a mandate the business may not charge (revoked, archived)."""
        self.ensure_one()
        if self.stablecoin_mandate_state != "active" or not self.active:
            raise UserError(self.env._("Mandate %s is revoked.", self.display_name))

    def _stablecoin_payer_position(self):
        """What the chain lets this mandate charge now, in the token's smallest units: the
        payer's token ``balance``, its ``allowance`` to the mandate contract, and what the
        contract's ``chargeable`` view allows (limits, dates, revocation)."""
        self.ensure_one()
        terms = self._stablecoin_terms()
        contract = mandate.contract_address()
        network = self.stablecoin_token_id.network_id
        client = network._rpc_client()
        calls = {
            "balance": (
                terms.token,
                encode_call("balanceOf(address)", ["address"], [terms.payer]),
            ),
            "allowance": (
                terms.token,
                encode_call(
                    "allowance(address,address)", ["address", "address"], [terms.payer, contract]
                ),
            ),
            "chargeable": (contract, mandate.chargeable_call(terms)),
        }
        try:
            return {
                name: int(client.eth_call(to, data) or "0x0", 16)
                for name, (to, data) in calls.items()
            }
        except (RpcError, ValueError) as exc:
            raise UserError(
                self.env._("%(network)s: %(error)s", network=network.name, error=exc)
            ) from exc

    def _stablecoin_check_mandate_for(self, partner, company, label):
        """Refuse, naming the field ``label``, a mandate that is not an active stablecoin
        mandate of ``partner``'s commercial entity to ``company`` (*Charge on Due Date*)."""
        self.ensure_one()
        mandate = self.sudo()
        if mandate.provider_code != const.PROVIDER_CODE:
            raise ValidationError(
                self.env._(
                    "%(field)s: %(mandate)s is no stablecoin mandate.",
                    field=label,
                    mandate=mandate.display_name,
                )
            )
        customer = partner.commercial_partner_id
        owner = mandate.partner_id.commercial_partner_id
        if owner != customer:
            raise ValidationError(
                self.env._(
                    "%(field)s: %(mandate)s is %(owner)s's mandate, not %(customer)s's.",
                    field=label,
                    mandate=mandate.display_name,
                    owner=owner.display_name,
                    customer=customer.display_name,
                )
            )
        if mandate.company_id != company:
            raise ValidationError(
                self.env._(
                    "%(field)s: %(mandate)s is a mandate to %(other)s, not to %(company)s.",
                    field=label,
                    mandate=mandate.display_name,
                    other=mandate.company_id.name,
                    company=company.name,
                )
            )
        if mandate.stablecoin_mandate_state != "active" or not mandate.active:
            raise ValidationError(
                self.env._(
                    "%(field)s: %(mandate)s is revoked.", field=label, mandate=mandate.display_name
                )
            )
