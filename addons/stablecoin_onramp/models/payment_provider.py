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
        selection_add=[
            (const.BRIDGE, "Bank Wire into Stablecoins (Bridge)"),
            (const.STRIPE, "Card into Stablecoins (Stripe Onramp)"),
        ],
        ondelete={const.BRIDGE: "set default", const.STRIPE: "set default"},
    )

    # Bank wire into stablecoins through Bridge (bridge.xyz). The credentials are the system
    # administrators' (a copied database loses them: data/neutralize.sql).
    stablecoin_bridge_api_url = fields.Char(
        string="Bridge API URL",
        groups="base.group_system",
        help="Empty: Bridge's sandbox in test mode, Bridge's live API when enabled.",
    )
    stablecoin_bridge_api_key = fields.Char(
        string="Bridge API Key", required_if_provider=const.BRIDGE, groups="base.group_system"
    )
    stablecoin_bridge_customer_id = fields.Char(
        string="Bridge Customer",
        required_if_provider=const.BRIDGE,
        groups="base.group_system",
        help="Your business as a Bridge customer: transfers are made on its behalf.",
    )
    stablecoin_bridge_webhook_key = fields.Text(
        string="Bridge Webhook Public Key",
        groups="base.group_system",
        help="The PEM public key Bridge gave your webhook endpoint: every event must be "
        "signed with its private key.",
    )
    stablecoin_bridge_fee_account_id = fields.Many2one(
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
    stablecoin_bridge_account_ids = fields.One2many(
        "stablecoin.onramp.account", "provider_id", string="Bank Account at Bridge", readonly=True
    )

    # Card payments into stablecoins through Stripe's crypto onramp.
    stablecoin_stripe_api_url = fields.Char(
        string="Stripe API URL", groups="base.group_system", help="Empty: Stripe's API."
    )
    stablecoin_stripe_secret_key = fields.Char(
        string="Stripe Secret Key", required_if_provider=const.STRIPE, groups="base.group_system"
    )
    stablecoin_stripe_webhook_secret = fields.Char(
        string="Stripe Webhook Secret",
        groups="base.group_system",
        help="The signing secret (whsec_...) Stripe gave your webhook endpoint.",
    )

    # -- the on-ramp providers of a company, asked on every invoice page ----------------------
    @api.model
    @tools.ormcache("company_id")
    def _stablecoin_onramp_provider_ids(self, company_id):
        """The ids of ``company_id``'s on-ramp providers, enabled or in test. Cached: the
        invoice page asks on each view; any change to an on-ramp provider clears it (in every
        worker, through Odoo's cache signalling)."""
        return tuple(
            self.sudo()
            .search(
                [
                    ("code", "in", const.PROVIDER_CODES),
                    ("company_id", "=", company_id),
                    ("state", "in", ("enabled", "test")),
                ]
            )
            .ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        if any(provider.code in const.PROVIDER_CODES for provider in providers):
            self.env.registry.clear_cache()
        return providers

    def write(self, vals):
        onramp = any(provider.code in const.PROVIDER_CODES for provider in self)
        res = super().write(vals)
        if onramp or vals.get("code") in const.PROVIDER_CODES:
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        onramp = any(provider.code in const.PROVIDER_CODES for provider in self)
        res = super().unlink()
        if onramp:
            self.env.registry.clear_cache()
        return res

    def action_stablecoin_bridge_create_account(self):
        """Open the business's bank account at Bridge: its details go on every invoice."""
        self.ensure_one()
        self.env["stablecoin.onramp.account"]._create_for(self)

    def _stablecoin_onramp_account(self):
        return self.sudo().stablecoin_bridge_account_ids[:1]

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

    def _stablecoin_onramp_credentials_given(self):
        """The credentials a checkout of this on-ramp needs are given."""
        provider = self.sudo()
        if provider.code == const.BRIDGE:
            return bool(
                provider.stablecoin_bridge_api_key and provider.stablecoin_bridge_customer_id
            )
        return provider.code == const.STRIPE and bool(provider.stablecoin_stripe_secret_key)

    def _stablecoin_onramp_ready(self):
        """Enabled or in test, with the credentials a checkout needs."""
        return self.state in ("enabled", "test") and self._stablecoin_onramp_credentials_given()

    @api.model
    def _get_compatible_providers(self, *args, report=None, **kwargs):
        """Override of `payment`: an on-ramp's checkout starts from the invoice's payment card
        (*Pay by bank wire*, *Pay by card*), for exactly that invoice's stablecoins, never as
        an option of the generic payment form."""
        providers = super()._get_compatible_providers(*args, report=report, **kwargs)
        onramps = providers.filtered(lambda p: p.code in const.PROVIDER_CODES)
        if not onramps:
            return providers
        payment_utils.add_to_report(
            report,
            onramps,
            available=False,
            reason=self.env._("paid from the invoice's payment card"),
        )
        return providers - onramps

    def _get_default_payment_method_codes(self):
        """Override of `payment` to return the default payment method codes."""
        default_codes = super()._get_default_payment_method_codes()
        if self.code not in const.PROVIDER_CODES:
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES[self.code]
