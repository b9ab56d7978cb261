"""Upgrading a database of release 18.0.1.1.0 (the sanctions list in stablecoin_wallet; holds,
audit log, KYC and the compliance officers' group in stablecoin_invoicing) to 18.0.2.0.0 (their
own addon, stablecoin_compliance).

As tests/test_migration_webhooks.py: the release is taken from git and installed in a fresh
database, where a compliance officer verified a customer's identity, an address is listed, a
receipt is held, the audit log has its entries, and the administrator changed the list's
refresh job (every 7 days, switched off). The database is then upgraded with this checkout's
addons by Odoo's own ``-u``, naming only the addons that were installed. Once with the whole
chain (the provider now depends on stablecoin_compliance: Odoo installs it), once with
stablecoin_invoicing alone (its migration asks for it).
"""

import odoodb
import pytest
from release import shell

# In release 18.0.1.1.0: an officer, a verified customer, a listed address, a hold (and its
# audit entries), the administrator's own schedule for the list's refresh.
BEFORE = """
from odoo import Command
group = env.ref('stablecoin_invoicing.group_stablecoin_compliance')
officer = env['res.users'].create({
    'name': 'Migrated Officer', 'login': 'migrated_officer',
    'groups_id': [Command.link(group.id)]})
partner = env['res.partner'].create({'name': 'Verified Customer'})
partner.with_user(officer).write({'stablecoin_kyc_verified': True,
                                  'stablecoin_kyc_reference': 'Passport 42'})
listed = env['stablecoin.sanctions.address'].create({
    'address': '0x90f79bf6eb2c4f870365e785982e1f101e93b906', 'chain': 'evm',
    'tickers': 'ETH', 'uid': '4242', 'name': 'Listed Party'})
hold = env['stablecoin.compliance.hold']._put({
    'company_id': env.company.id, 'subject': 'receipt', 'kind': 'sanctions',
    'partner_id': partner.id, 'address': listed.address, 'detail': 'Listed by OFAC'})
cron = env.ref('stablecoin_wallet.ir_cron_stablecoin_sanctions_refresh')
cron.write({'interval_number': 7, 'active': False})
env.company.stablecoin_kyc_threshold = 500
Log = env['stablecoin.compliance.log']
print('OFFICER', officer.id, int(officer in group.users))
print('PARTNER', partner.id, partner.stablecoin_kyc_verified, partner.stablecoin_kyc_reference)
print('LISTED', listed.id, listed.address)
print('HOLD', hold.id, hold.state, hold.kind)
print('LOG', Log.search_count([]), Log.search_count([('hold_id', '=', hold.id)]),
      Log.search_count([('partner_id', '=', partner.id), ('event', '=', 'kyc')]))
print('CRON', cron.id)
print('GROUP', group.id)
env.cr.commit()
"""

