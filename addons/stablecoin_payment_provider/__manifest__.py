# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The migrations/18.0.x.y.z folders are 18.0's; the version is series-free (see .pylintrc).
# pylint: disable=manifest-behind-migrations
{
    "name": "Payment Provider: Stablecoin",
    "summary": "Let customers pay invoices from the portal in USDC/USDT from their wallet",
    "version": "2.0.0",
    "category": "Accounting/Payment Providers",
    "sequence": 350,
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": [
        "stablecoin_invoicing",
        "stablecoin_recurring",
        "stablecoin_webhooks",
        "stablecoin_compliance",
        "stablecoin_onramp",
        "payment",
        "account_payment",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_payment_provider_security.xml",
        "views/payment_stablecoin_templates.xml",
        "views/payment_provider_views.xml",
        "data/payment_method_data.xml",
        "data/payment_provider_data.xml",  # Depends on payment_method_stablecoin.
        "data/ir_cron_data.xml",
        "data/mail_template_autopay_data.xml",
        "views/account_move_views.xml",
        "views/payment_transaction_views.xml",
        "views/stablecoin_recurring_invoice_views.xml",
    ],
    "demo": ["demo/payment_provider_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "stablecoin_payment_provider/static/src/js/wallet_pay.js",
            "stablecoin_payment_provider/static/src/js/mandate.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
