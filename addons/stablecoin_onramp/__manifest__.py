# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Stablecoin On-ramps: Bank Wire (Bridge) and Card (Stripe)",
    "summary": "Customers pay invoices by bank wire or card; the business receives stablecoins",
    "version": "2.0.0",
    "category": "Accounting/Payment Providers",
    "sequence": 351,
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["stablecoin_invoicing", "payment", "account_payment"],
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_onramp_security.xml",
        "views/payment_provider_views.xml",
        "views/stablecoin_onramp_transfer_views.xml",
        "views/stablecoin_onramp_templates.xml",
        "data/payment_provider_data.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
