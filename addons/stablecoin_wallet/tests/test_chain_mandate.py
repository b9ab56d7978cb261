"""Mandate terms, charge ids and EIP-3009 authorizations computed off-chain: the digests against
EIP-712 computed by hand from the specification, signatures checked as strictly as the contracts
check them. The contracts themselves are tested on anvil (tests/test_mandate_contract.py)."""

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st

from odoo.addons.stablecoin_wallet.chain import deposit, eip712, eip3009, mandate
from odoo.addons.stablecoin_wallet.chain.address import to_checksum_address
from odoo.addons.stablecoin_wallet.chain.logs import MalformedLog

PAYER = Account.from_key("0x" + "11" * 32)
OTHER = Account.from_key("0x" + "22" * 32)
PAYEE = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
CONTRACT = "0x44a0C5FB0059a83962f6A47F93f227eC90Db9055"


def terms(**changes):
    values = {
        "payer": PAYER.address,
        "payee": PAYEE,
        "token": TOKEN,
        "max_per_charge": 100_000_000,
        "max_per_period": 150_000_000,
        "period": 30 * 86400,
        "start": 1_800_000_000,
        "end": 1_831_536_000,
        "salt": mandate.mandate_salt("db-uuid:1"),
    }
    values.update(changes)
    return mandate.Terms(**values)


def separator_by_hand(name, version, chain_id, contract):
    domain_type = (
        b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [keccak(domain_type), keccak(text=name), keccak(text=version), chain_id, contract],
        )
    )


def by_hand(chain_id, contract, t):
    """EIP-712 as its specification writes it, for the mandate's terms."""
    domain_separator = separator_by_hand("StablecoinMandate", "1", chain_id, contract)
    type_hash = keccak(
        b"Mandate(address payer,address payee,address token,uint256 maxPerCharge,"
        b"uint256 maxPerPeriod,uint256 period,uint256 start,uint256 end,bytes32 salt)"
    )
    struct_hash = keccak(
        encode(
            ["bytes32", "address", "address", "address"] + ["uint256"] * 5 + ["bytes32"],
            [type_hash, *t.as_tuple()],
        )
    )
    return keccak(b"\x19\x01" + domain_separator + struct_hash)


def sign(account, document):
    return account.sign_message(encode_typed_data(full_message=document)).signature


def test_mandate_id_is_the_eip712_digest_of_the_terms():
    t = terms()
    assert mandate.mandate_id(t, 1, CONTRACT) == by_hand(1, CONTRACT, t)
    assert mandate.mandate_id(t, 8453, CONTRACT) == by_hand(8453, CONTRACT, t)
    # The contract's address is the default domain, and the same on every network.
    assert mandate.mandate_id(t, 1) == by_hand(1, mandate.contract_address(), t)
    assert mandate.mandate_id(t, 1) != mandate.mandate_id(t, 137)


def test_typed_data_survives_a_browser():
    """uint256 values as decimal strings: a JSON number above 2**53 loses digits in JavaScript."""
    document = mandate.typed_data(terms(max_per_period=2**200), 1)
    assert document["message"]["maxPerPeriod"] == str(2**200)
    assert document["primaryType"] == "Mandate"
    assert document["domain"] == {
        "name": "StablecoinMandate",
        "version": "1",
        "chainId": 1,
        "verifyingContract": mandate.contract_address(),
    }


def test_contract_is_at_one_address_for_every_network():
    to, data = mandate.contract_deployment()
    assert to == deposit.CREATE2_DEPLOYER
    assert data[2:66] == "00" * 32
    assert mandate.contract_address() == deposit.create2_address(
        deposit.CREATE2_DEPLOYER, bytes(32), bytes.fromhex(data[66:])
    )
    assert mandate.contract_address() != deposit.factory_address()


