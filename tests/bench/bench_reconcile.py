"""Reconciliation benchmark: our matcher against Odoo's own batch "Register payment".

Run by setup/bench.sh inside `odoo shell` on a throwaway copy of the test database:
    N=1000 python -m odoo shell ... < tests/bench/bench_reconcile.py
Creates 2*N identical open USDC invoices; N are paid by N confirmed receipts through our
scheduled matcher (matched, posted, reconciled), the other N by Odoo's "Register payment"
wizard in batch (one payment per invoice, same journal). Prints both times, the ratio, the
CPU time of the Odoo process and its PostgreSQL backend (less inflated by a shared machine's
load than the wall time), the SQL queries per receipt, and where those go: per
receipt / payment, the queries by kind (SQL verb and main table) and by origin (the innermost
function of our addons that issued them and the function it called; ``odoo``: none of ours on
the stack), both sides counted in the same run. Our matcher commits every 100 receipts, as
its scheduled job does (so the invoices and receipts before it are committed too); Odoo's
wizard runs in one transaction, as it does for a user; the rest is rolled back, and
setup/bench.sh drops the database.
"""

import os
import re
import statistics
import sys
import threading
import time
from collections import Counter

import odoo
from odoo import Command

from odoo.addons.stablecoin_wallet.chain.logs import TokenTransfer

N = int(os.environ.get("N", "1000"))
DETAIL = bool(os.environ.get("DETAIL"))
env = env  # noqa: F821,PLW0127  (odoo shell's global)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
company = env.company

token = env.ref("stablecoin_wallet.stablecoin_token_usdc_local")
wallet = env.ref("stablecoin_wallet.stablecoin_wallet_demo")
wallet.kind = "address"  # the shared address, as measured before (deposit addresses: same path)
journal = wallet._journal_for(token)
# Identity verified (KYC): 1,000 invoices of one customer within 30 days are above any
# company's KYC threshold, and posting them is refused for an unverified customer.
partner = env["res.partner"].create({"name": "Bench customer", "stablecoin_kyc_verified": True})


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


_TABLE = {
    "SELECT": re.compile(r'\bFROM\s+"?(\w+)', re.IGNORECASE),
    "WITH": re.compile(r'\bFROM\s+"?(\w+)', re.IGNORECASE),
    "INSERT": re.compile(r'^\s*INSERT\s+INTO\s+"?(\w+)', re.IGNORECASE),
    "UPDATE": re.compile(r'^\s*UPDATE\s+"?(\w+)', re.IGNORECASE),
    "DELETE": re.compile(r'^\s*DELETE\s+FROM\s+"?(\w+)', re.IGNORECASE),
}
_LOCK = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b", re.IGNORECASE)
_OURS = f"{os.sep}stablecoin_"


def _where(frame):
    """``addon/file.py:function`` of a frame (the last two folders of the path at most)."""
    parts = frame.f_code.co_filename.split(os.sep)
    start = next((i + 1 for i in range(len(parts) - 1, -1, -1) if parts[i] == "addons"), -1)
    short = "/".join(parts[start:]).replace("/models/", "/")
    return f"{short.removeprefix('stablecoin_')}:{frame.f_code.co_name}"


class QueryBreakdown:
    """Where a phase's queries go: counted by kind (SQL verb and main table: the first FROM
    of a SELECT, the target of a write; ``SELECT ... FOR UPDATE`` apart) and by origin: the
    innermost function of our addons on the stack and the one it called (``odoo`` when none of
    ours is: Odoo's own work; "our override > Odoo's method" is Odoo's work under one of our
    overrides, "our function > odoo/models.py:search" our own lookup). Fed by Odoo's
    per-thread query hooks, which ``sql_db.Cursor.execute`` calls as for Odoo's profiler."""

    def __init__(self):
        self.kinds, self.origins, self.detail, self.total = Counter(), Counter(), Counter(), 0
        self.samples = Counter()

    def __enter__(self):
        thread = threading.current_thread()
        if not hasattr(thread, "query_hooks"):
            thread.query_hooks = []
        thread.query_hooks.append(self.hook)
        return self

    def __exit__(self, *exc):
        threading.current_thread().query_hooks.remove(self.hook)

    def hook(self, _cr, query, _params, _start, _delay):
        if isinstance(query, bytes):
            query = query.decode(errors="replace")
        verb = (query.split(None, 1) or ["?"])[0].upper()
        found = _TABLE.get(verb) and _TABLE[verb].search(query)
        if verb == "SELECT" and _LOCK.search(query):
            verb = "SELECT FOR UPDATE"
        kind = f"{verb} {found.group(1) if found else '-'}"
        self.kinds[kind] += 1
        frame, callee = sys._getframe(1), None
        while frame and _OURS not in frame.f_code.co_filename:
            if not frame.f_code.co_filename.startswith("<"):  # not a decorator's wrapper
                callee = frame
            frame = frame.f_back
        origin = f"{_where(frame)} > {_where(callee) if callee else 'SQL'}" if frame else "odoo"
        self.origins[origin] += 1
        self.detail[origin, kind] += 1
        if DETAIL:
            self.samples[origin, kind, " ".join(query.split())[:150]] += 1
        self.total += 1


