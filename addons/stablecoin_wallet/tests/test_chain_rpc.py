"""The JSON-RPC client against a real anvil behind a faulty proxy: clear errors, no hang."""

import pytest

from odoo.addons.stablecoin_wallet.chain.rpc import JsonRpcClient, RpcError, RpcRangeTooLarge
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
