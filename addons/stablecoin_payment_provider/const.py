# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

PROVIDER_CODE = "stablecoin"

# The codes of the payment methods to activate when the provider is activated.
DEFAULT_PAYMENT_METHOD_CODES = {"stablecoin"}

# Gas of one mandate charge: 117,831 measured on anvil for a first charge of a mandate to an
# address already holding the token (test_mandate_charge); the gas payer's balance is judged by it.
CHARGE_GAS = 120_000
# The gas payer warns when it cannot pay this many charges at the network's gas price.
GAS_WARNING_CHARGES = 20
