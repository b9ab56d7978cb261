# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from odoo.addons.payment import utils as payment_utils

from .. import const
from ..onramp import bridge, stripe_onramp


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[(const.PROVIDER_CODE, "Stablecoin")],
        ondelete={const.PROVIDER_CODE: "set default"},
    )

    # Bank wire into stablecoins through Bridge (bridge.xyz). The credentials are the system
    # administrators' (a copied database loses them: data/neutralize.sql).
    stablecoin_wire_enabled = fields.Boolean(
        string="Bank Wire (Bridge)",
        help="Offer the payer bank wire instructions: Bridge receives the wire and sends the "
        "stablecoins to the invoice's own address, where the watcher sees them.",
    )
    stablecoin_bridge_api_url = fields.Char(
        string="Bridge API URL",
        groups="base.group_system",
        help="Empty: Bridge's sandbox in test mode, Bridge's live API when enabled.",
    )
    stablecoin_bridge_api_key = fields.Char(string="Bridge API Key", groups="base.group_system")
    stablecoin_bridge_customer_id = fields.Char(
        string="Bridge Customer",
        groups="base.group_system",
        help="Your business as a Bridge customer: transfers are made on its behalf.",
    )
    stablecoin_bridge_webhook_key = fields.Text(
        string="Bridge Webhook Public Key",
        groups="base.group_system",
        help="The PEM public key Bridge gave your webhook endpoint: every event must be "
        "signed with its private key.",
    )
    stablecoin_onramp_fee_account_id = fields.Many2one(
        "account.account",
        string="On-ramp Fees Account",
        check_company=True,
        help="Bridge withholds its fees from the stablecoins it sends: what they leave unpaid on "
        "an invoice is booked here (a bank-fees expense), as Odoo books a payment provider's "
        "fees. Empty: the invoice keeps the difference open.",
    )
    stablecoin_bridge_source_rail = fields.Selection(
        [("wire", "Wire (USD)"), ("ach_push", "ACH (USD)"), ("sepa", "SEPA (EUR)")],
        string="Wire Rail",
        default="wire",
    )

    # Card payments into stablecoins through Stripe's crypto onramp.
    stablecoin_card_enabled = fields.Boolean(
        string="Card (Stripe Onramp)",
        help="Offer the payer a card payment on Stripe's hosted onramp: Stripe sends the "
        "stablecoins to the invoice's own address, where the watcher sees them.",
    )
    stablecoin_stripe_api_url = fields.Char(
        string="Stripe API URL", groups="base.group_system", help="Empty: Stripe's API."
    )
    stablecoin_stripe_secret_key = fields.Char(
        string="Stripe Secret Key", groups="base.group_system"
    )
    stablecoin_stripe_webhook_secret = fields.Char(
        string="Stripe Webhook Secret",
        groups="base.group_system",
        help="The signing secret (whsec_...) Stripe gave your webhook endpoint.",
    )
    stablecoin_onramp_account_ids = fields.One2many(
        "stablecoin.onramp.account", "provider_id", string="Bank Account at Bridge", readonly=True
    )

    # -- the on-ramp providers of a company, asked on every invoice page ----------------------
    @api.model
    @tools.ormcache("company_id")
    def _stablecoin_onramp_provider_ids(self, company_id):
        """The ids of ``company_id``'s stablecoin providers taking bank wires or cards, enabled
        or in test. Cached: the invoice page asks on each view; any change to a stablecoin
        provider clears it (in every worker, through Odoo's cache signalling)."""
        return tuple(
            self.sudo()
            .search(
                [
                    ("code", "=", const.PROVIDER_CODE),
                    ("company_id", "=", company_id),
                    ("state", "in", ("enabled", "test")),
                    "|",
                    ("stablecoin_wire_enabled", "=", True),
                    ("stablecoin_card_enabled", "=", True),
                ]
            )
            .ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        if any(provider.code == const.PROVIDER_CODE for provider in providers):
            self.env.registry.clear_cache()
        return providers

    def write(self, vals):
        stablecoin = any(provider.code == const.PROVIDER_CODE for provider in self)
        res = super().write(vals)
        if stablecoin or vals.get("code") == const.PROVIDER_CODE:
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        stablecoin = any(provider.code == const.PROVIDER_CODE for provider in self)
        res = super().unlink()
        if stablecoin:
            self.env.registry.clear_cache()
        return res

    def action_stablecoin_bridge_create_account(self):
        """Open the business's bank account at Bridge: its details go on every invoice."""
        self.ensure_one()
        self.env["stablecoin.onramp.account"]._create_for(self)

    def _stablecoin_onramp_account(self):
        return self.sudo().stablecoin_onramp_account_ids[:1]

    @api.constrains("stablecoin_bridge_webhook_key")
    def _check_stablecoin_bridge_webhook_key(self):
        for provider in self.sudo():
            if provider.stablecoin_bridge_webhook_key:
                try:
                    bridge.load_public_key(provider.stablecoin_bridge_webhook_key)
                except ValueError as exc:
                    raise ValidationError(self.env._("Bridge Webhook Public Key: %s", exc)) from exc

    def _stablecoin_bridge_client(self):
        """The Bridge API client of this provider (sudo: the credentials are not the
        caller's to read)."""
        self.ensure_one()
        provider = self.sudo()
        default = bridge.LIVE_URL if provider.state == "enabled" else bridge.SANDBOX_URL
        return bridge.BridgeClient(
            provider.stablecoin_bridge_api_url or default, provider.stablecoin_bridge_api_key
        )

    def _stablecoin_stripe_client(self):
        self.ensure_one()
        provider = self.sudo()
        return stripe_onramp.StripeOnrampClient(
            provider.stablecoin_stripe_api_url or stripe_onramp.API_URL,
            provider.stablecoin_stripe_secret_key,
        )

    def _stablecoin_card_ready(self):
        provider = self.sudo()
        return bool(
            provider.stablecoin_card_enabled
            and provider.state in ("enabled", "test")
            and provider.stablecoin_stripe_secret_key
        )

    def _stablecoin_wire_ready(self):
        provider = self.sudo()
        return bool(
            provider.stablecoin_wire_enabled
            and provider.state in ("enabled", "test")
            and provider.stablecoin_bridge_api_key
            and provider.stablecoin_bridge_customer_id
        )

    @api.model
    def _get_compatible_providers(self, *args, stablecoin_invoice_id=None, **kwargs):
        """Override of `payment`: the stablecoin provider pays one invoice that has a payment
        request (in its token's currency or priced from a fiat one), nothing else: not a sales
        order, not a free amount, not several invoices at once."""
        providers = super()._get_compatible_providers(*args, **kwargs)
        stablecoin = providers.filtered(lambda p: p.code == const.PROVIDER_CODE)
        if not stablecoin:
            return providers
        # Integers only: set by the invoice page (``stablecoin_invoice_id``) or by the payment
        # link once its access token is checked (``invoice_id``), never text from a URL.
        invoice_id = next(
            (i for i in (stablecoin_invoice_id, kwargs.get("invoice_id")) if type(i) is int), None
        )
        invoice = self.env["account.move"].sudo().browse(invoice_id).exists()
        if invoice and invoice._stablecoin_payable_now():
            return providers
        payment_utils.add_to_report(
            kwargs.get("report"),
            stablecoin,
            available=False,
            reason=self.env._("pays only an invoice with a stablecoin payment request"),
        )
        return providers - stablecoin

    def _get_default_payment_method_codes(self):
        """Override of `payment` to return the default payment method codes."""
        default_codes = super()._get_default_payment_method_codes()
        if self.code != const.PROVIDER_CODE:
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES

    @api.model
    def _stablecoin_default_pending_msg(self):
        return self.env._(
            "<p>Pay from your crypto wallet on the invoice page: scan the QR code or use "
            "<b>Pay with browser wallet</b>. The invoice is marked paid as soon as the network "
            "confirms your transfer.</p>"
        )
