"""Upgrading a database of the quote era (18.0.1.0.0) to payment requests (18.0.1.1.0).

The previous release of the addons is taken from git (the last commit before payment
requests) and installed in a fresh database; invoices are posted there as its users did, two
of one amount on the demo's shared address (the ambiguity this release removes). Then the
database is upgraded with the addons of this checkout, by Odoo's own `-u`.
"""

import os
import subprocess

import odoodb
import pytest
from release import release_addons_path

# The last commit whose stablecoin_invoicing had `stablecoin.quote` (version 18.0.1.0.0).
QUOTE_ERA = "2ad214e"


@pytest.fixture
def old_addons(tmp_path):
    """The quote era's addons (overrides conftest's, which is the previous release)."""
    return release_addons_path(QUOTE_ERA, tmp_path / "old")


def old_shell(db, addons_path, script):
    proc = subprocess.run(
        [*odoodb.shell_cmd(db), f"--addons-path={addons_path}"],
        input=script,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, TZ="UTC"),
        check=False,
    )
    assert proc.returncode == 0 and " ERROR " not in proc.stderr, proc.stderr[-3000:]
    return proc.stdout


POST_TWO_OF_ONE_AMOUNT = """
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
partner = env['res.partner'].create({'name': 'Migrated customer'})
for amount in (40.0, 40.0):
    inv = env['account.move'].create({
        'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
        'stablecoin_token_id': token.id, 'stablecoin_wallet_id': wallet.id,
        'invoice_line_ids': [(0, 0, {'name': 'fee', 'price_unit': amount, 'tax_ids': []})]})
    inv.action_post()
    q = inv.stablecoin_quote_id
    print('OLD', inv.id, q.id, q.amount_units, q.state)
provider = env.ref('stablecoin_payment_provider.payment_provider_stablecoin')
print('CURRENCIES', len(provider.available_currency_ids))
token.network_id.write({'last_scanned_block': 4242, 'last_scanned_hash': '0x' + 'ab' * 32,
                        'scan_chunk_size': 777, 'head_block': 4250, 'error_count': 3})
env.cr.commit()
"""

READ_BACK = """
for inv in env['account.move'].search([('partner_id.name', '=', 'Migrated customer')], order='id'):
    r = inv.stablecoin_request_id
    print('NEW', inv.id, r.id, r.amount_units, r.state, r.shared, len(inv.stablecoin_request_ids),
          inv.stablecoin_payment_status, inv.stablecoin_payment_uri or '-')
print('MODEL', env['ir.model'].search_count([('model', '=', 'stablecoin.quote')]))
provider = env.ref('stablecoin_payment_provider.payment_provider_stablecoin')
print('CURRENCIES', len(provider.available_currency_ids))
network = env.ref('stablecoin_wallet.stablecoin_token_usdc_local').network_id
cursor = network.cursor_ids
print('CURSOR', len(cursor), cursor.last_scanned_block, cursor.last_scanned_hash,
      cursor.scan_chunk_size, cursor.head_block, cursor.error_count, cursor.health,
      network.last_scanned_block, network.lag_blocks)
networks = env['stablecoin.network'].with_context(active_test=False)
print('WITHOUT_CURSOR', networks.search_count([('cursor_ids', '=', False)]))
env.cr.execute("SELECT count(*) FROM information_schema.columns "
               "WHERE table_name = 'stablecoin_network' AND column_name = 'head_block'")
print('OLD_COLUMNS', env.cr.fetchone()[0])
"""

