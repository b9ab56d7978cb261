"""Upgrading a database of release 18.0.1.1.0 (the bank wire and card on-ramps inside
stablecoin_payment_provider, as switches and prefixed credentials on the one ``stablecoin``
provider) to 18.0.2.0.0 (their own addon, stablecoin_onramp, with the provider codes
``stablecoin_bridge`` and ``stablecoin_stripe``).

As tests/test_migration_webhooks.py: the release is taken from git and installed in a fresh
database, where a system administrator switched both on-ramps on in test mode with their
credentials and a fees account, the business has its bank account at Bridge, and an invoice
has a wire, a card payment and a deposit with their events. The database is then upgraded with
this checkout's addons by Odoo's own ``-u``, naming only the addons that were installed (the
provider now depends on stablecoin_onramp: Odoo installs it, and its ``pre_init_hook`` takes
over the on-ramps' records before its data loads).
"""

import odoodb
from release import shell

INSTALLED = "stablecoin_wallet,stablecoin_invoicing,stablecoin_payment_provider"

# In release 18.0.1.1.0: both on-ramps on the stablecoin provider, an account at Bridge, and
# an invoice's wire, card payment and deposit, with an event.
BEFORE = """
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pem = key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
fees = env['account.account'].create(
    {'name': 'On-ramp fees', 'code': '627199', 'account_type': 'expense'})
provider = env.ref('stablecoin_payment_provider.payment_provider_stablecoin')
provider.write({
    'state': 'test', 'is_published': True,
    'stablecoin_wire_enabled': True, 'stablecoin_bridge_api_url': 'http://127.0.0.1:9/bridge',
    'stablecoin_bridge_api_key': 'sk-bridge-migrated', 'stablecoin_bridge_customer_id': 'cust_m',
    'stablecoin_bridge_webhook_key': pem, 'stablecoin_bridge_source_rail': 'sepa',
    'stablecoin_onramp_fee_account_id': fees.id,
    'stablecoin_card_enabled': True, 'stablecoin_stripe_api_url': 'http://127.0.0.1:9/stripe',
    'stablecoin_stripe_secret_key': 'sk_test_migrated',
    'stablecoin_stripe_webhook_secret': 'whsec_migrated'})
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
account = env['stablecoin.onramp.account'].create({
    'name': 'va_migrated', 'provider_id': provider.id, 'token_id': token.id,
    'address': '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', 'bank_name': 'Lead Bank',
    'bank_account_number': '215268120000'})
partner = env['res.partner'].create({'name': 'Customer paying by wire'})
invoice = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
    'stablecoin_token_id': token.id, 'stablecoin_wallet_id': wallet.id,
    'invoice_line_ids': [(0, 0, {'name': 'fee', 'price_unit': 40.0, 'tax_ids': []})]})
invoice.action_post()
Transfer = env['stablecoin.onramp.transfer']
common = {'provider_id': provider.id, 'move_id': invoice.id,
          'request_id': invoice.stablecoin_request_id.id}
wire = Transfer.create(dict(common, name='tr_migrated', idempotency_key='k-tr',
                            state='funds_received', amount='40.00', currency='USD',
                            bank_name='Lead Bank', deposit_message='BRGMIGRATED'))
card = Transfer.create(dict(common, name='cos_migrated', kind='card', idempotency_key='k-cos',
                            state='payment_submitted', redirect_url='http://127.0.0.1:9/pay'))
deposit = Transfer.create(dict(common, name='deposit dep_migrated', kind='deposit',
                               idempotency_key='k-dep', account_id=account.id,
                               sender_name='ACME Buyer LLC'))
event = env['stablecoin.onramp.event'].create({
    'name': 'wh_migrated', 'transfer_id': wire.id, 'event_type': 'updated',
    'status': 'funds_received', 'outcome': 'applied', 'payload': '{}'})
print('PROVIDER', provider.id)
print('FEES', fees.id)
print('ACCOUNT', account.id, account.bank_account_number)
print('INVOICE', invoice.id, invoice.stablecoin_request_id.id)
print('WIRE', wire.id, wire.state, wire.bank_name, wire.deposit_message)
print('CARD', card.id, card.state, card.redirect_url)
print('DEPOSIT', deposit.id, deposit.sender_name, deposit.account_id.id)
print('EVENT', event.id, event.transfer_id.id)
env.cr.commit()
"""

