# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Stablecoin Webhooks",
    "summary": "Signed webhooks (Standard Webhooks) of stablecoin invoice events for your systems",
    "version": "2.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["stablecoin_invoicing"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_webhooks_security.xml",
        "data/stablecoin_webhook_event_type_data.xml",
        "data/ir_cron_data.xml",
        "views/stablecoin_webhook_views.xml",
    ],
}