# After the upgrade an existing wallet keeps its kind (a fixed address) and its open requests what
# their customers were told: a payment of the second invoice's amount there pays it by amount.
# When the business then switches the wallet to deposit addresses, a new invoice gets an address
# of its own, and the first invoice's open request keeps the shared address and its amount.
PAY_AFTER_UPGRADE = """
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
print('WALLET', wallet.kind)
second = env['account.move'].search([('partner_id.name', '=', 'Migrated customer')],
                                    order='id desc', limit=1)
request = second.stablecoin_request_id
Transfer = env['stablecoin.transfer']
Transfer.create({
    'network_id': token.network_id.id, 'token_id': token.id, 'tx_hash': '0x' + '77' * 32,
    'log_index': 0, 'block_number': 5000, 'block_hash': '0x' + '78' * 32,
    'sender': '0x' + '33' * 20, 'recipient': request.address_id.address,
    'address_id': request.address_id.id, 'amount_units': request.amount_units,
    'amount': int(request.amount_units) / 10 ** 6, 'state': 'confirmed', 'confirmations': 9})
Transfer._cron_match()
receipt = Transfer.search([('tx_hash', '=', '0x' + '77' * 32)])
print('PAID', receipt.state, receipt.bound_by, receipt.move_id == second, second.payment_state)
wallet.kind = 'deposit'
first = env['account.move'].search([('partner_id.name', '=', 'Migrated customer')],
                                   order='id', limit=1)
print('FIRST', first.stablecoin_request_id.shared, first.stablecoin_request_id.amount_units,
      first.stablecoin_address == request.address_id.address)
new = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': second.partner_id.id,
    'currency_id': token.currency_id.id, 'stablecoin_wallet_id': wallet.id,
    'invoice_line_ids': [(0, 0, {'name': 'fee', 'price_unit': 40.0, 'tax_ids': []})]})
new.action_post()
r = new.stablecoin_request_id
print('NEWINV', r.shared, bool(r.address_id.deposit_salt), r.amount_units,
      r.address_id.address != request.address_id.address)
"""


def test_quotes_become_payment_requests(old_db, old_addons, tmp_path):
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        "stablecoin_invoicing,stablecoin_payment_provider",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    before = old_shell(old_db, old_addons, POST_TWO_OF_ONE_AMOUNT)
    old = [line.split()[1:] for line in before.splitlines() if line.startswith("OLD")]
    # The old provider took the token currencies only (USDC, USDT).
    assert "CURRENCIES 2" in before
    assert [row[2:] for row in old] == [["40000000", "active"], ["40000000", "active"]]

    odoodb.odoo(
        "-d",
        old_db,
        "-u",
        "stablecoin_wallet,stablecoin_invoicing,stablecoin_payment_provider",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "upgrade.log",
    )
    out = odoodb.shell(old_db, READ_BACK)
    new = [line.split() for line in out.splitlines() if line.startswith("NEW")]
    assert "MODEL 0" in out
    # The provider takes every currency now: a EUR invoice priced in USDC is paid through it.
    assert "CURRENCIES 0" in out
    (first_inv, first_quote, *_), (second_inv, second_quote, *_) = old
    first, second = new
    # The first invoice keeps its record, id and amount: what its customer was told holds.
    assert first[1:7] == [first_inv, first_quote, "40000000", "awaiting", "True", "1"]
    # The second had the same amount: it now asks for an amount of its own.
    assert second[1] == second_inv and second[2] != second_quote
    assert second[3:7] == ["40000001", "awaiting", "True", "2"]
    assert first[7] == second[7] == "awaiting"
    assert "uint256=40000001" in second[8]
    # The watcher's checkpoint and health moved to the network's cursor (18.0.2.0.0).
    cursor = next(line.split()[1:] for line in out.splitlines() if line.startswith("CURSOR "))
    assert cursor == ["1", "4242", "0x" + "ab" * 32, "777", "4250", "3", "unknown", "4242", "8"]
    assert "WITHOUT_CURSOR 0" in out
    assert "OLD_COLUMNS 0" in out
    paid = odoodb.shell(old_db, PAY_AFTER_UPGRADE)
    assert "WALLET address" in paid
    assert "FIRST True 40000000 True" in paid
    assert "PAID matched amount True paid" in paid or "PAID matched amount True in_payment" in paid
    assert "NEWINV False True 40000000 True" in paid
