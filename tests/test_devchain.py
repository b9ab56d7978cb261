"""The chain fixture the other tests rely on (tools/scoin_dev): real anvil, real token,
isolated tests."""

from odoo.addons.stablecoin_wallet.chain import TRANSFER_TOPIC, decode_transfer_logs


def _logs_to(chain, token, recipient):
    topic = "0x" + "00" * 12 + recipient[2:].lower()
    return chain.rpc(
        "eth_getLogs",
        {
            "fromBlock": "0x0",
            "toBlock": "latest",
            "address": [token],
            "topics": [TRANSFER_TOPIC, None, [topic]],
        },
    )


def _parties(chain):
    return chain.tokens["USDC"], chain.accounts[1], chain.accounts[2]


def test_token_has_six_decimals_and_open_mint(chain):
    usdc, _merchant, customer = _parties(chain)
    assert chain.token_decimals(usdc) == 6
    chain.mint(usdc, customer, 25_000_000)
    assert chain.balance_of(usdc, customer) == 25_000_000


def test_transfer_is_decoded_from_raw_logs(chain):
    usdc, merchant, customer = _parties(chain)
    chain.mint(usdc, customer, 10_000_000)
    tx_hash = chain.transfer(usdc, customer, merchant, 1_234_567)
    (transfer,) = decode_transfer_logs(_logs_to(chain, usdc, merchant))
    assert transfer.tx_hash == tx_hash
    assert transfer.token == usdc
    assert (transfer.sender, transfer.recipient) == (customer, merchant)
    assert transfer.amount == 1_234_567
    assert chain.balance_of(usdc, merchant) == 1_234_567


def _check_isolation(chain):
    # Whichever of a/b runs second would see the first one's transfer without the revert.
    usdc, merchant, _customer = _parties(chain)
    assert chain.balance_of(usdc, merchant) == 0
    assert _logs_to(chain, usdc, merchant) == []
    chain.mint(usdc, merchant, 1)


def test_each_test_starts_from_the_same_chain_state_a(chain):
    _check_isolation(chain)


def test_each_test_starts_from_the_same_chain_state_b(chain):
    _check_isolation(chain)


def test_reorg_drops_a_transfer(chain):
    usdc, merchant, customer = _parties(chain)
    chain.mint(usdc, customer, 5_000_000)
    chain.transfer(usdc, customer, merchant, 5_000_000)
    assert len(_logs_to(chain, usdc, merchant)) == 1
    chain.rpc("anvil_reorg", 1, [])
    assert _logs_to(chain, usdc, merchant) == []