def test_only_the_payers_signature_of_these_terms_here_counts():
    t = terms()
    signature = sign(PAYER, mandate.typed_data(t, 1))
    assert mandate.payer_signed(t, signature, 1)
    assert mandate.payer_signed(t, "0x" + signature.hex(), 1)
    assert not mandate.payer_signed(t, signature, 8453), "another network"
    assert not mandate.payer_signed(t, signature, 1, PAYEE), "another contract"
    assert not mandate.payer_signed(terms(payee=OTHER.address), signature, 1), "another payee"
    assert not mandate.payer_signed(terms(max_per_charge=100_000_001), signature, 1)
    assert not mandate.payer_signed(t, sign(OTHER, mandate.typed_data(t, 1)), 1), "another signer"
    # The other form of the same signature (s -> n - s) and malformed ones: refused, as on chain.
    s = int.from_bytes(signature[32:64], "big")
    other_form = (
        signature[:32] + (eip712.SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - signature[64]])
    )
    assert (
        Account.recover_message(
            encode_typed_data(full_message=mandate.typed_data(t, 1)), signature=other_form
        )
        == PAYER.address
    ), "eth_account alone would take it"
    for bad in (other_form, signature[:64], signature + b"\x00", b"", signature[:64] + b"\x1d"):
        assert not mandate.payer_signed(t, bad, 1)
    # v as 0/1, as some hardware wallets give it: the same signature.
    assert mandate.payer_signed(t, signature[:64] + bytes([signature[64] - 27]), 1)


@pytest.mark.parametrize(
    "changes",
    [
        {"payer": "0x123"},
        {"max_per_charge": 0},
        {"max_per_charge": 200_000_000},
        {"max_per_period": 2**256},
        {"period": 0},
        {"start": 1_900_000_000},
        {"salt": b"short"},
        {"end": -1},
    ],
)
def test_terms_that_cannot_work_are_refused(changes):
    with pytest.raises(ValueError):
        terms(**changes)


def test_addresses_are_checksummed():
    assert terms(payee=PAYEE.lower()).payee == PAYEE


def test_charge_id_names_one_invoice_of_one_database():
    first = mandate.charge_id("uuid-a", 7, "INV/2026/00007")
    assert len(first) == 32
    assert first == mandate.charge_id("uuid-a", 7, "INV/2026/00007")
    assert first != mandate.charge_id("uuid-b", 7, "INV/2026/00007")
    assert first != mandate.charge_id("uuid-a", 8, "INV/2026/00007")
    assert first != eip3009.authorization_nonce("uuid-a", 7, "INV/2026/00007")


@given(
    amount=st.integers(min_value=1, max_value=2**256 - 1),
    charge=st.binary(min_size=32, max_size=32),
    signature=st.binary(min_size=65, max_size=65),
)
def test_charge_call_carries_exactly_its_arguments(amount, charge, signature):
    t = terms()
    data = bytes.fromhex(mandate.charge_call(t, signature, amount, charge)[2:])
    signature_text = f"charge({mandate.TERMS_TUPLE},bytes,uint256,bytes32)"
    assert data[:4] == keccak(text=signature_text)[:4]
    decoded = decode([mandate.TERMS_TUPLE, "bytes", "uint256", "bytes32"], data[4:])
    assert decoded[1:] == (signature, amount, charge)
    assert tuple(str(v).lower() if isinstance(v, str) else v for v in decoded[0]) == tuple(
        str(v).lower() if isinstance(v, str) else v for v in t.as_tuple()
    )


