"""Chain scan benchmark: the watcher from checkpoint to head against a bare eth_getLogs sweep.

Run by setup/bench.sh inside `odoo shell` (TRANSFERS, BLOCKS in the environment). Sends
TRANSFERS token transfers to the watched address, spread over BLOCKS blocks of a fresh anvil,
then times (1) the watcher's scan of that range (records every transfer) and (2) a bare
eth_getLogs sweep of the same range with the same filter and chunk size, results decoded
only by the node. Prints both, the ratio, and checks the watcher found every transfer; then
times PostgreSQL alone inserting copies of the same rows (INSERT ... SELECT, rolled back): the
floor under any watcher that records each transfer as an Odoo row.

Then the follower's case: WATCHED (10,000) more addresses watched, each a deposit address of an
open request, ten of them paid in the next block range: one step of the head follower over
that range, its JSON-RPC calls counted (a batch counts each call) and timed.
"""

import os
import secrets
import time

import requests
from scoin_dev.devchain import DevChain

from odoo.tools import SQL

from odoo.addons.stablecoin_wallet.chain.abi import encode_call
from odoo.addons.stablecoin_wallet.chain.address import to_checksum_address
from odoo.addons.stablecoin_wallet.chain.rpc import JsonRpcClient
from odoo.addons.stablecoin_wallet.chain.scanner import topic_filters

TRANSFERS = int(os.environ.get("TRANSFERS", "20000"))
# Open requests with a deposit address each, for the follower's block-range phase.
WATCHED = int(os.environ.get("WATCHED", "10000"))
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

# -- the follower's block range with WATCHED open requests' addresses --------------------------
wallet = env.ref("stablecoin_wallet.stablecoin_wallet_demo")
watched = [to_checksum_address("0x" + secrets.token_hex(20)) for _i in range(WATCHED)]
env["stablecoin.address"].sudo().create([{"wallet_id": wallet.id, "address": a} for a in watched])
env.flush_all()
network._scan()  # the checkpoint at the head, every address known
paid = watched[:: max(1, WATCHED // 10)][:10]
call("anvil_setBalance", customer, hex(10**20))
chain.mint(token, customer, len(paid) * 1_000_000)  # (the first phase spent the rest)
sent = []
for address in paid:
    data = encode_call("transfer(address,uint256)", ["address", "uint256"], [address, 1_000_000])
    sent.append(call("eth_sendTransaction", {"from": customer, "to": token, "data": data}))
# anvil answers eth_sendTransaction before its miner has put the transaction in a block (on a
# long chain, later): the follower's step reads the blocks that hold all ten.
for tx_hash in sent:
    chain.wait_receipt(tx_hash, timeout=60)
counted = []
original_call, original_batch = JsonRpcClient.call, JsonRpcClient.batch


def counting_call(client, method, *params):
    counted.append(method)
    return original_call(client, method, *params)


def counting_batch(client, calls):
    counted.extend(method for method, _params in calls)
    return original_batch(client, calls)


JsonRpcClient.call, JsonRpcClient.batch = counting_call, counting_batch
t0 = time.perf_counter()
network._scan(follow=True)
env.flush_all()
step = time.perf_counter() - t0
JsonRpcClient.call, JsonRpcClient.batch = original_call, original_batch
got = env["stablecoin.transfer"].search_count([("recipient", "in", paid)])
assert got == len(paid), (got, len(paid))
by_method = {m: counted.count(m) for m in sorted(set(counted))}
print(
    f"BENCH follower step, {WATCHED + 1} watched addresses ({len(paid)} paid in the range): "
    f"{len(counted)} RPC calls {by_method}, {step:.2f} s "
    f"({network.max_topics_per_query} addresses per eth_getLogs)"
)
env.cr.rollback()
chain.stop()
