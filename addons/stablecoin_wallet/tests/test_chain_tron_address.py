"""Tron base58check addresses, against the ``base58`` package, bip-utils' own Tron encoder and
published addresses; hypothesis round-trips."""

import base58
import pytest
from bip_utils import Bip32Secp256k1, TrxAddrEncoder
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import InvalidAddress
from odoo.addons.stablecoin_wallet.chain.tron import (
    b58check_decode,
    b58check_encode,
    b58decode,
    b58encode,
    from_tron_address,
    is_tron_address,
    to_tron_address,
    tron_tx_id,
)
from odoo.addons.stablecoin_wallet.chain.xpub import derive_address

# Published pairs: Tether's USDT contract on Tron mainnet (tronscan.org), the address Tron's
# own code converter shows for 0x5432...a47B (tronscan.org/#/tools/code-converter), and the
# all-zero account (the "black hole" T9yD14...).
PUBLISHED = [
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "0xa614f803B6FD780986A42c78Ec9c7f77e6DeD13C"),
    ("THePheuMzpeYaEscvEPJhmvzjvQAq1ptqe", "0x543208eB34ecad8f91a4D83e597d3c39D67ca47B"),
    ("T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb", "0x0000000000000000000000000000000000000000"),
]
# The account xpub m/44'/195'/0' of anvil's public test mnemonic ("test test ... junk").
TRON_TEST_XPUB = (
    "xpub6BuRy7ZmkGfP2RWhoor1kWB1w9DvrtmJbFBvnC1bQ4SB5NbCHTyQYCJSXZtxDbFyHTmC7wkU2he3nYYdpZ3Vf6"
    "qUAkXSnL6RPif4BDtDEKr"
)

address_bytes = st.binary(min_size=20, max_size=20)


@pytest.mark.parametrize("tron, hex_address", PUBLISHED)
def test_published_addresses(tron, hex_address):
    assert from_tron_address(tron) == hex_address
    assert to_tron_address(hex_address) == tron
    assert to_tron_address(hex_address.lower()) == tron
    assert is_tron_address(tron)


@given(address_bytes)
def test_matches_the_base58_package_and_round_trips(body):
    hex_address = "0x" + body.hex()
    tron = to_tron_address(hex_address)
    assert tron == base58.b58encode_check(b"\x41" + body).decode()
    assert tron.startswith("T") and len(tron) == 34
    assert from_tron_address(tron).lower() == hex_address
    assert base58.b58decode_check(tron) == b"\x41" + body


@given(st.binary(max_size=40))
def test_base58_codec_matches_the_package(data):
    assert b58encode(data) == base58.b58encode(data).decode()
    assert b58decode(b58encode(data)) == data
    assert b58check_encode(data) == base58.b58encode_check(data).decode()
    assert b58check_decode(b58check_encode(data)) == data


@given(address_bytes, st.integers(min_value=0, max_value=33), st.sampled_from("23456789abcdefgh"))
def test_one_mistyped_character_is_refused(body, position, replacement):
    tron = to_tron_address("0x" + body.hex())
    if position == 0 or tron[position] == replacement:
        return
    typo = tron[:position] + replacement + tron[position + 1 :]
    with pytest.raises(InvalidAddress):
        from_tron_address(typo)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("0xa614f803B6FD780986A42c78Ec9c7f77e6DeD13C", "hexadecimal"),
        ("41a614f803b6fd780986a42c78ec9c7f77e6ded13c", "hexadecimal"),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "checksum"),  # last character changed
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", "34 characters"),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t", "base58"),  # 0 is no base58 character
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "starting with T"),  # a Bitcoin address
        ("", "starting with T"),
        (None, "must be text"),
    ],
)
def test_invalid_addresses_are_refused_with_a_reason(bad, message):
    with pytest.raises(InvalidAddress, match=message):
        from_tron_address(bad)
    assert not is_tron_address(bad)


def test_other_prefix_is_refused():
    # Base58check of the same 20 bytes under a prefix that also starts with T, but not 0x41.
    other = b58check_encode(b"\x42" + bytes(20))
    if other.startswith("T") and len(other) == 34:
        with pytest.raises(InvalidAddress, match="prefix 0x41"):
            from_tron_address(other)
    with pytest.raises(InvalidAddress):
        from_tron_address(b58check_encode(b"\x41" + bytes(19)))


def test_spaces_around_a_pasted_address_are_dropped():
    assert from_tron_address("  TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\n") == PUBLISHED[0][1]


@pytest.mark.parametrize("index", [0, 1, 7, 2**31 - 1])
def test_xpub_derivation_matches_bip_utils_tron_encoder(index):
    """m/44'/195'/0'/0/i: our derived 0x address is the account bip-utils' Tron encoder
    writes in T-form (the same 20 bytes)."""
    child = Bip32Secp256k1.FromExtendedKey(TRON_TEST_XPUB).DerivePath(f"0/{index}")
    expected = TrxAddrEncoder.EncodeKey(child.PublicKey().KeyObject())
    assert to_tron_address(derive_address(TRON_TEST_XPUB, index)) == expected


def test_tron_transaction_ids_have_no_0x():
    tx = "0x" + "ab" * 32
    assert tron_tx_id(tx) == "ab" * 32
    assert tron_tx_id("ab" * 32) == "ab" * 32
