"""The gas payer's key and transactions: a key refused without being repeated, EIP-1559 where
the network has a base fee and legacy elsewhere, signed by the key's address for this chain."""

import pytest
from eth_account import Account

from odoo.addons.stablecoin_wallet.chain import gas_payer

# Anvil's public dev key 0 and its address.
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
TO = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def test_the_address_of_a_key():
    assert gas_payer.address_of(KEY) == ADDRESS
    assert gas_payer.address_of(KEY[2:].upper()) == ADDRESS
    assert gas_payer.address_of(f"  {KEY}\n") == ADDRESS


@pytest.mark.parametrize(
    "text",
    [
        "",
        KEY[:-2],
        KEY + "00",
        "0x" + "00" * 32,
        "0x" + "ff" * 32,  # above the curve order
        "0x" + "zz" * 32,
        "test test test test test test test test test test test junk",
        None,
        123,
    ],
)
def test_anything_but_a_key_is_refused_without_being_repeated(text):
    with pytest.raises(gas_payer.InvalidKey) as caught:
        gas_payer.parse_key(text)
    if isinstance(text, str) and text:
        assert text not in str(caught.value)
        assert text.removeprefix("0x")[:16] not in str(caught.value)


def test_an_eip1559_transaction_signed_by_the_gas_payer():
    tx = gas_payer.transaction(8453, 7, TO.lower(), "0xabcd", 100_000, base_fee=3 * 10**9)
    assert tx["type"] == 2
    assert tx["to"] == TO
    assert tx["gas"] == 125_000
    assert tx["maxFeePerGas"] == 2 * 3 * 10**9 + gas_payer.PRIORITY_FEE_WEI
    assert "gasPrice" not in tx
    assert gas_payer.max_cost(tx) == 125_000 * tx["maxFeePerGas"]
    raw, tx_hash = gas_payer.sign(tx, KEY)
    assert raw.startswith("0x02")
    assert len(tx_hash) == 66
    assert Account.recover_transaction(raw) == ADDRESS


def test_a_legacy_transaction_where_there_is_no_base_fee():
    tx = gas_payer.transaction(56, 0, TO, "0x", 50_000, gas_price=10**9)
    assert tx["gasPrice"] == 10**9
    assert "type" not in tx
    raw, _hash = gas_payer.sign(tx, KEY)
    assert Account.recover_transaction(raw) == ADDRESS
    with pytest.raises(ValueError, match="gas price"):
        gas_payer.transaction(56, 0, TO, "0x", 50_000)
