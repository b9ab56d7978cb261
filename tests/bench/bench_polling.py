"""Status polling benchmark: what the open invoice pages cost the server.

Run by setup/bench.sh (``bash setup/bench.sh polling``) on a throwaway database: starts an Odoo
HTTP server (threaded, no cron), then times the status route an open invoice page polls
(``/my/invoices/<id>/stablecoin/status``) against Odoo's own lightest route (``/web/health``)
in the same run: p50/p95 with one client, and the most requests per second 10 clients get.
Prints what 100 open pages cost at the pages' polling paces.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import odoodb
import requests

REQUESTS = int(os.environ.get("REQUESTS", "300"))
DB = sys.argv[1]

out = odoodb.shell(
    DB,
    """
from odoo import Command
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
partner = env['res.partner'].create({'name': 'Polling bench'})
move = env['account.move'].create({
    'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
    'invoice_line_ids': [Command.create({'name': 'Bench', 'price_unit': 100, 'tax_ids': []})]})
move.action_post()
assert move.stablecoin_payment_status == 'awaiting'
token = move._portal_ensure_token()
print('STATUS', f"/my/invoices/{move.id}/stablecoin/status?access_token={token}")
env.cr.commit()
""",
)
status_path = next(line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("STATUS"))
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
base = f"http://127.0.0.1:{port}"
session = requests.Session()


def timed(path):
    started = time.perf_counter()
    response = session.get(base + path, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return time.perf_counter() - started


def throughput(path, clients=10, count=600):
    with ThreadPoolExecutor(clients) as pool:
        started = time.perf_counter()
        list(pool.map(lambda p: requests.get(base + p, timeout=60).status_code, [path] * count))
        return count / (time.perf_counter() - started)


server = subprocess.Popen(  # pylint: disable=consider-using-with
    odoodb.server_cmd(DB, port, "--max-cron-threads=0"),
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
try:
    odoodb.wait_http(base + "/web/login")
    for _ in range(20):
        timed("/web/health")
        timed(status_path)
    results = {}
    for label, path in (("/web/health (Odoo)", "/web/health"), ("status route", status_path)):
        times = sorted(timed(path) for _ in range(REQUESTS))
        results[label] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
        results[label] += (throughput(path),)
finally:
    server.terminate()
    server.wait(timeout=30)
(h50, h95, hps), (s50, s95, sps) = results.values()
print(f"BENCH polling: {REQUESTS} requests per route, one client; throughput with 10 clients")
for label, (p50, p95, rps) in results.items():
    print(f"BENCH   {label:<20} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  {rps:5.0f}/s")
print(f"BENCH   ratio p50 {s50 / h50:.2f}  p95 {s95 / h95:.2f}  (status route / Odoo's health)")
for pace, what in ((2, "2 s blocks"), (6, "12 s blocks"), (15, "idle pages")):
    rate = 100 / pace
    print(
        f"BENCH   100 open pages, one poll every {pace:>2} s ({what}): {rate:4.0f} requests/s,"
        f" {rate * s50:.2f} of a core, {rate / sps * 100:3.0f} % of this server's capacity"
    )
