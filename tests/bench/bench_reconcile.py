"""Reconciliation benchmark: our matcher against Odoo's own batch "Register payment".

Run by setup/bench.sh inside `odoo shell` on a throwaway copy of the test database:
    N=1000 python -m odoo shell ... < tests/bench/bench_reconcile.py
Creates 2*N identical open USDC invoices; N are paid by N confirmed receipts through our
scheduled matcher (matched, posted, reconciled), the other N by Odoo's "Register payment"
wizard in batch (one payment per invoice, same journal). Prints both times, the ratio and the
SQL queries per receipt. Our matcher commits every 100 receipts, as its scheduled job does (so
the invoices and receipts before it are committed too); Odoo's wizard runs in one transaction,
as it does for a user; the rest is rolled back, and setup/bench.sh drops the database.
"""

import os
import time

import odoo
from odoo import Command

from odoo.addons.stablecoin_wallet.chain.logs import TokenTransfer

N = int(os.environ.get("N", "1000"))
env = env  # noqa: F821,PLW0127  (odoo shell's global)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
company = env.company

token = env.ref("stablecoin_wallet.stablecoin_token_usdc_local")
wallet = env.ref("stablecoin_wallet.stablecoin_wallet_demo")
wallet.kind = "address"  # the shared address, as measured before (deposit addresses: same path)
journal = wallet._journal_for(token)
partner = env["res.partner"].create({"name": "Bench customer"})


def make_invoices(count, offset, chunk=500):
    """Create and post `count` invoices, `chunk` at a time (one huge create of 10,000 moves
    spends most of its time in the ORM cache, not in the database)."""
    ids = []
    for start in range(0, count, chunk):
        ids += _make_chunk(min(chunk, count - start), offset + start).ids
        env.flush_all()
        env.invalidate_all()
    return env["account.move"].browse(ids)


def _make_chunk(count, offset):
    vals = [
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "currency_id": token.currency_id.id,
            "stablecoin_token_id": token.id,
            "stablecoin_wallet_id": wallet.id,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Bench", "price_unit": 100 + (offset + i) / 100, "tax_ids": []}
                )
            ],
        }
        for i in range(count)
    ]
    invoices = env["account.move"].create(vals)
    invoices.action_post()
    return invoices


def queries():
    return odoo.sql_db.sql_counter


t0 = time.perf_counter()
ours = make_invoices(N, 0)
theirs = make_invoices(N, N)
env.flush_all()
setup_time = time.perf_counter() - t0

# N confirmed receipts, as the watcher records them, one per invoice (exact quoted amounts).
address = wallet.address_ids[:1]
network = token.network_id
transfers = []
for i, invoice in enumerate(ours):
    units = int(invoice.stablecoin_request_id.amount_units)
    transfers.append(
        TokenTransfer(
            token=token.contract_address,
            sender="0x" + "11" * 20,
            recipient=address.address,
            amount=units,
            block_number=10 + i,
            block_hash="0x" + f"{i:064x}",
            tx_hash="0x" + f"{i + 1:064x}",
            log_index=0,
        )
    )
records = env["stablecoin.transfer"]._record_transfers(
    network, transfers, {token.contract_address: token}, {address.address: address}
)
records.write({"state": "confirmed"})
env.flush_all()
env.invalidate_all()  # both sides start from a cold ORM cache

q0, t0 = queries(), time.perf_counter()
if os.environ.get("PROFILE"):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
env["stablecoin.transfer"]._cron_match()
env.flush_all()
if os.environ.get("PROFILE"):
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"stablecoin|account_move\.py.*(reconcile|_post)|mail_thread", 30)
ours_time, ours_queries = time.perf_counter() - t0, queries() - q0

env.invalidate_all()
q0, t0 = queries(), time.perf_counter()
wizard = (
    env["account.payment.register"]
    .with_context(active_model="account.move", active_ids=theirs.ids)
    .create({"journal_id": journal.id, "group_payment": False})
)
wizard._create_payments()
env.flush_all()
odoo_time, odoo_queries = time.perf_counter() - t0, queries() - q0

# The customers' payment notices the matcher queued, sent by their own scheduled action
# after it (not part of the comparison: Odoo's wizard emails nobody).
env.invalidate_all()
notices = env["stablecoin.payment.notice"].search_count([("state", "=", "pending")])
q0, t0 = queries(), time.perf_counter()
env["stablecoin.payment.notice"]._cron_send()
env.flush_all()
notice_time, notice_queries = time.perf_counter() - t0, queries() - q0

paid_ours = sum(1 for m in ours if m.payment_state in ("paid", "in_payment"))
paid_theirs = sum(1 for m in theirs if m.payment_state in ("paid", "in_payment"))
assert paid_ours == N, f"only {paid_ours} of {N} invoices paid by the matcher"
assert paid_theirs == N, f"only {paid_theirs} of {N} invoices paid by Odoo's wizard"
print(f"BENCH reconcile N={N} (setup {setup_time:.1f} s for {2 * N} invoices)")
print(
    f"BENCH   ours (matcher: match, post, reconcile): {ours_time:8.2f} s "
    f"{ours_queries / N:7.1f} queries/receipt"
)
print(
    f"BENCH   odoo (Register payment, batch):         {odoo_time:8.2f} s "
    f"{odoo_queries / N:7.1f} queries/payment"
)
print(f"BENCH   ratio ours/odoo: {ours_time / odoo_time:.2f}  (goal <= 1.2)")
if notices:
    print(
        f"BENCH   then {notices} payment notices sent by their job: {notice_time:8.2f} s "
        f"({notice_time / notices * 1000:.1f} ms, {notice_queries / notices:.1f} queries each)"
    )
env.cr.rollback()
