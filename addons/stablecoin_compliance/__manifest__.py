# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The migrations/18.0.x.y.z folders are 18.0's; the version is series-free (see .pylintrc).
# pylint: disable=manifest-behind-migrations
{
    "name": "Stablecoin Compliance",
    "summary": "Sanctions screening (OFAC SDN list, Chainalysis), KYC threshold and compliance "
    "holds for stablecoin receipts, refunds and payment claims",
    "version": "2.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/stablecoin-odoo/stablecoin-odoo",
    "author": "Stablecoin Invoicing contributors",
    "license": "LGPL-3",
    "depends": ["stablecoin_invoicing"],
    "external_dependencies": {"python": ["requests"]},
    "pre_init_hook": "pre_init_hook",
    "data": [
        "security/stablecoin_compliance_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/stablecoin_sanctions_views.xml",
        "views/stablecoin_compliance_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
