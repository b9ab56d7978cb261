"""EIP-55 checksumming, against the EIP's own test vectors and random addresses."""

import pytest
from eth_utils import to_checksum_address as reference_checksum
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import (
    InvalidAddress,
    is_checksum_address,
    to_checksum_address,
)

# The test vectors listed in EIP-55 itself.
EIP55_VECTORS = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]

hex40 = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40)


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors_are_valid_checksums(address):
    assert to_checksum_address(address) == address
    assert is_checksum_address(address)


@pytest.mark.parametrize("address", EIP55_VECTORS[4:])
def test_one_flipped_case_is_refused(address):
    i = next(i for i, c in enumerate(address[2:], 2) if c.isalpha())
    typo = address[:i] + address[i].swapcase() + address[i + 1 :]
    with pytest.raises(InvalidAddress, match="checksum"):
        to_checksum_address(typo)
    assert not is_checksum_address(typo)


@given(hex40)
def test_matches_reference_implementation(body):
    expected = reference_checksum("0x" + body)
    assert to_checksum_address("0x" + body) == expected
    assert to_checksum_address("0x" + body.upper()) == expected
    assert to_checksum_address(expected) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "0x",
        "0x123",
        "52908400098527886E0F7030069857D2E4169EE7",
        "0x" + "g" * 40,
        "0x" + "a" * 41,
        "usdc.eth",
        None,
        12345,
    ],
)
def test_malformed_addresses_are_refused_with_a_message(bad):
    with pytest.raises(InvalidAddress) as err:
        to_checksum_address(bad)
    assert "address" in str(err.value)


def test_non_strict_mode_fixes_a_bad_checksum_for_trusted_sources():
    typo = "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert to_checksum_address(typo, strict=False) == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
