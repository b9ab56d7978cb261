"""Upgrading a database of release 18.0.1.1.0 (recurring invoices inside stablecoin_invoicing)
to 18.0.2.0.0 (their own addon, stablecoin_recurring).

As tests/test_migration.py: the release is taken from git and installed in a fresh database,
where a billing user's recurring template has already made its first invoice; the database is
then upgraded with this checkout's addons by Odoo's own ``-u``, naming only the addons that
were installed. Once with the whole chain (the provider now depends on stablecoin_recurring:
Odoo installs it), once with stablecoin_invoicing alone (its migration asks for it).
"""

import odoodb
import pytest
from release import shell

# The release's users: a posted customer invoice made recurring (monthly from 2026-01-15),
# whose first period was invoiced by the scheduled action's method.
MAKE_RECURRING = """
import datetime
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
partner = env['res.partner'].create({'name': 'Recurring customer'})
source = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
    'stablecoin_token_id': token.id, 'stablecoin_wallet_id': wallet.id,
    'invoice_line_ids': [(0, 0, {'name': 'hosting', 'price_unit': 30.0, 'tax_ids': []})]})
source.action_post()
template = env['stablecoin.recurring.invoice'].with_context(
    default_template_move_id=source.id).create({
        'name': 'Hosting', 'date_start': datetime.date(2026, 1, 15), 'auto_post': False})
made = template._generate_due(datetime.date(2026, 1, 15))
cron = env.ref('stablecoin_invoicing.ir_cron_stablecoin_recurring')
cron.write({'active': False, 'interval_number': 3})  # the administrator's own schedule
print('TEMPLATE', template.id)
print('INVOICE', made.id, made.stablecoin_recurring_id.id, made.stablecoin_recurring_date)
print('NEXT', template.next_date)
print('CRON', cron.id)
env.cr.commit()
"""

READ_BACK = """
import datetime
from psycopg2 import IntegrityError
from odoo.tools import mute_logger
Recurring = env['stablecoin.recurring.invoice']
template = Recurring.search([('name', '=', 'Hosting')])
first = template.invoice_ids
print('TEMPLATE', template.id)
print('INVOICE', first.id, first.stablecoin_recurring_id.id, first.stablecoin_recurring_date)
print('NEXT', template.next_date)
print('STATES', ' '.join(sorted(
    m.name + ':' + m.state for m in env['ir.module.module'].search(
        [('name', 'like', 'stablecoin_%')]))))
env.cr.execute(
    "SELECT module, count(*) FROM ir_model_data "
    "WHERE name LIKE '%%recurring%%' AND module LIKE 'stablecoin%%' GROUP BY module")
print('OWNERS', ' '.join(f'{module}:{count}' for module, count in sorted(env.cr.fetchall())))
for xmlid in ('model_stablecoin_recurring_invoice', 'field_account_move__stablecoin_recurring_id',
              'field_account_move__stablecoin_recurring_date', 'ir_cron_stablecoin_recurring',
              'view_move_form_recurring', 'portal_my_stablecoin_recurring'):
    print('XMLID_' + xmlid, env.ref('stablecoin_recurring.' + xmlid).id)
crons = env['ir.cron'].with_context(active_test=False).search(
    [('model_id.model', '=', 'stablecoin.recurring.invoice')])
print('CRONS', ' '.join(str(cron.id) for cron in crons), all(crons.mapped('active')),
      ' '.join(str(n) for n in crons.mapped('interval_number')))
menus = env['ir.ui.menu'].with_context(active_test=False).search(
    [('action', '=', 'ir.actions.act_window,%d'
      % env.ref('stablecoin_recurring.stablecoin_recurring_invoice_action').id)])
print('MENUS', len(menus))
views = env['ir.ui.view'].with_context(active_test=False).search(
    [('name', '=', 'account.move.form.stablecoin.recurring')])
print('FORM_VIEWS', len(views))
print('TEMPLATE_KEY', env.ref('stablecoin_recurring.portal_my_stablecoin_recurring').key)
env.cr.execute("SELECT count(*) FROM pg_indexes "
               "WHERE indexname = 'account_move_stablecoin_recurring_period'")
print('INDEX', env.cr.fetchone()[0])
made = template._generate_due(datetime.date(2026, 2, 15))
again = template._generate_due(datetime.date(2026, 2, 15))
print('SECOND', len(made), len(again), made.stablecoin_recurring_date, len(template.invoice_ids))
print('NEXT_AFTER', template.next_date)
try:
    with mute_logger('odoo.sql_db'), env.cr.savepoint():
        template._new_invoice(datetime.date(2026, 2, 15))
        env.flush_all()
    print('DUPLICATE', 'accepted')
except IntegrityError:
    print('DUPLICATE', 'refused')
"""


@pytest.mark.parametrize(
    "installed",
    [
        # As the README installs it: the provider brings the rest.
        ("stablecoin_wallet", "stablecoin_invoicing", "stablecoin_payment_provider"),
        # Invoicing without the provider: only the migration installs stablecoin_recurring.
        ("stablecoin_wallet", "stablecoin_invoicing"),
    ],
    ids=["with-provider", "invoicing-only"],
)
def test_recurring_invoices_move_to_their_addon(old_db, old_addons, tmp_path, installed):
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        installed[-1],
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    before = shell(old_db, MAKE_RECURRING, old_addons)
    template = before["TEMPLATE"]
    invoice, owner, period = before["INVOICE"].split()
    assert (owner, period) == (template, "2026-01-15")
    assert before["NEXT"] == "2026-02-15"

    odoodb.odoo(
        "-d",
        old_db,
        "-u",
        ",".join(installed),
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "upgrade.log",
    )
    after = shell(old_db, READ_BACK)
    states = dict(pair.split(":") for pair in after["STATES"].split())
    assert states["stablecoin_recurring"] == "installed"
    assert set(states.values()) <= {"installed", "uninstalled"}
    # The template and its invoice are the same records, still linked, the schedule untouched.
    assert after["TEMPLATE"] == template
    assert after["INVOICE"].split() == [invoice, template, "2026-01-15"]
    assert after["NEXT"] == "2026-02-15"
    # Every XML id of the recurring invoices is the new addon's, none is left to invoicing,
    # and the records kept their ids (updated in place, not made again).
    owners = dict(pair.split(":") for pair in after["OWNERS"].split())
    # (The payment provider extends the template since Charge on Due Date: its own view and
    # field, not moved ones.)
    assert set(owners) - {"stablecoin_payment_provider"} == {"stablecoin_recurring"}, owners
    assert after["XMLID_ir_cron_stablecoin_recurring"] == before["CRON"]
    # The administrator's schedule survives the job's move (switched off, every 3 days).
    assert after["CRONS"] == f"{before['CRON']} False 3"
    assert after["MENUS"] == "1"
    assert after["FORM_VIEWS"] == "1"
    assert after["TEMPLATE_KEY"] == "stablecoin_recurring.portal_my_stablecoin_recurring"
    # The unique index per template and period holds: the next period is invoiced once.
    assert after["INDEX"] == "1"
    assert after["SECOND"] == "1 0 2026-02-15 2"
    assert after["NEXT_AFTER"] == "2026-03-15"
    assert after["DUPLICATE"] == "refused"
