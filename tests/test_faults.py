"""Crashes and concurrent workers against a real database, real Odoo processes and anvil.

The scheduled jobs (scan, then match) run in `odoo shell` processes on a committed database,
as the cron workers would: one is killed with SIGKILL at random points, ten times, while
payments keep arriving; two run at once. Afterwards the recorded transfers are exactly the
ones on chain, and each has exactly one payment.
"""

import os
import random
import signal
import socket
import subprocess
import time
import uuid

import odoodb
import pytest
import requests
from scoin_dev.devchain import DevChain

from odoo.addons.stablecoin_wallet.chain import TRANSFER_TOPIC
from odoo.addons.stablecoin_wallet.chain.scanner import address_topic

JOBS = (
    "env['stablecoin.network']._cron_scan()\n"
    "env['stablecoin.transfer']._cron_match()\n"
    "env.cr.commit()\n"
)


def shell(db, script):
    """A worker process running ``script`` (the caller feeds it and may kill it)."""
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        odoodb.shell_cmd(db),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, TZ="UTC"),
        start_new_session=True,
    )
    return proc, script


def run(db, script):
    return odoodb.shell(db, script, timeout=300)


@pytest.fixture
def world():
    db = f"scoin_fault_{uuid.uuid4().hex[:8]}"
    odoodb.copy(odoodb.addons_template(), db)
    chain = DevChain(prune_history=4096).start()
    token = chain.deploy_token("USD Coin (test)", "USDC")
    merchant, customer = chain.accounts[1], chain.accounts[2]
    chain.mint(token, customer, 10**12)
    run(
        db,
        f"""
net = env.ref('stablecoin_wallet.stablecoin_network_local')
net.write({{'rpc_url': {chain.url!r}, 'confirmations_final': 2, 'start_block': 1}})
env.ref('stablecoin_wallet.stablecoin_token_usdc_local').contract_address = {token!r}
# The shared address, where exact amounts tell invoices apart: what these faults attack.
env.ref('stablecoin_wallet.stablecoin_wallet_demo').kind = 'address'
env.cr.commit()
""",
    )
    yield db, chain, token, merchant, customer
    chain.stop()
    odoodb.drop(db)


def post_invoices(db, amounts):
    """Post USDC invoices to the demo wallet's shared address; return their quoted units."""
    out = run(
        db,
        f"""
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
partner = env['res.partner'].create({{'name': 'Fault customer'}})
for amount in {list(amounts)!r}:
    inv = env['account.move'].create({{
        'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
        'stablecoin_token_id': token.id, 'stablecoin_wallet_id': wallet.id,
        'invoice_line_ids': [(0, 0, {{'name': 'x', 'price_unit': amount, 'tax_ids': []}})]}})
    inv.action_post()
    print('UNITS', inv.stablecoin_request_id.amount_units)
env.cr.commit()
""",
    )
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith("UNITS")]


def ledger(db):
    out = run(
        db,
        """
for t in env['stablecoin.transfer'].search([]):
    pays = env['account.payment'].search_count([('memo', '=', t.tx_hash)])
    print('TRANSFER', t.tx_hash, t.log_index, t.state, pays)
domain = [('partner_id.name', '=', 'Fault customer'), ('move_type', '=', 'out_invoice')]
for m in env['account.move'].search(domain):
    print('INVOICE', m.payment_state)
""",
    )
    transfers = [line.split()[1:] for line in out.splitlines() if line.startswith("TRANSFER")]
    invoices = [line.split()[1] for line in out.splitlines() if line.startswith("INVOICE")]
    return transfers, invoices


def on_chain(chain, token, merchant):
    logs = chain.rpc(
        "eth_getLogs",
        {
            "fromBlock": "0x0",
            "toBlock": "latest",
            "address": token,
            "topics": [TRANSFER_TOPIC, None, [address_topic(merchant)]],
        },
    )
    return {(log["transactionHash"], int(log["logIndex"], 16)) for log in logs}


def check_exactly_once(db, chain, token, merchant):
    transfers, invoices = ledger(db)
    recorded = [(tx, int(index)) for tx, index, _state, _pays in transfers]
    assert len(recorded) == len(set(recorded)), "a transfer was recorded twice"
    assert set(recorded) == on_chain(chain, token, merchant), "recorded != on chain"
    assert all(pays == "1" for *_rest, pays in transfers), transfers
    assert set(invoices) == {"paid"}, invoices


