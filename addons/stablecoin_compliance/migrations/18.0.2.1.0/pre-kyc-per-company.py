# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.1.0: a customer's KYC verification counts per company (see ``hooks.py``)."""

from odoo.addons.stablecoin_compliance.hooks import kyc_per_company


def migrate(cr, version):
    if not version:
        return
    kyc_per_company(cr)
