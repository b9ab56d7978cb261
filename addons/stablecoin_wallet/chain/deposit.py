"""Deposit addresses: one per payment request, computed here, paid like any address, and able
to pay only their merchant (see ``contracts/DepositForwarder.sol``).

The factory sits at the same address on every EVM network: it is deployed through the common
CREATE2 deployer (``CREATE2_DEPLOYER``, at that address on most networks and built into anvil)
with a fixed salt, so its address follows from its creation code alone. A request's deposit
address follows from the factory, the merchant's receiving address and the request's salt:
no chain call makes one, and nothing needs deploying before the customer pays.

Pure: no ORM, no network.
"""

import json
from functools import cache
from pathlib import Path

from eth_abi import encode
from eth_utils import keccak

from .abi import encode_call
from .address import to_checksum_address

ARTIFACT = Path(__file__).resolve().parent / "contracts" / "deposit.json"
# Arachnid's deterministic-deployment proxy: calldata = salt (32 bytes) + creation code.
CREATE2_DEPLOYER = "0x4e59b44847b379578588920CA78FbF26c0B4956C"
# The factory's salt at the deployer: zero, the one every network uses.
FACTORY_SALT = bytes(32)


@cache
def _artifact():
    return json.loads(ARTIFACT.read_text())


def creation_code(name):
    """The creation code (bytes) of ``DepositForwarder`` or ``DepositFactory``."""
    return bytes.fromhex(_artifact()["contracts"][name]["bytecode"][2:])


def create2_address(deployer, salt, init_code):
    """The address CREATE2 gives ``init_code`` deployed by ``deployer`` with ``salt``."""
    if len(salt) != 32:
        raise ValueError("salt: 32 bytes")
    digest = keccak(b"\xff" + bytes.fromhex(deployer[2:]) + salt + keccak(init_code))
    return to_checksum_address("0x" + digest[12:].hex())


def factory_address():
    """Where the factory is (or will be) on every network."""
    return create2_address(CREATE2_DEPLOYER, FACTORY_SALT, creation_code("DepositFactory"))


def factory_deployment():
    """The transaction that deploys the factory: (to, data). Anyone may send it, once per
    network; sending it again fails harmlessly (the address is taken)."""
    return CREATE2_DEPLOYER, "0x" + (FACTORY_SALT + creation_code("DepositFactory")).hex()


def request_salt(key):
    """The salt of one deposit address: a key unique to it (the database's uuid, the wallet
    and the address's index), hashed; nothing about the customer leaks. The same on every
    network: a payment sent on another network than asked can be swept there too."""
    return keccak(text=f"stablecoin-deposit:{key}")


def deposit_address(merchant, salt, factory=None):
    """The deposit address of ``salt`` that pays only ``merchant`` (0x form)."""
    merchant = to_checksum_address(merchant)
    init_code = creation_code("DepositForwarder") + encode(["address"], [merchant])
    return create2_address(factory or factory_address(), salt, init_code)


def sweep_call(merchant, salts, token):
    """Calldata of the factory's ``sweep``: sends all of ``token`` at these deposit addresses
    of ``merchant`` to ``merchant``, deploying the forwarders not yet there."""
    return encode_call(
        "sweep(address,bytes32[],address)",
        ["address", "bytes32[]", "address"],
        [to_checksum_address(merchant), list(salts), to_checksum_address(token)],
    )
