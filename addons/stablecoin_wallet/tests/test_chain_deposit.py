"""Deposit addresses computed off-chain: CREATE2 against EIP-1014's own examples, and the
properties a payer and a merchant rely on (each request its own address, bound to its
merchant). The contracts themselves are tested on anvil (tests/test_deposit_contracts.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import deposit

# Examples listed in EIP-1014 (deployer, salt, init code, address).
EIP1014_EXAMPLES = [
    ("0x" + "00" * 20, "00" * 32, "00", "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"),
    (
        "0xdeadbeef00000000000000000000000000000000",
        "00" * 32,
        "00",
        "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3",
    ),
    (
        "0xdeadbeef00000000000000000000000000000000",
        "000000000000000000000000feed000000000000000000000000000000000000",
        "00",
        "0xD04116cDd17beBE565EB2422F2497E06cC1C9833",
    ),
    ("0x" + "00" * 20, "00" * 32, "deadbeef", "0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e"),
    (
        "0x00000000000000000000000000000000deadbeef",
        "00000000000000000000000000000000000000000000000000000000cafebabe",
        "deadbeef" * 11,
        "0x1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C",
    ),
    (
        "0x0000000000000000000000000000000000000000",
        "00" * 32,
        "",
        "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0",
    ),
]


@pytest.mark.parametrize(("deployer", "salt", "code", "expected"), EIP1014_EXAMPLES)
def test_create2_address_matches_eip1014(deployer, salt, code, expected):
    assert deposit.create2_address(deployer, bytes.fromhex(salt), bytes.fromhex(code)) == expected


def test_factory_is_at_one_address_for_every_network():
    to, data = deposit.factory_deployment()
    assert to == deposit.CREATE2_DEPLOYER
    assert data[2:66] == "00" * 32, "salt zero, as every network's deployment uses"
    assert deposit.factory_address() == deposit.create2_address(
        deposit.CREATE2_DEPLOYER, bytes(32), bytes.fromhex(data[66:])
    )


merchants = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
keys = st.integers(min_value=1, max_value=2**63)


@given(merchant=merchants, other=merchants, first=keys, second=keys)
def test_each_request_and_merchant_has_its_own_address(merchant, other, first, second):
    a = deposit.deposit_address(merchant, deposit.request_salt(f"db:{first}"))
    assert a == deposit.deposit_address(merchant, deposit.request_salt(f"db:{first}"))
    if first != second:
        assert a != deposit.deposit_address(merchant, deposit.request_salt(f"db:{second}"))
    if merchant.lower() != other.lower():
        assert a != deposit.deposit_address(other, deposit.request_salt(f"db:{first}"))


def test_salt_must_be_32_bytes():
    with pytest.raises(ValueError, match="salt"):
        deposit.create2_address(deposit.CREATE2_DEPLOYER, b"\x01", b"")
