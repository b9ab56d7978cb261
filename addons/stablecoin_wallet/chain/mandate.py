"""Payment mandates: the terms a payer signs once (EIP-712), the id of each charge, and the
calls to the mandate contract (see ``contracts/StablecoinMandate.sol``).

The contract sits at the same address on every EVM network, deployed through the common
CREATE2 deployer with salt zero (as the deposit factory, ``deposit.py``); the signed domain's
chain id tells networks apart, so terms signed for one network charge nowhere else.

The payer also approves the contract on the token (or signs an EIP-2612 permit, which anyone
may submit: ``permit_typed_data``/``permit_call``); the approval is what lets the contract move
funds at all, the terms what limits it.

Pure: no ORM, no network.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from eth_abi import decode
from eth_utils import keccak

from . import eip712
from .abi import encode_call
from .address import to_checksum_address
from .deposit import CREATE2_DEPLOYER, create2_address
from .logs import MalformedLog, _hash32, _hex_int, _topic_address

ARTIFACT = Path(__file__).resolve().parent / "contracts" / "mandate.json"
CONTRACT_SALT = bytes(32)
NAME = "StablecoinMandate"
VERSION = "1"
PRIMARY_TYPE = "Mandate"
TERMS_FIELDS = [
    {"name": "payer", "type": "address"},
    {"name": "payee", "type": "address"},
    {"name": "token", "type": "address"},
    {"name": "maxPerCharge", "type": "uint256"},
    {"name": "maxPerPeriod", "type": "uint256"},
    {"name": "period", "type": "uint256"},
    {"name": "start", "type": "uint256"},
    {"name": "end", "type": "uint256"},
    {"name": "salt", "type": "bytes32"},
]
TERMS_TUPLE = "(address,address,address,uint256,uint256,uint256,uint256,uint256,bytes32)"
UINT256_MAX = 2**256 - 1
CHARGED_TOPIC = "0x" + keccak(text="Charged(bytes32,address,address,address,uint256,bytes32)").hex()
REVOKED_TOPIC = "0x" + keccak(text="Revoked(bytes32,address)").hex()


@dataclass(frozen=True)
class Terms:
    """What the payer signs. Amounts in the token's smallest units; ``period`` in seconds,
    periods counted from ``start``; ``start`` and ``end`` unix times, both included."""

    payer: str
    payee: str
    token: str
    max_per_charge: int
    max_per_period: int
    period: int
    start: int
    end: int
    salt: bytes

    def __post_init__(self):
        for name in ("payer", "payee", "token"):
            object.__setattr__(self, name, to_checksum_address(getattr(self, name)))
        for name in ("max_per_charge", "max_per_period", "period", "start", "end"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= UINT256_MAX:
                raise ValueError(f"{name}: an integer from 0 to 2**256-1")
        if not isinstance(self.salt, bytes) or len(self.salt) != 32:
            raise ValueError("salt: 32 bytes")
        if self.period <= 0:
            raise ValueError("period: at least one second")
        if self.start > self.end:
            raise ValueError("start after end")
        if not 0 < self.max_per_charge <= self.max_per_period:
            raise ValueError("limits: 0 < max per charge <= max per period")

    def as_tuple(self):
        """The terms as the contract's ``Terms`` struct (ABI tuple)."""
        return (
            self.payer,
            self.payee,
            self.token,
            self.max_per_charge,
            self.max_per_period,
            self.period,
            self.start,
            self.end,
            self.salt,
        )

    def message(self):
        """The terms as the typed data's message."""
        return {
            "payer": self.payer,
            "payee": self.payee,
            "token": self.token,
            "maxPerCharge": str(self.max_per_charge),
            "maxPerPeriod": str(self.max_per_period),
            "period": str(self.period),
            "start": str(self.start),
            "end": str(self.end),
            "salt": "0x" + self.salt.hex(),
        }


@cache
def _artifact():
    return json.loads(ARTIFACT.read_text())


def creation_code():
    return bytes.fromhex(_artifact()["contracts"]["StablecoinMandate"]["bytecode"][2:])


def contract_address():
    """Where the mandate contract is (or will be) on every network."""
    return create2_address(CREATE2_DEPLOYER, CONTRACT_SALT, creation_code())


def contract_deployment():
    """The transaction that deploys the mandate contract: (to, data). Anyone may send it, once
    per network; sending it again fails harmlessly (the address is taken)."""
    return CREATE2_DEPLOYER, "0x" + (CONTRACT_SALT + creation_code()).hex()


def mandate_salt(key):
    """The salt of one mandate: a key unique to it (the database's uuid and the mandate's
    record), hashed; it makes two mandates with the same limits two mandates."""
    return keccak(text=f"stablecoin-mandate:{key}")


def typed_data(terms, chain_id, contract=None):
    """The ``eth_signTypedData_v4`` document the payer's wallet signs."""
    domain = eip712.domain(NAME, VERSION, chain_id, contract or contract_address())
    return eip712.typed_data(PRIMARY_TYPE, TERMS_FIELDS, domain, terms.message())


def mandate_id(terms, chain_id, contract=None):
    """The mandate's id (bytes32): the digest the payer signs, and the contract's key for the
    mandate's state and events (``Charged``, ``Revoked``)."""
    return eip712.digest(typed_data(terms, chain_id, contract))