AFTER = """
Data = env['ir.model.data']
Provider = env['payment.provider']
print('MODULE', env['ir.module.module'].search([('name', '=', 'stablecoin_onramp')]).state)
bridge = env.ref('stablecoin_onramp.payment_provider_stablecoin_bridge')
stripe = env.ref('stablecoin_onramp.payment_provider_stablecoin_stripe')
print('PROVIDERS', Provider.search_count([('code', '=', 'stablecoin_bridge')]),
      Provider.search_count([('code', '=', 'stablecoin_stripe')]))
print('BRIDGE', bridge.state, bridge.is_published, bridge.stablecoin_bridge_api_url,
      bridge.stablecoin_bridge_api_key, bridge.stablecoin_bridge_customer_id,
      bridge.stablecoin_bridge_source_rail, bridge.stablecoin_bridge_fee_account_id.id,
      int('BEGIN PUBLIC KEY' in (bridge.stablecoin_bridge_webhook_key or '')))
print('STRIPE', stripe.state, stripe.is_published, stripe.stablecoin_stripe_api_url,
      stripe.stablecoin_stripe_secret_key, stripe.stablecoin_stripe_webhook_secret)
old = env.ref('stablecoin_payment_provider.payment_provider_stablecoin')
print('STABLECOIN', old.id, old.code, old.state, int(any(old[name] for name in (
    'stablecoin_bridge_api_key', 'stablecoin_bridge_customer_id', 'stablecoin_bridge_webhook_key',
    'stablecoin_stripe_secret_key', 'stablecoin_stripe_webhook_secret'))))
Transfer = env['stablecoin.onramp.transfer']
wire = Transfer.search([('name', '=', 'tr_migrated')])
card = Transfer.search([('name', '=', 'cos_migrated')])
deposit = Transfer.search([('name', '=', 'deposit dep_migrated')])
account = env['stablecoin.onramp.account'].search([('name', '=', 'va_migrated')])
print('ACCOUNT', account.id, account.bank_account_number)
print('ACCOUNT_PROVIDER', account.provider_id.code,
      int(bridge._stablecoin_onramp_account() == account))
print('WIRE', wire.id, wire.state, wire.bank_name, wire.deposit_message)
print('CARD', card.id, card.state, card.redirect_url)
print('DEPOSIT', deposit.id, deposit.sender_name, deposit.account_id.id)
print('CODES', wire.provider_id.code, card.provider_id.code, deposit.provider_id.code)
event = env['stablecoin.onramp.event'].search([('name', '=', 'wh_migrated')])
print('EVENT', event.id, event.transfer_id.id)
print('INVOICE_ONRAMPS', len(wire.move_id.stablecoin_onramp_ids))
MODELS = ('stablecoin.onramp.transfer', 'stablecoin.onramp.event', 'stablecoin.onramp.account')
print('MODEL_OWNERS', ','.join(sorted(set(Data.search([
    ('model', '=', 'ir.model'), ('res_id', 'in', env['ir.model'].search(
        [('model', 'in', MODELS)]).ids)]).mapped('module')))))
print('LEFT_IN_PROVIDER', Data.search_count([
    ('module', '=', 'stablecoin_payment_provider'),
    '|', '|', '|', ('name', 'like', 'onramp'), ('name', 'like', 'bridge'),
    ('name', 'like', 'stripe'), ('name', 'in', ('payment_provider_form', 'view_move_form',
                                               'portal_invoice_page_wire'))]))
kinds = Data.search([('module', '=', 'stablecoin_onramp')]).mapped('model')
print('KINDS', ','.join(sorted(set(kinds))))
env.cr.execute("SELECT count(*) FROM ir_model_constraint c JOIN ir_module_module m "
               "ON m.id = c.module WHERE c.name LIKE 'stablecoin_onramp%%' "
               "AND m.name = 'stablecoin_payment_provider'")
print('CONSTRAINTS_LEFT', env.cr.fetchone()[0])
menu = env.ref('stablecoin_onramp.stablecoin_onramp_transfer_menu')
print('MENU', env['ir.ui.menu'].search_count([('name', '=', menu.name)]))
View = env['ir.ui.view']
print('VIEWS', View.search_count([('name', '=', 'account.move.form.stablecoin.onramp')]),
      View.search_count([('key', '=', 'stablecoin_onramp.portal_invoice_page_wire')]))
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
               "'payment_provider' AND column_name IN ('stablecoin_wire_enabled', "
               "'stablecoin_card_enabled', 'stablecoin_onramp_fee_account_id')")
print('OLD_COLUMNS', len(env.cr.fetchall()))
# The payer asks for the wire again: the same transfer, now the invoice's checkout.
again = Transfer._for_invoice(wire.move_id, bridge)
tx = again.transaction_id
print('AGAIN', again.id, tx.provider_code, tx.provider_reference, tx.state,
      tx.invoice_ids.id)
env.cr.rollback()
"""


