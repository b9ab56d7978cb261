# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The migrations/18.0.x.y.z folders are 18.0's; the version is series-free (see .pylintrc).
# pylint: disable=manifest-behind-migrations
{
    "name": "Stablecoin Wallets",
    "summary": "Blockchain networks, stablecoin tokens and watch-only receiving wallets",
    "version": "2.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["account"],
    "external_dependencies": {
        "python": ["eth_abi", "eth_account", "eth_utils", "bip_utils", "requests"]
    },
    "data": [
        "security/ir.model.access.csv",
        "security/stablecoin_wallet_security.xml",
        "data/res_currency_data.xml",
        "data/stablecoin_network_data.xml",
        "data/ir_cron_data.xml",
        "views/stablecoin_network_views.xml",
        "views/stablecoin_token_views.xml",
        "views/stablecoin_wallet_views.xml",
        "views/stablecoin_transfer_views.xml",
        "views/stablecoin_wallet_menus.xml",
        "wizard/stablecoin_sweep_wizard_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "stablecoin_wallet/static/src/js/send_transaction_field.js",
            "stablecoin_wallet/static/src/xml/send_transaction_field.xml",
        ],
    },
    "demo": ["demo/stablecoin_network_demo.xml"],
}
