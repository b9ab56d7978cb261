"""Upgrading a database of release 18.0.1.1.0, where a credit note's refund was a flag the
accountant's confirmation set, to 18.0.2.0.0, where it is an outbound payment request: a
credit note confirmed before the upgrade keeps its refund (same amount, same address, same
URI), matched by the watcher as before; one never confirmed gets none."""

import odoodb
from release import shell

# Two credit notes of the release, written as its confirmation left them (the refund address
# is the original payer's, which the release checked against the invoice's receipts).
MAKE_REFUNDS = """
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
partner = env['res.partner'].create({'name': 'Refunded customer'})
payer = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
notes = env['account.move']
for amount in (12.5, 7.0):
    note = env['account.move'].create({
        'move_type': 'out_refund', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
        'invoice_line_ids': [(0, 0, {'name': 'refund', 'price_unit': amount, 'tax_ids': []})]})
    note.action_post()
    notes |= note
env.cr.execute(
    "UPDATE account_move SET stablecoin_refund_token_id = %s, stablecoin_refund_address = %s "
    "WHERE id IN %s", [token.id, payer, tuple(notes.ids)])
env.cr.execute(
    "UPDATE account_move SET stablecoin_refund_confirmed = TRUE WHERE id = %s", [notes[0].id])
env.invalidate_all()
print('CONFIRMED', notes[0].id, notes[0].stablecoin_refund_units, notes[0].stablecoin_refund_uri)
print('UNCONFIRMED', notes[1].id)
env.cr.commit()
"""

READ_BACK = """
Request = env['stablecoin.payment.request']
for note in env['account.move'].search([('partner_id.name', '=', 'Refunded customer')]):
    refunds = Request.search([('move_id', '=', note.id), ('direction', '=', 'out')])
    print('NOTE_%d' % note.id, len(refunds), refunds.state or '-', refunds.recipient or '-',
          note.stablecoin_refund_confirmed, note.stablecoin_refund_units,
          note.stablecoin_refund_uri)
env.cr.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
               "'account_move' AND column_name = 'stablecoin_refund_confirmed'")
print('COLUMN', env.cr.fetchone()[0])
"""


def test_confirmed_refunds_become_refund_requests(old_db, old_addons, tmp_path):
    installed = ("stablecoin_wallet", "stablecoin_invoicing", "stablecoin_payment_provider")
    common = ("--stop-after-init", "--no-http", "--log-level=warn")
    odoodb.odoo(
        "-d",
        old_db,
        f"--addons-path={old_addons}",
        "-i",
        installed[-1],
        *common,
        log_file=tmp_path / "install.log",
    )
    before = shell(old_db, MAKE_REFUNDS, old_addons)
    confirmed, units, uri = before["CONFIRMED"].split()
    assert units == "12500000"
    unconfirmed = before["UNCONFIRMED"]

    odoodb.odoo("-d", old_db, "-u", ",".join(installed), *common, log_file=tmp_path / "upgrade.log")
    after = shell(old_db, READ_BACK)
    payer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert after[f"NOTE_{confirmed}"].split() == ["1", "awaiting", payer, "True", units, uri]
    assert after[f"NOTE_{unconfirmed}"].split() == ["0", "-", "-", "False", "False", "False"]
    assert after["COLUMN"] == "0"