AFTER = """
Data = env['ir.model.data']
group = env.ref('stablecoin_compliance.group_stablecoin_compliance')
officer = env['res.users'].search([('login', '=', 'migrated_officer')])
partner = env['res.partner'].search([('name', '=', 'Verified Customer')])
print('MODULE', env['ir.module.module'].search([('name', '=', 'stablecoin_compliance')]).state)
print('OFFICER', officer.id, int(officer in group.users))
print('GROUP', group.id)
print('PARTNER', partner.id, partner.stablecoin_kyc_verified, partner.stablecoin_kyc_reference)
listed = env['stablecoin.sanctions.address'].search([('uid', '=', '4242')])
print('LISTED', listed.id, listed.address)
print('SCREEN', env['stablecoin.sanctions.address']._screen(
    '0x90F79bf6EB2c4f870365E785982E1f101E93b906')['result'])
hold = env['stablecoin.compliance.hold'].search([('detail', '=', 'Listed by OFAC')])
print('HOLD', hold.id, hold.state, hold.kind)
Log = env['stablecoin.compliance.log']
print('LOG', Log.search_count([]), Log.search_count([('hold_id', '=', hold.id)]),
      Log.search_count([('partner_id', '=', partner.id), ('event', '=', 'kyc')]))
print('THRESHOLD', env.company.stablecoin_kyc_threshold)
# Theirs: models, fields, selections, constraints, group, rules, access rights, views,
# actions, menus, the refresh job and its server action.
names = ['|', '|', ('name', 'like', 'compliance'), ('name', 'like', 'sanction'),
         ('name', 'like', 'kyc')]
print('OWNERS', ','.join(sorted(set(Data.search(
    [('model', '!=', 'ir.module.module'), ('module', '=like', 'stablecoin%')] + names
).mapped('module')))))
kinds = Data.search([('module', '=', 'stablecoin_compliance')]).mapped('model')
print('KINDS', ','.join(sorted(set(kinds))))
print('SELECTIONS', ','.join(sorted(set(Data.search([
    ('model', '=', 'ir.model.fields.selection'),
    ('name', 'in', ('selection__stablecoin_transfer__state__held',
                    'selection__stablecoin_transfer__state__blocked',
                    'selection__account_move__stablecoin_payment_status__on_hold'))]
).mapped('module')))))
env.cr.execute("SELECT count(*) FROM ir_model_constraint c JOIN ir_module_module m "
               "ON m.id = c.module WHERE (c.name LIKE 'stablecoin_compliance%%' "
               "OR c.name LIKE 'stablecoin_sanctions%%') AND m.name <> 'stablecoin_compliance'")
print('CONSTRAINTS_LEFT', env.cr.fetchone()[0])
crons = env['ir.cron'].with_context(active_test=False).search(
    [('model_id.model', '=', 'stablecoin.sanctions.list')])
print('CRON', len(crons), crons.id, crons.interval_number, crons.interval_type, crons.active)
print('CRON_XMLID', env.ref('stablecoin_compliance.ir_cron_stablecoin_sanctions_refresh').id)
menu = env.ref('stablecoin_compliance.stablecoin_compliance_menu')
print('MENU', env['ir.ui.menu'].search_count([('name', '=', menu.name)]),
      menu.parent_id == env.ref('stablecoin_invoicing.stablecoin_accounting_menu'))
env.cr.execute("SELECT to_regclass('stablecoin_compliance_moved_cron')")
print('LEFTOVER_TABLE', env.cr.fetchone()[0])
# An invoice above the threshold for a customer not verified is still refused.
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
stranger = env['res.partner'].create({'name': 'Unverified after the upgrade'})
invoice = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': stranger.id, 'currency_id': token.currency_id.id,
    'stablecoin_token_id': token.id,
    'stablecoin_wallet_id': env.ref('stablecoin_wallet.stablecoin_wallet_demo').id,
    'invoice_line_ids': [(0, 0, {'name': 'fee', 'price_unit': 2500.0, 'tax_ids': []})]})
try:
    invoice.action_post()
    print('KYC_RULE', 'posted')
except Exception as exc:
    print('KYC_RULE', type(exc).__name__)
env.cr.rollback()
"""


@pytest.mark.parametrize(
    "installed",
    [
        "stablecoin_wallet,stablecoin_invoicing,stablecoin_payment_provider",
        "stablecoin_wallet,stablecoin_invoicing",
    ],
    ids=["whole-chain", "invoicing-alone"],
)
def test_compliance_moves_to_its_addon_with_its_data(old_db, old_addons, tmp_path, installed):
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        installed,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    before = shell(old_db, BEFORE, old_addons)
    assert before["OFFICER"].endswith(" 1")
    assert before["HOLD"].endswith(" held sanctions")

    odoodb.odoo(
        "-d",
        old_db,
        "-u",
        installed,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "upgrade.log",
    )
    after = shell(old_db, AFTER)
    assert after["MODULE"] == "installed"
    # The same records: the officer still in the same group, the customer verified, the
    # listed address (and still screened as listed), the hold, every audit entry.
    assert after["OFFICER"] == before["OFFICER"]
    assert after["GROUP"] == before["GROUP"]
    assert after["PARTNER"] == before["PARTNER"]
    assert after["LISTED"] == before["LISTED"]
    assert after["SCREEN"] == "hit"
    assert after["HOLD"] == before["HOLD"]
    assert after["LOG"] == before["LOG"]
    assert after["THRESHOLD"] == "500.0"
    # Owned by the new addon: no XML id of theirs left with the wallet or invoicing.
    assert after["OWNERS"] == "stablecoin_compliance"
    assert set(after["KINDS"].split(",")) >= {
        "ir.model",
        "ir.model.fields",
        "ir.model.fields.selection",
        "ir.model.access",
        "ir.rule",
        "res.groups",
        "ir.ui.view",
        "ir.actions.act_window",
        "ir.ui.menu",
        "ir.cron",
        "ir.actions.server",
    }
    assert after["SELECTIONS"] == "stablecoin_compliance"
    assert after["CONSTRAINTS_LEFT"] == "0"
    # The menu once, in its old place; the refresh job once, as the administrator left it.
    assert after["MENU"] == "1 True"
    assert after["CRON"] == f"1 {before['CRON']} 7 days False"
    assert after["CRON_XMLID"] == before["CRON"]
    assert after["LEFTOVER_TABLE"] == "None"
    # The KYC rule still guards posting.
    assert after["KYC_RULE"] == "UserError"
