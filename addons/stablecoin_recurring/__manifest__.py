# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Stablecoin Recurring Invoices",
    "summary": "Invoice a customer every period in USDC/USDT: each invoice once, with its own "
    "payment request",
    "version": "2.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["stablecoin_invoicing"],
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_recurring_security.xml",
        "data/ir_cron_data.xml",
        "views/stablecoin_recurring_invoice_views.xml",
        "views/stablecoin_recurring_portal_templates.xml",
    ],
}
