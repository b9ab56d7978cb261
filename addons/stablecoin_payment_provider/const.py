# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

PROVIDER_CODE = "stablecoin"

# The codes of the payment methods to activate when the provider is activated.
DEFAULT_PAYMENT_METHOD_CODES = {"stablecoin"}
