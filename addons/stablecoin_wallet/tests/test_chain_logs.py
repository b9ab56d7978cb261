"""Decoding raw eth_getLogs results into ERC-20 transfers."""

import time
from datetime import datetime

import pytest
from eth_abi import encode
from eth_utils import keccak
from eth_utils import to_checksum_address as reference_checksum
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import (
    TRANSFER_TOPIC,
    block_datetime,
    decode_transfer_logs,
)
from odoo.addons.stablecoin_wallet.chain.logs import MalformedLog, decode_transfer_log
from odoo.addons.stablecoin_wallet.chain.units import MAX_UINT256

TOKEN = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"
addresses = st.binary(min_size=20, max_size=20)


def raw_log(sender, recipient, amount, block=7, index=0, token=TOKEN):
    return {
        "address": token,
        "topics": [
            TRANSFER_TOPIC,
            "0x" + encode(["address"], [sender]).hex(),
            "0x" + encode(["address"], [recipient]).hex(),
        ],
        "data": "0x" + encode(["uint256"], [amount]).hex(),
        "blockNumber": hex(block),
        "blockHash": "0x" + "ab" * 32,
        "transactionHash": "0x" + keccak(text=f"{block}-{index}").hex(),
        "logIndex": hex(index),
        "removed": False,
    }


def test_topic_is_the_transfer_event_signature():
    assert TRANSFER_TOPIC == "0x" + keccak(text="Transfer(address,address,uint256)").hex()


@given(
    addresses, addresses, st.integers(0, MAX_UINT256), st.integers(0, 2**40), st.integers(0, 5000)
)
def test_decodes_what_eth_abi_encodes(sender, recipient, amount, block, index):
    log = raw_log(sender, recipient, amount, block, index)
    transfer = decode_transfer_log(log)
    assert transfer.sender == reference_checksum(sender)
    assert transfer.recipient == reference_checksum(recipient)
    assert transfer.token == reference_checksum(TOKEN)
    assert transfer.amount == amount
    assert (transfer.block_number, transfer.log_index) == (block, index)
    assert transfer.tx_hash == log["transactionHash"]


def test_block_time_comes_from_the_log_when_the_node_gives_it():
    log = raw_log(b"\x01" * 20, b"\x02" * 20, 5)
    assert decode_transfer_log(log).block_time is None  # older nodes: read from the block
    log["blockTimestamp"] = "0x6b028034"
    assert decode_transfer_log(log).block_time == 0x6B028034
    log["blockTimestamp"] = "soon"
    with pytest.raises(MalformedLog, match="blockTimestamp"):
        decode_transfer_log(log)


def test_block_time_is_stored_as_utc_whatever_the_server_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    time.tzset()
    try:
        assert block_datetime(0x6B028034) == datetime(2026, 11, 22, 5, 40, 4)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_batch_comes_back_in_chain_order():
    a, b = b"\x01" * 20, b"\x02" * 20
    logs = [
        raw_log(a, b, 3, block=9, index=1),
        raw_log(a, b, 1, block=8, index=4),
        raw_log(a, b, 2, block=9, index=0),
    ]
    assert [t.amount for t in decode_transfer_logs(logs)] == [1, 2, 3]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda log: log["topics"].pop(), "3 topics"),
        (lambda log: log["topics"].append("0x" + "00" * 32), "3 topics"),  # ERC-721 shape
        (lambda log: log["topics"].__setitem__(0, "0x" + "11" * 32), "Transfer"),
        (lambda log: log.__setitem__("data", "0x"), "32-byte word"),
        (lambda log: log["topics"].__setitem__(1, "0x" + "ff" * 32), "address"),
        (lambda log: log.__setitem__("blockNumber", None), "blockNumber"),
        (lambda log: log.__setitem__("transactionHash", "0x12"), "transactionHash"),
    ],
)
def test_malformed_logs_are_refused(mutate, message):
    log = raw_log(b"\x01" * 20, b"\x02" * 20, 5)
    mutate(log)
    with pytest.raises(MalformedLog, match=message):
        decode_transfer_log(log)