def print_breakdown(ours, odoo_, per, top=25):
    """The ``top`` kinds and origins of both sides, per receipt / payment (``per``); with
    ``DETAIL=1`` the kinds of each of the top origins."""
    for title, attr in (
        ("kind (verb, table)", "kinds"),
        ("origin (ours > what it called)", "origins"),
    ):
        a, b = getattr(ours, attr), getattr(odoo_, attr)
        print(f"BENCH   queries by {title}:{'ours':>{94 - len(title)}} {'odoo':>7}")
        shown = [key for key, _count in (a + b).most_common(top)]
        for key in shown:
            print(f"BENCH     {key[:98]:98} {a[key] / per:7.2f} {b[key] / per:7.2f}")
        rest_a = sum(a.values()) - sum(a[key] for key in shown)
        rest_b = sum(b.values()) - sum(b[key] for key in shown)
        print(f"BENCH     {'(the rest)':98} {rest_a / per:7.2f} {rest_b / per:7.2f}")
    if DETAIL:
        for origin, _count in (ours.origins + odoo_.origins).most_common(top):
            print(f"BENCH   {origin}:")
            for (where, kind), _n in (ours.detail + odoo_.detail).most_common():
                if where == origin:
                    print(
                        f"BENCH       {kind[:94]:94} {ours.detail[where, kind] / per:7.2f} "
                        f"{odoo_.detail[where, kind] / per:7.2f}"
                    )
                    # The distinct statements of that kind there, each of at least 10 %.
                    both = ours.detail[where, kind] + odoo_.detail[where, kind]
                    for (*key, sample), count in (ours.samples + odoo_.samples).most_common():
                        if key == [where, kind] and count * 10 >= both:
                            print(f"BENCH         {count:6d} x {sample}")


def cpu_seconds():
    """CPU time spent so far by this process and by its PostgreSQL backend (both do the work;
    on a shared machine the wall time also counts the waits for a core): (python, database)."""
    with open(f"/proc/{BACKEND}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # from the state on (field 3)
    return time.process_time(), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle_database():
    """Let PostgreSQL write out what the previous phase left (CHECKPOINT) and refresh the
    planner's statistics (ANALYZE), untimed: neither timed phase pays for the other's (or
    the set-up's) dirty pages or new rows. The bench's role is a superuser."""
    env.cr.execute("ANALYZE")
    env.cr.execute("CHECKPOINT")
    env.cr.commit()


def percentiles(values):
    """p50 and p95 of ``values`` (inclusive method: the extremes are data)."""
    if len(values) < 2:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return cuts[9], cuts[18]


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
if DETAIL:
    print(f"BENCH   set-up left {len(env.cr.postcommit._funcs)} after-commit callbacks")
# Committed before the timed phases (the matcher's first batch would commit it): the set-up's
# own after-commit work (cron wake-ups of the posted invoices) is not the matcher's.
env.cr.commit()
settle_database()
env.invalidate_all()  # both sides start from a cold ORM cache

# Time of each matcher batch (ms per receipt), for its percentiles.
Transfer = type(env["stablecoin.transfer"])
match_batch = Transfer._match_batch
batch_ms = []


def timed_match_batch(self):
    started = time.perf_counter()
    try:
        return match_batch(self)
    finally:
        batch_ms.append((time.perf_counter() - started) * 1000 / max(len(self), 1))


Transfer._match_batch = timed_match_batch
env.cr.execute("SELECT pg_backend_pid()")
BACKEND = env.cr.fetchone()[0]
ours_breakdown = QueryBreakdown().__enter__()
q0, t0, c0 = queries(), time.perf_counter(), cpu_seconds()
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
ours_cpu = [b - a for a, b in zip(c0, cpu_seconds(), strict=True)]
ours_breakdown.__exit__(None, None, None)
Transfer._match_batch = match_batch

settle_database()  # commits nothing of Odoo's side: that phase has not begun
env.invalidate_all()
odoo_breakdown = QueryBreakdown().__enter__()
q0, t0, c0 = queries(), time.perf_counter(), cpu_seconds()
wizard = (
    env["account.payment.register"]
    .with_context(active_model="account.move", active_ids=theirs.ids)
    .create({"journal_id": journal.id, "group_payment": False})
)
wizard._create_payments()
env.flush_all()
odoo_time, odoo_queries = time.perf_counter() - t0, queries() - q0
odoo_cpu = [b - a for a, b in zip(c0, cpu_seconds(), strict=True)]
odoo_breakdown.__exit__(None, None, None)

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
print(
    f"BENCH   CPU time (Odoo process + its PostgreSQL backend): ours {sum(ours_cpu):.2f} s "
    f"({ours_cpu[0]:.2f} + {ours_cpu[1]:.2f}), odoo {sum(odoo_cpu):.2f} s "
    f"({odoo_cpu[0]:.2f} + {odoo_cpu[1]:.2f}), ratio {sum(ours_cpu) / sum(odoo_cpu):.2f}"
)
print(
    f"BENCH   ours per receipt, over its {len(batch_ms)} batches: "
    f"p50 {percentiles(batch_ms)[0]:.1f} ms, p95 {percentiles(batch_ms)[1]:.1f} ms, "
    f"max {max(batch_ms):.1f} ms; odoo: {odoo_time * 1000 / N:.1f} ms a payment (one batch)"
)
print_breakdown(ours_breakdown, odoo_breakdown, N)
if notices:
    print(
        f"BENCH   then {notices} payment notices sent by their job: {notice_time:8.2f} s "
        f"({notice_time / notices * 1000:.1f} ms, {notice_queries / notices:.1f} queries each)"
    )
env.cr.rollback()
