"""Chain scan benchmark: the watcher from checkpoint to head against a bare eth_getLogs sweep.

Run by setup/bench.sh inside `odoo shell` (TRANSFERS, BLOCKS in the environment). Sends
TRANSFERS token transfers to the watched address, spread over BLOCKS blocks of a fresh anvil,
then times (1) the watcher's scan of that range (records every transfer) and (2) a bare
eth_getLogs sweep of the same range with the same filter and chunk size, results decoded
only by the node. Prints both, the ratio, and checks the watcher found every transfer; then
times PostgreSQL alone inserting copies of the same rows (INSERT ... SELECT, rolled back): the
floor under any watcher that records each transfer as an Odoo row.
"""

import os
import time

import requests
from scoin_dev.devchain import DevChain

from odoo.tools import SQL

from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.scanner import topic_filters

TRANSFERS = int(os.environ.get("TRANSFERS", "20000"))
BLOCKS = int(os.environ.get("BLOCKS", "100000"))
CHUNK = 10000
env = env  # noqa: F821,PLW0127  (odoo shell's global)
env = env(context=dict(env.context, tracking_disable=True))

chain = DevChain(chain_id=31337, prune_history=64).start()
token = chain.deploy_token("USD Coin (bench)", "USDC")
merchant, customer = chain.accounts[1], chain.accounts[2]
network = env.ref("stablecoin_wallet.stablecoin_network_local")
odoo_token = env.ref("stablecoin_wallet.stablecoin_token_usdc_local")
odoo_token.contract_address = token
start_block = chain.block_number() + 1
network.write(
    {
        "rpc_url": chain.url,
        "start_block": start_block,
        "last_scanned_block": 0,
        "confirmations_final": 2,
        "scan_chunk_size": CHUNK,
        "max_chunk_size": CHUNK,
    }
)

t0 = time.perf_counter()
chain.mint(token, customer, TRANSFERS * 1_000_000)
gap = max(0, BLOCKS // TRANSFERS - 1)
session = requests.Session()


def call(method, *params):
    """One JSON-RPC call on a kept-alive connection (the bare sweep's way to ask the node)."""
    answer = session.post(
        chain.url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=600
    ).json()
    assert "result" in answer, answer
    return answer["result"]


data = encode_call("transfer(address,uint256)", ["address", "uint256"], [merchant, 1_000_000])
# One transaction per block (anvil mines each), then empty blocks up to the next one.
# (Sequential on purpose: anvil runs the calls of a JSON-RPC batch concurrently.)
for _i in range(TRANSFERS):
    call("eth_sendTransaction", {"from": customer, "to": token, "data": data})
    if gap:
        call("anvil_mine", hex(gap))
remaining = BLOCKS - (chain.block_number() - start_block)
if remaining > 0:
    chain.rpc("anvil_mine", hex(remaining))
head = chain.block_number()
print(
    f"BENCH scan: {TRANSFERS} transfers over {head - start_block + 1} blocks "
    f"(chain built in {time.perf_counter() - t0:.0f} s)"
)

t0 = time.perf_counter()
if os.environ.get("PROFILE"):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(network._scan)
    env.flush_all()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
else:
    network._scan()
    env.flush_all()
ours = time.perf_counter() - t0
found = env["stablecoin.transfer"].search_count([("network_id", "=", network.id)])

# The same queries as the watcher's: its tokens, its addresses, transfers in and out.
tokens = network.token_ids.filtered("active").mapped("contract_address")
recipients = env["stablecoin.address"].sudo().search([("active", "=", True)]).mapped("address")
t0 = time.perf_counter()
logs = 0
for block in range(start_block, head + 1, CHUNK):
    for topics in topic_filters(recipients, outgoing=True):
        result = call(
            "eth_getLogs",
            {
                "fromBlock": hex(block),
                "toBlock": hex(min(head, block + CHUNK - 1)),
                "address": tokens,
                "topics": topics,
            },
        )
        logs += len(result)
bare = time.perf_counter() - t0
assert found == TRANSFERS == logs, (found, TRANSFERS, logs)

# The database's own floor: PostgreSQL inserting copies of the same rows into the same table
# (same constraints, indexes and foreign keys), no Python and no node involved.
env.cr.execute(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_name = 'stablecoin_transfer' AND column_name <> 'id'"
)
columns = [name for (name,) in env.cr.fetchall()]
names = SQL(", ").join(SQL.identifier(c) for c in columns)
copied = SQL(", ").join(
    SQL("log_index + 1000000") if c == "log_index" else SQL.identifier(c) for c in columns
)
env.cr.execute("SAVEPOINT bench_floor")
t0 = time.perf_counter()
env.cr.execute(
    SQL(
        "INSERT INTO stablecoin_transfer (%s) SELECT %s FROM stablecoin_transfer "
        "WHERE network_id = %s",
        names,
        copied,
        network.id,
    )
)
floor = time.perf_counter() - t0
assert env.cr.rowcount == TRANSFERS, env.cr.rowcount
env.cr.execute("ROLLBACK TO SAVEPOINT bench_floor")

print(f"BENCH   ours (watcher, checkpoint to head, records): {ours:8.2f} s")
print(f"BENCH   bare eth_getLogs sweep, same filters:        {bare:8.2f} s")
print(f"BENCH   PostgreSQL alone, INSERT ... SELECT of the same rows: {floor:8.2f} s")
print(f"BENCH   ratio ours/bare: {ours / bare:.2f}  (goal <= 1.3)")
print(
    f"BENCH   floor/bare: {floor / bare:.2f} (no watcher that records Odoo rows can go below); "
    f"ours/floor: {ours / floor:.2f}"
)
env.cr.rollback()
chain.stop()
