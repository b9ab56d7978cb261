"""EIP-681 ERC-20 transfer URIs: build, parse, round trip, refusals."""

import pytest
from eth_utils import to_checksum_address as reference_checksum
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import (
    PaymentURI,
    build_erc20_transfer_uri,
    parse_erc20_transfer_uri,
)
from odoo.addons.stablecoin_wallet.chain.eip681 import InvalidPaymentURI
from odoo.addons.stablecoin_wallet.chain.units import MAX_UINT256

USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
MERCHANT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

addresses = st.text(alphabet="0123456789abcdef", min_size=40, max_size=40).map(
    lambda body: reference_checksum("0x" + body)
)


def test_build_usdc_on_base():
    uri = build_erc20_transfer_uri(USDC_BASE, 8453, MERCHANT, 12_500_000)
    assert uri == (
        "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer"
        "?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=12500000"
    )


def test_build_normalises_lowercase_addresses():
    uri = build_erc20_transfer_uri(USDC_BASE.lower(), 8453, MERCHANT.lower(), 1)
    assert USDC_BASE in uri and MERCHANT in uri


@given(addresses, st.integers(1, 2**64), addresses, st.integers(1, MAX_UINT256))
def test_round_trip(token, chain_id, recipient, amount):
    uri = build_erc20_transfer_uri(token, chain_id, recipient, amount)
    assert parse_erc20_transfer_uri(uri) == PaymentURI(token, chain_id, recipient, amount)


@pytest.mark.parametrize(
    "uri, amount",
    [
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}&uint256=2.5e6", 2_500_000),
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}&uint256=1e6", 1_000_000),
        (f"ethereum:pay-{USDC_BASE}@8453/transfer?uint256=7&address={MERCHANT}", 7),
    ],
)
def test_parse_accepts_eip681_number_forms(uri, amount):
    assert parse_erc20_transfer_uri(uri).amount == amount


@pytest.mark.parametrize(
    "uri, message",
    [
        ("bitcoin:abc", "not an ethereum"),
        (f"ethereum:{MERCHANT}@8453?value=1e18", "transfer"),
        (f"ethereum:{USDC_BASE}/transfer?address={MERCHANT}&uint256=1", "chain"),
        (f"ethereum:{USDC_BASE}@base/transfer?address={MERCHANT}&uint256=1", "Chain id"),
        (f"ethereum:{USDC_BASE}@0/transfer?address={MERCHANT}&uint256=1", "Chain id"),
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}", "uint256"),
        (f"ethereum:{USDC_BASE}@8453/transfer?uint256=1", "address"),
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}&uint256=1.5", "whole"),
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}&uint256=-1", "not a number"),
        (f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT}&uint256=0", "positive"),
        (f"ethereum:{USDC_BASE}@8453/transfer?address=0x1234&uint256=1", "not an address"),
        (f"ethereum:usdc.eth@8453/transfer?address={MERCHANT}&uint256=1", "not an address"),
        (
            f"ethereum:{USDC_BASE}@8453/transfer?address={MERCHANT.replace('C8', 'c8')}&uint256=1",
            "checksum",
        ),
        (None, "text"),
    ],
)
def test_parse_refuses(uri, message):
    with pytest.raises(InvalidPaymentURI, match=message):
        parse_erc20_transfer_uri(uri)


@pytest.mark.parametrize("amount", [0, -5, MAX_UINT256 + 1, 1.5, True])
def test_build_refuses_bad_amounts(amount):
    with pytest.raises(InvalidPaymentURI, match="Amount"):
        build_erc20_transfer_uri(USDC_BASE, 8453, MERCHANT, amount)


@given(st.text(max_size=200))
def test_parse_never_crashes_on_garbage(text):
    try:
        parsed = parse_erc20_transfer_uri(text)
    except ValueError as exc:
        assert str(exc)  # refused, with a message
    else:
        assert (
            parse_erc20_transfer_uri(
                build_erc20_transfer_uri(
                    parsed.token, parsed.chain_id, parsed.recipient, parsed.amount
                )
            )
            == parsed
        )
