# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# One integration, one provider code (not Odoo's own ``stripe``: this is Stripe's crypto
# onramp, which pays in stablecoins, not Stripe's card acquiring).
BRIDGE = "stablecoin_bridge"
STRIPE = "stablecoin_stripe"
PROVIDER_CODES = (BRIDGE, STRIPE)

# The codes of the payment methods to activate when the provider is activated (Odoo's own).
DEFAULT_PAYMENT_METHOD_CODES = {BRIDGE: {"bank_transfer"}, STRIPE: {"card"}}

# The on-ramp's status of a checkout (Bridge's transfer states; Stripe's session statuses as
# ``onramp.stripe_onramp.STATES`` names them) -> the state of its payment.transaction.
# None maps to ``done``: the stablecoins the chain delivers pay the invoice and complete the
# transaction (``account.move._stablecoin_after_payment``), never the on-ramp's word.
STATUS_MAPPING = {
    # Instructions given, hosted page opened: nothing paid yet (the customer may still pay
    # otherwise, so *Pay Now* stays).
    "draft": ("awaiting_funds",),
    # The money is at the on-ramp, the stablecoins on their way.
    "pending": ("in_review", "funds_received", "payment_submitted", "payment_processed"),
    "cancel": ("returned", "refunded", "canceled"),
    "error": ("undeliverable", "error"),
}
