# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The migrations/18.0.x.y.z folders are 18.0's; the version is series-free (see .pylintrc).
# pylint: disable=manifest-behind-migrations
{
    "name": "Stablecoin Invoicing",
    "summary": "Invoice in USDC/USDT: payment instructions, on-chain matching and reconciliation",
    "version": "2.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["stablecoin_wallet", "account", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_invoicing_security.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/mail_template_notice_data.xml",
        "views/stablecoin_workspace_views.xml",
        "views/stablecoin_invoice_history_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_move_views.xml",
        "views/stablecoin_payment_templates.xml",
        "views/report_stablecoin_attestation.xml",
        "views/stablecoin_payment_request_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "stablecoin_invoicing/static/src/js/payment_status.js",
            "stablecoin_invoicing/static/src/js/claim_sign.js",
            "stablecoin_invoicing/static/src/scss/payment_card.scss",
        ],
    },
}
