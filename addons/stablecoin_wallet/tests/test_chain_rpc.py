"""The JSON-RPC client against a real anvil behind a faulty proxy: clear errors, no hang."""

import pytest

from odoo.addons.stablecoin_wallet.chain.rpc import JsonRpcClient, RpcError, RpcRangeTooLarge
from odoo.addons.stablecoin_wallet.chain.scanner import scan_transfers
from odoo.addons.stablecoin_wallet.tests.common import shared_devchain
from odoo.addons.stablecoin_wallet.tests.rpc_proxy import RpcProxy


@pytest.fixture(scope="module")
def chain():
    return shared_devchain()


@pytest.mark.parametrize(
    "fault, message",
    [
        ("http429", "HTTP 429"),
        ("http502", "HTTP 502"),
        ("truncated", "not JSON"),
        ("timeout", r"cannot reach the node \(ReadTimeout\)"),
    ],
)
def test_faults_raise_rpc_errors(chain, fault, message):
    with RpcProxy(chain.url, fault=fault, delay=1.5) as proxy:
        client = JsonRpcClient(proxy.url, timeout=0.5)
        with pytest.raises(RpcError, match=message):
            client.block_number()
        proxy.fault = None
        assert client.chain_id() == chain.chain_id


def test_connection_refused(chain):
    with pytest.raises(RpcError, match="cannot reach the node"):
        JsonRpcClient("http://127.0.0.1:9", timeout=1).chain_id()


def test_range_refusal_is_recognised(chain):
    with RpcProxy(chain.url, max_log_range=2) as proxy:
        client = JsonRpcClient(proxy.url)
        with pytest.raises(RpcRangeTooLarge):
            client.get_logs({"fromBlock": "0x0", "toBlock": "0x10", "address": []})
        assert client.get_logs({"fromBlock": "0x0", "toBlock": "0x1", "address": []}) == []


def test_prefetching_scan_yields_what_the_plain_scan_yields(chain):
    """The scan that fetches the next chunk while the caller records the current one gives the
    same transfers, in order, also when the node refuses the ranges it asks for ahead."""
    snapshot = chain.snapshot()
    try:
        token = chain.deploy_token("Scan test", "SCN")
        customer, merchant = chain.accounts[3], chain.accounts[4]
        chain.mint(token, customer, 10**9)
        start = chain.block_number() + 1
        sent = []
        for i in range(12):
            sent.append(chain.transfer(token, customer, merchant, 1000 + i))
            if i % 4:
                chain.mine(i % 4)
        end = chain.block_number()
        with RpcProxy(chain.url, max_log_range=6) as proxy:
            client = JsonRpcClient(proxy.url)
            runs = {}
            for prefetch in (False, True):
                chunks = list(
                    scan_transfers(
                        client, [token], [merchant], start, end, chunk_size=2, prefetch=prefetch
                    )
                )
                assert [c.start for c in chunks[1:]] == [c.end + 1 for c in chunks[:-1]]
                assert (chunks[0].start, chunks[-1].end) == (start, end)
                runs[prefetch] = [t for c in chunks for t in c.transfers]
            assert proxy.refused, "the node refused some ranges asked ahead"
        assert runs[True] == runs[False]
        assert [t.amount for t in runs[True]] == [1000 + i for i in range(12)]
        assert [t.tx_hash for t in runs[True]] == [h.lower() for h in sent]
        # An error of the chunk fetched ahead comes out of the scan, not lost in the thread.
        with RpcProxy(chain.url) as proxy:
            scan = scan_transfers(
                JsonRpcClient(proxy.url, timeout=0.5),
                [token],
                [merchant],
                start,
                end,
                chunk_size=2,
                prefetch=True,
            )
            next(scan)
            proxy.fault = "http502"
            with pytest.raises(RpcError, match="HTTP 502"):
                list(scan)
    finally:
        chain.revert(snapshot)
