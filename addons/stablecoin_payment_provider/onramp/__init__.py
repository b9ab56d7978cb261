# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""On-ramps: a payer pays by bank wire or card, the business receives stablecoins. Pure
clients of the providers' APIs and their webhook signatures (no ORM)."""