def test_kill_9_during_the_jobs_loses_nothing_and_counts_nothing_twice(world):
    db, chain, token, merchant, customer = world
    rng = random.Random(20261122)
    units = post_invoices(db, [10 + i for i in range(30)])
    # How long one worker run takes here: the kills land within that time.
    chain.transfer(token, customer, merchant, units[0])
    chain.mine(3)
    started = time.monotonic()
    run(db, JOBS)
    full_run = time.monotonic() - started
    kills, paid = 0, 1
    while kills < 10 and paid < len(units) - 2:
        # A payment arrives, blocks go by, and a worker dies somewhere in its run.
        chain.transfer(token, customer, merchant, units[paid])
        paid += 1
        chain.mine(3)
        proc, script = shell(db, JOBS)
        proc.stdin.write(script)
        proc.stdin.close()  # the shell runs the jobs, then exits
        time.sleep(rng.uniform(0.1, 0.95) * full_run)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills == 10, f"only {kills} runs could be killed mid-way"
    for amount_units in units[paid:]:
        chain.transfer(token, customer, merchant, amount_units)
    chain.mine(3)
    run(db, JOBS)
    run(db, JOBS)  # and once more: nothing changes
    check_exactly_once(db, chain, token, merchant)


def test_two_workers_at_once(world):
    db, chain, token, merchant, customer = world
    units = post_invoices(db, [21, 22, 23, 24])
    for amount_units in units:
        chain.transfer(token, customer, merchant, amount_units)
    chain.mine(3)
    procs = [shell(db, JOBS) for _ in range(2)]
    outs = [proc.communicate(script, timeout=300)[0] for proc, script in procs]
    assert [proc.returncode for proc, _script in procs] == [0, 0], outs
    run(db, JOBS)
    check_exactly_once(db, chain, token, merchant)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_servers_in_multi_worker_mode(world, tmp_path):
    """How Odoo scales: two servers, each with HTTP and cron worker processes, on one
    database, both running the scheduled jobs while payments arrive and payers' pages poll.
    Nothing lost, nothing doubled, no failed job, no ERROR line."""
    db, chain, token, merchant, customer = world
    out = run(
        db,
        """
token = env.ref('stablecoin_wallet.stablecoin_token_usdc_local')
wallet = env.ref('stablecoin_wallet.stablecoin_wallet_demo')
partner = env['res.partner'].create({'name': 'Fault customer'})
for amount in (31, 32, 33, 34, 35, 36):
    inv = env['account.move'].create({
        'move_type': 'out_invoice', 'partner_id': partner.id, 'currency_id': token.currency_id.id,
        'stablecoin_token_id': token.id, 'stablecoin_wallet_id': wallet.id,
        'invoice_line_ids': [(0, 0, {'name': 'x', 'price_unit': amount, 'tax_ids': []})]})
    inv.action_post()
    print('INVOICE', inv.id, inv._portal_ensure_token(), inv.stablecoin_request_id.amount_units)
env.cr.commit()
""",
    )
    invoices = [line.split()[1:] for line in out.splitlines() if line.startswith("INVOICE")]
    servers, logs, bases = [], [], []
    try:
        for i in range(2):
            port, log = free_port(), tmp_path / f"server{i}.log"
            servers.append(
                subprocess.Popen(  # pylint: disable=consider-using-with
                    odoodb.server_cmd(
                        db,
                        port,
                        "--workers=2",
                        "--max-cron-threads=2",
                        f"--gevent-port={free_port()}",
                        f"--logfile={log}",
                        "--log-level=info",
                    ),
                    env=dict(os.environ, TZ="UTC"),
                    start_new_session=True,
                )
            )
            logs.append(log)
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            odoodb.wait_http(base + "/web/login")
        session = requests.Session()
        for invoice_id, access_token, units in invoices:
            chain.transfer(token, customer, merchant, int(units))
            chain.mine(2)
            deadline = time.monotonic() + 120
            status = None
            while status != "paid":
                assert time.monotonic() < deadline, f"invoice {invoice_id} not paid: {status}"
                for base in bases:  # the payer's page, served by either server
                    status = session.get(
                        f"{base}/my/invoices/{invoice_id}/stablecoin/status",
                        params={"access_token": access_token},
                        timeout=30,
                    ).json()["status"]
                time.sleep(0.5)
    finally:
        for proc in servers:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in servers:
            proc.wait(timeout=60)
    check_exactly_once(db, chain, token, merchant)
    failures = odoodb.psql(
        "SELECT cron_name, failure_count FROM ir_cron "
        "WHERE cron_name LIKE 'Stablecoin%' AND failure_count > 0",
        dbname=db,
    )
    assert failures == "", failures
    for log in logs:
        errors = [line for line in log.read_text().splitlines() if " ERROR " in line]
        assert not errors, "\n".join(errors[:5])