def payer_signed(terms, signature, chain_id, contract=None):
    """Whether ``signature`` is the payer's over ``terms`` on this network and contract, in the
    one form the contract accepts (a malformed or high-s signature is not)."""
    try:
        signer = eip712.recover_signer(typed_data(terms, chain_id, contract), signature)
    except (eip712.InvalidSignature, ValueError):
        return False
    return signer == terms.payer


def charge_id(database_uuid, invoice_id, invoice_name):
    """The id of the charge of one invoice (bytes32): the contract takes each id once per payer
    and payee, so an invoice is charged once whichever mandate, server or retry submits it.
    Nothing about the invoice leaks from the hash."""
    return keccak(text=f"stablecoin-mandate-charge:{database_uuid}:{invoice_id}:{invoice_name}")


def _signature_bytes(signature):
    if isinstance(signature, str):
        signature = bytes.fromhex(signature.removeprefix("0x"))
    return signature


def charge_call(terms, signature, amount, charge_id_):
    """Calldata of ``charge(terms, signature, amount, chargeId)``."""
    return encode_call(
        f"charge({TERMS_TUPLE},bytes,uint256,bytes32)",
        [TERMS_TUPLE, "bytes", "uint256", "bytes32"],
        [terms.as_tuple(), _signature_bytes(signature), amount, charge_id_],
    )


def revoke_call(terms):
    """Calldata of ``revoke(terms)`` (the payer's own transaction)."""
    return encode_call(f"revoke({TERMS_TUPLE})", [TERMS_TUPLE], [terms.as_tuple()])


def chargeable_call(terms):
    """Calldata of ``chargeable(terms)``: the most a charge could take now (eth_call)."""
    return encode_call(f"chargeable({TERMS_TUPLE})", [TERMS_TUPLE], [terms.as_tuple()])


def charged_call(payer, payee, charge_id_):
    """Calldata of ``charged(payer, payee, chargeId)``: whether that charge happened."""
    return encode_call(
        "charged(address,address,bytes32)",
        ["address", "address", "bytes32"],
        [to_checksum_address(payer), to_checksum_address(payee), charge_id_],
    )


class Charge(NamedTuple):
    """A ``Charged`` event: the token's own Transfer log from payer to payee is beside it."""

    mandate_id: bytes
    payer: str
    payee: str
    token: str
    amount: int
    charge_id: bytes
    tx_hash: str
    block_number: int
    log_index: int


def decode_charged_log(log):
    """The :class:`Charge` of one raw ``Charged`` log (eth_getLogs or a receipt); raise
    ``MalformedLog`` for anything else. The caller checks the log's address is the contract."""
    topics = log.get("topics") or []
    if len(topics) != 4 or str(topics[0]).lower() != CHARGED_TOPIC:
        raise MalformedLog("Not a mandate Charged log.")
    data = log.get("data") or ""
    if not isinstance(data, str) or len(data) != 2 + 64 * 3 or not data.startswith("0x"):
        raise MalformedLog(f"Charged data must be three 32-byte words, got {data!r}.")
    try:
        token, amount, charge_id_ = decode(
            ["address", "uint256", "bytes32"], bytes.fromhex(data[2:])
        )
    except Exception as exc:
        raise MalformedLog(f"Charged data does not decode: {data!r}.") from exc
    return Charge(
        mandate_id=bytes.fromhex(_hash32(topics[1], "topics[1]")[2:]),
        payer=_topic_address(topics[2]),
        payee=_topic_address(topics[3]),
        token=to_checksum_address(token),
        amount=amount,
        charge_id=charge_id_,
        tx_hash=_hash32(log.get("transactionHash"), "transactionHash"),
        block_number=_hex_int(log.get("blockNumber"), "blockNumber"),
        log_index=_hex_int(log.get("logIndex"), "logIndex"),
    )


# -- EIP-2612: the approval as a signature, submitted by anyone -----------------------------------
PERMIT_FIELDS = [
    {"name": "owner", "type": "address"},
    {"name": "spender", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]


def permit_typed_data(token_domain, owner, spender, value, nonce, deadline):
    """The document an owner signs to approve ``spender`` for ``value`` (EIP-2612).
    ``token_domain``: ``eip712.domain(name, version, chain_id, token)`` as the token has it
    (USDC: its name and version "2"); ``nonce``: the token's ``nonces(owner)``."""
    message = {
        "owner": to_checksum_address(owner),
        "spender": to_checksum_address(spender),
        "value": str(value),
        "nonce": str(nonce),
        "deadline": str(deadline),
    }
    return eip712.typed_data("Permit", PERMIT_FIELDS, token_domain, message)


def permit_call(document, signature):
    """Calldata of the token's ``permit`` for a signed ``permit_typed_data`` document."""
    v, r, s = eip712.split_signature(signature)
    m = document["message"]
    return encode_call(
        "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
        ["address", "address", "uint256", "uint256", "uint8", "bytes32", "bytes32"],
        [m["owner"], m["spender"], int(m["value"]), int(m["deadline"]), v, r, s],
    )


def nonces_call(owner):
    """Calldata of the token's ``nonces(owner)``: the nonce of the owner's next permit."""
    return encode_call("nonces(address)", ["address"], [to_checksum_address(owner)])