def test_permit_is_eip2612_and_splits_its_signature():
    domain = eip712.domain("USD Coin", "2", 1, TOKEN)
    document = mandate.permit_typed_data(
        domain, PAYER.address, CONTRACT, 150_000_000, 0, 1_900_000_000
    )
    signature = sign(PAYER, document)
    assert eip712.recover_signer(document, signature) == PAYER.address
    type_hash = keccak(
        b"Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    )
    struct_hash = keccak(
        encode(
            ["bytes32", "address", "address", "uint256", "uint256", "uint256"],
            [type_hash, PAYER.address, CONTRACT, 150_000_000, 0, 1_900_000_000],
        )
    )
    separator = separator_by_hand("USD Coin", "2", 1, TOKEN)
    assert eip712.digest(document) == keccak(b"\x19\x01" + separator + struct_hash)
    args = decode(
        ["address", "address", "uint256", "uint256", "uint8", "bytes32", "bytes32"],
        bytes.fromhex(mandate.permit_call(document, signature)[10:]),
    )
    assert args[2:] == (150_000_000, 1_900_000_000, signature[64], signature[:32], signature[32:64])


def test_eip3009_authorization_is_usdcs_typed_data():
    domain = eip712.domain("USD Coin", "2", 1, TOKEN)
    nonce = eip3009.authorization_nonce("uuid-a", 7, "INV/2026/00007")
    document = eip3009.transfer_typed_data(
        domain, PAYER.address, PAYEE, 42_500_000, 0, 1_900_000_000, nonce
    )
    type_hash = keccak(
        b"TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
        b"uint256 validBefore,bytes32 nonce)"
    )
    struct_hash = keccak(
        encode(
            ["bytes32", "address", "address", "uint256", "uint256", "uint256", "bytes32"],
            [type_hash, PAYER.address, PAYEE, 42_500_000, 0, 1_900_000_000, nonce],
        )
    )
    separator = separator_by_hand("USD Coin", "2", 1, TOKEN)
    assert eip712.digest(document) == keccak(b"\x19\x01" + separator + struct_hash)
    signature = sign(PAYER, document)
    assert eip3009.signer(document, signature) == PAYER.address
    call = bytes.fromhex(eip3009.transfer_with_authorization_call(document, signature)[2:])
    assert (
        call[:4]
        == keccak(
            text="transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"
        )[:4]
    )
    args = decode(
        [
            "address",
            "address",
            "uint256",
            "uint256",
            "uint256",
            "bytes32",
            "uint8",
            "bytes32",
            "bytes32",
        ],
        call[4:],
    )
    assert args[2:] == (
        42_500_000,
        0,
        1_900_000_000,
        nonce,
        signature[64],
        signature[:32],
        signature[32:64],
    )


@pytest.mark.parametrize(
    ("value", "after", "before", "nonce"),
    [(0, 0, 1, bytes(32)), (1, 5, 5, bytes(32)), (1, 0, 1, b"short")],
)
def test_eip3009_authorizations_that_cannot_work_are_refused(value, after, before, nonce):
    domain = eip712.domain("USD Coin", "2", 1, TOKEN)
    with pytest.raises(ValueError):
        eip3009.transfer_typed_data(domain, PAYER.address, PAYEE, value, after, before, nonce)


def test_decoders_refuse_other_logs():
    transfer = {
        "topics": ["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"]
        + ["0x" + "00" * 32] * 2,
        "data": "0x" + "00" * 32,
    }
    with pytest.raises(MalformedLog):
        mandate.decode_charged_log(transfer)
    with pytest.raises(MalformedLog):
        eip3009.decode_authorization_used(transfer)
    charged = {
        "topics": [mandate.CHARGED_TOPIC, "0x" + "11" * 32, "0x" + "22" * 32, "0x" + "00" * 32],
        "data": "0x" + "00" * 96,
        "transactionHash": "0x" + "33" * 32,
        "blockNumber": "0x1",
        "logIndex": "0x0",
    }
    with pytest.raises(MalformedLog, match="address"):
        mandate.decode_charged_log(charged)  # a topic that holds no address
    charged["topics"][2] = "0x" + "00" * 12 + "22" * 20
    assert mandate.decode_charged_log(charged).payer == to_checksum_address("0x" + "22" * 20)
    charged["data"] = "0x" + "00" * 64
    with pytest.raises(MalformedLog):
        mandate.decode_charged_log(charged)
