"""Upgrading stablecoin_compliance 18.0.2.0.0 (one KYC verification for every company) to
18.0.2.1.0 (per company), by Odoo's own ``-u``: a shared contact another company's
administrator verified stays verified there only; a contact of this company stays verified
here; its reference goes with it."""

import odoodb
from release import release_addons_path, shell

# The last commit with stablecoin_compliance 18.0.2.0.0.
KYC_GLOBAL = "9bc6e76"

BEFORE = """
from odoo import Command
company_a = env.company
company_b = env['res.company'].create({'name': 'Other Company'})
admin_b = env['res.users'].create({
    'name': 'Other Admin', 'login': 'kyc_other_admin', 'company_id': company_b.id,
    'company_ids': [Command.set([company_b.id])],
    'groups_id': [Command.link(env.ref('account.group_account_manager').id)]})
shared = env['res.partner'].create({'name': 'Shared Customer'})
shared.with_user(admin_b).write({'stablecoin_kyc_verified': True,
                                 'stablecoin_kyc_reference': 'B-7'})
own = env['res.partner'].create({'name': 'Own Customer', 'company_id': company_a.id})
own.write({'stablecoin_kyc_verified': True, 'stablecoin_kyc_reference': 'A-1'})
print('SHARED', int(shared.stablecoin_kyc_verified), shared.stablecoin_kyc_reference)
env.cr.commit()
"""

AFTER = """
company_a = env.ref('base.main_company')
company_b = env['res.company'].search([('name', '=', 'Other Company')])
Partner = env['res.partner']
for name, key in (('Shared Customer', 'SHARED'), ('Own Customer', 'OWN')):
    partner = Partner.search([('name', '=', name)])
    a, b = partner.with_company(company_a), partner.with_company(company_b)
    print(key, int(a.stablecoin_kyc_verified), a.stablecoin_kyc_reference,
          int(b.stablecoin_kyc_verified), b.stablecoin_kyc_reference)
"""


def test_kyc_becomes_per_company(old_db, tmp_path):
    old_addons = release_addons_path(KYC_GLOBAL, tmp_path / "old")
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        "stablecoin_compliance",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    before = shell(old_db, BEFORE, old_addons)
    assert before["SHARED"] == "1 B-7", "one flag for every company"
    # Every addon of the release is upgraded together (as `-u all` would): the wallet's
    # dependents follow it.
    odoodb.odoo(
        "-d",
        old_db,
        "-u",
        "stablecoin_wallet",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "upgrade.log",
    )
    after = shell(old_db, AFTER)
    assert after["SHARED"] == "0 False 1 B-7"
    assert after["OWN"] == "1 A-1 0 False"
