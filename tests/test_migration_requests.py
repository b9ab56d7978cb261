"""Upgrading a database of release 18.0.1.1.0 to 18.0.2.0.0, where what the invoice carried
about its payment moved onto the payment request:

* refunds: a credit note's refund was a flag the accountant's confirmation set, it is an
  outbound payment request. A credit note confirmed before the upgrade keeps its refund (same
  amount, same address, same URI), matched by the watcher as before; one never confirmed gets
  none.
* rejection and lateness: columns of the invoice, now the rejected request (with the
  customer's reason) and the request paid late. A rejected invoice stays rejected (no QR, the
  reason kept), one paid late stays paid late, an ordinary one is untouched."""

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
# Invoices: one the customer rejects, one paid late (as the release's matcher flagged it), one
# paid on time.
env['stablecoin.wallet'].create({
    'name': 'Shared', 'kind': 'address', 'address': '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    'token_ids': [(6, 0, token.ids)]})
invoices = env['account.move']
for amount in (30.0, 40.0, 50.0):
    invoice = env['account.move'].create({
        'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
        'invoice_line_ids': [(0, 0, {'name': 'work', 'price_unit': amount, 'tax_ids': []})]})
    invoice.stablecoin_token_id = token
    invoice.action_post()
    invoices |= invoice
rejected, late, on_time = invoices
rejected._stablecoin_reject('Not what we ordered')
for invoice in (late, on_time):
    env['account.payment.register'].with_context(
        active_model='account.move', active_ids=invoice.ids).create({})._create_payments()
env.cr.execute("UPDATE account_move SET stablecoin_paid_late = TRUE WHERE id = %s", [late.id])
env.invalidate_all()
env.add_to_compute(type(late)._fields['stablecoin_payment_status'], late)
env.flush_all()
print('STATUSES', ' '.join(invoices.mapped('stablecoin_payment_status')))
print('INVOICES', ' '.join(str(i) for i in invoices.ids))
env.cr.commit()
"""

READ_BACK = """
Request = env['stablecoin.payment.request']
for note in env['account.move'].search([('partner_id.name', '=', 'Refunded customer')]):
    refunds = Request.search([('move_id', '=', note.id), ('direction', '=', 'out')])
    print('NOTE_%d' % note.id, len(refunds), refunds.state or '-', refunds.recipient or '-',
          note.stablecoin_refund_confirmed, note.stablecoin_refund_request_id.amount_units,
          note.stablecoin_refund_request_id.payment_uri)
env.cr.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
               "'account_move' AND column_name = 'stablecoin_refund_confirmed'")
print('COLUMN', env.cr.fetchone()[0])
for invoice in env['account.move'].search([('partner_id.name', '=', 'Refunded customer'),
                                           ('move_type', '=', 'out_invoice')]):
    request = invoice.stablecoin_request_id
    late = any(invoice.stablecoin_request_ids.mapped('paid_late'))
    print('INVOICE_%d' % invoice.id, invoice.stablecoin_payment_status, request.state, late,
          bool(invoice.stablecoin_payment_uri), request.reject_reason or '-')
env.cr.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'account_move' "
               "AND column_name IN ('stablecoin_reject_reason', 'stablecoin_paid_late')")
print('STATE_COLUMNS', env.cr.fetchone()[0])
"""


def test_refunds_rejections_and_lateness_move_onto_requests(old_db, old_addons, tmp_path):
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
    assert before["STATUSES"].split() == ["rejected", "paid_late", "paid"]
    rejected, late, on_time = before["INVOICES"].split()

    odoodb.odoo("-d", old_db, "-u", ",".join(installed), *common, log_file=tmp_path / "upgrade.log")
    after = shell(old_db, READ_BACK)
    payer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    assert after[f"NOTE_{confirmed}"].split() == ["1", "awaiting", payer, "True", units, uri]
    assert after[f"NOTE_{unconfirmed}"].split() == ["0", "-", "-", "False", "False", "False"]
    assert after["COLUMN"] == "0"
    status, state, paid_late, has_uri, reason = after[f"INVOICE_{rejected}"].split(" ", 4)
    assert (status, state, paid_late, has_uri, reason) == (
        "rejected",
        "rejected",
        "False",
        "False",
        "Not what we ordered",
    )
    late_status, _state, late_flag, *_rest = after[f"INVOICE_{late}"].split()
    assert (late_status, late_flag) == ("paid_late", "True")
    on_time_status, _state, on_time_flag, *_rest = after[f"INVOICE_{on_time}"].split()
    assert (on_time_status, on_time_flag) == ("paid", "False")
    assert after["STATE_COLUMNS"] == "0"
