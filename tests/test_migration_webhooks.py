"""Upgrading a database of release 18.0.1.1.0 (webhooks inside stablecoin_invoicing) to
18.0.2.0.0 (their own addon, stablecoin_webhooks).

As tests/test_migration.py: the release is taken from git and installed in a fresh database,
where an accounting administrator has a webhook endpoint with a delivery queued, and has
changed the sending scheduled action (every 7 minutes, switched off). The database is then
upgraded with this checkout's addons by Odoo's own ``-u``, naming only the addons that were
installed. Once with the whole chain (the provider now depends on stablecoin_webhooks: Odoo
installs it), once with stablecoin_invoicing alone (its migration asks for it).
"""

import odoodb
import pytest
from release import shell

# In release 18.0.1.1.0: an endpoint subscribed to two events, one delivery queued for it,
# and the administrator's own schedule for the sending job.
BEFORE = """
Event = env['stablecoin.webhook.event.type']
endpoint = env['stablecoin.webhook.endpoint'].create({
    'name': 'Migrated ERP', 'url': 'http://127.0.0.1:9/hooks',
    'event_type_ids': [(6, 0, Event.search([('code', 'in', ('invoice.paid', 'invoice.sent'))]).ids)]
})
delivery = env['stablecoin.webhook.endpoint']._enqueue(env.company, 'invoice.paid', {'n': 1})
cron = env.ref('stablecoin_invoicing.ir_cron_stablecoin_webhook_send')
cron.write({'interval_number': 7, 'active': False})
print('ENDPOINT', endpoint.id, endpoint.sudo().secret)
print('DELIVERY', delivery.id, delivery.msg_id, delivery.state)
print('CRON', cron.id)
print('EVENTS', Event.search_count([]))
env.cr.commit()
"""

AFTER = """
Data = env['ir.model.data']
endpoint = env['stablecoin.webhook.endpoint'].search([('name', '=', 'Migrated ERP')])
print('ENDPOINT', endpoint.id, endpoint.sudo().secret)
print('SUBSCRIBED', ','.join(sorted(endpoint.event_type_ids.mapped('code'))))
delivery = endpoint.delivery_ids
print('DELIVERY', delivery.id, delivery.msg_id, delivery.state)
print('MODULE', env['ir.module.module'].search([('name', '=', 'stablecoin_webhooks')]).state)
# Theirs: models, fields, selections, constraints, access rights, rules, views, actions,
# menus, the scheduled action and its server action, the event types.
print('OWNERS', ','.join(sorted(set(Data.search([
    ('model', '!=', 'ir.module.module'),
    '|', ('name', 'like', 'stablecoin_webhook'), ('name', '=like', 'webhook_event_%'),
]).mapped('module')))))
kinds = Data.search([('module', '=', 'stablecoin_webhooks')]).mapped('model')
print('KINDS', ','.join(sorted(set(kinds))))
print('MODEL_OWNER', Data.search([('model', '=', 'ir.model'),
                                  ('name', '=', 'model_stablecoin_webhook_endpoint')]).module)
print('LEFT_IN_INVOICING', Data.search_count([('module', '=', 'stablecoin_invoicing'),
                                              ('name', 'like', 'webhook')]))
env.cr.execute("SELECT count(*) FROM ir_model_constraint c JOIN ir_module_module m "
               "ON m.id = c.module WHERE c.name LIKE 'stablecoin_webhook%%' "
               "AND m.name = 'stablecoin_invoicing'")
print('CONSTRAINTS_LEFT', env.cr.fetchone()[0])
Event = env['stablecoin.webhook.event.type']
print('EVENTS', Event.search_count([]),
      env.ref('stablecoin_webhooks.webhook_event_invoice_paid').code)
crons = env['ir.cron'].with_context(active_test=False).search(
    [('model_id.model', '=', 'stablecoin.webhook.delivery')])
print('CRON', len(crons), crons.id, crons.interval_number, crons.interval_type, crons.active)
print('CRON_XMLID', env.ref('stablecoin_webhooks.ir_cron_stablecoin_webhook_send').id)
menu = env.ref('stablecoin_webhooks.stablecoin_webhook_endpoint_menu')
print('MENU', env['ir.ui.menu'].search_count([('name', '=', menu.name)]),
      menu.parent_id == env.ref('stablecoin_invoicing.stablecoin_accounting_menu'))
env.cr.execute("SELECT to_regclass('stablecoin_webhooks_moved_cron')")
print('LEFTOVER_TABLE', env.cr.fetchone()[0])
# An invoice paid after the upgrade: its event is queued for the endpoint.
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
partner = env['res.partner'].create({'name': 'Customer after the upgrade'})
invoice = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
    'stablecoin_token_id': token.id,
    'stablecoin_wallet_id': env.ref('stablecoin_wallet.stablecoin_wallet_demo').id,
    'invoice_line_ids': [(0, 0, {'name': 'fee', 'price_unit': 25.0, 'tax_ids': []})]})
invoice.action_post()
env['account.payment.register'].with_context(
    active_model='account.move', active_ids=invoice.ids).create({}).action_create_payments()
print('PAID', invoice.payment_state)
queued = endpoint.delivery_ids - delivery
print('QUEUED', ','.join(queued.event_type_id.mapped('code')),
      int(all(f'"number":"{invoice.name}"' in d.payload for d in queued)))
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
def test_webhooks_move_to_their_addon_with_their_data(old_db, old_addons, tmp_path, installed):
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
    assert before["DELIVERY"].endswith(" pending")

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
    # The same records: ids, secret, subscription, the queued delivery and its message id.
    assert after["ENDPOINT"] == before["ENDPOINT"]
    assert after["SUBSCRIBED"] == "invoice.paid,invoice.sent"
    assert after["DELIVERY"] == before["DELIVERY"]
    # Owned by the new addon: no XML id of theirs left with stablecoin_invoicing.
    assert after["OWNERS"] == "stablecoin_webhooks"
    assert set(after["KINDS"].split(",")) >= {
        "ir.model",
        "ir.model.fields",
        "ir.model.fields.selection",
        "ir.model.constraint",
        "ir.model.access",
        "ir.rule",
        "ir.ui.view",
        "ir.actions.act_window",
        "ir.ui.menu",
        "ir.cron",
        "ir.actions.server",
        "stablecoin.webhook.event.type",
    }
    assert after["MODEL_OWNER"] == "stablecoin_webhooks"
    assert after["LEFT_IN_INVOICING"] == "0"
    assert after["CONSTRAINTS_LEFT"] == "0"
    # The event types once each (updated, not made again), the menu once, in its old place.
    assert after["EVENTS"] == f"{before['EVENTS']} invoice.paid"
    assert after["MENU"] == "1 True"
    # The scheduled action once, the same record, as the administrator left it.
    assert after["CRON"] == f"1 {before['CRON']} 7 minutes False"
    assert after["CRON_XMLID"] == before["CRON"]
    assert after["LEFTOVER_TABLE"] == "None"
    # Events of invoices still reach the endpoint.
    assert after["PAID"] in ("paid", "in_payment")
    assert after["QUEUED"] == "invoice.paid 1"