def test_onramps_move_to_their_addon_and_providers_with_their_data(old_db, old_addons, tmp_path):
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        INSTALLED,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    before = shell(old_db, BEFORE, old_addons)
    assert before["WIRE"].endswith("funds_received Lead Bank BRGMIGRATED")

    odoodb.odoo(
        "-d",
        old_db,
        "-u",
        INSTALLED,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "upgrade.log",
    )
    after = shell(old_db, AFTER)
    assert after["MODULE"] == "installed"
    # One provider per code; the credentials moved, in test mode and published as the
    # stablecoin provider was, with the fees account and the source rail.
    assert after["PROVIDERS"] == "1 1"
    assert after["BRIDGE"] == (
        f"test True http://127.0.0.1:9/bridge sk-bridge-migrated cust_m sepa {before['FEES']} 1"
    )
    assert after["STRIPE"] == "test True http://127.0.0.1:9/stripe sk_test_migrated whsec_migrated"
    # The stablecoin provider stays (Pay now), with no on-ramp secret left on it.
    assert after["STABLECOIN"] == f"{before['PROVIDER']} stablecoin test 0"
    # The same records, with their data, each with its provider.
    for key in ("ACCOUNT", "WIRE", "CARD", "DEPOSIT", "EVENT"):
        assert after[key] == before[key], key
    assert after["CODES"] == "stablecoin_bridge stablecoin_stripe stablecoin_bridge"
    assert after["ACCOUNT_PROVIDER"] == "stablecoin_bridge 1"
    assert after["INVOICE_ONRAMPS"] == "3"
    # Owned by the new addon: models, fields, constraints, access, rules, views, menu.
    assert after["MODEL_OWNERS"] == "stablecoin_onramp"
    assert after["LEFT_IN_PROVIDER"] == "0"
    assert after["CONSTRAINTS_LEFT"] == "0"
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
        "payment.provider",
    }
    assert after["MENU"] == "1"
    assert after["VIEWS"] == "1 1"
    assert after["OLD_COLUMNS"] == "0"
    # An open wire asked for again becomes the invoice's checkout (a Bridge transaction).
    wire_id = before["WIRE"].split()[0]
    invoice_id = before["INVOICE"].split()[0]
    assert after["AGAIN"] == f"{wire_id} stablecoin_bridge tr_migrated pending {invoice_id}"
