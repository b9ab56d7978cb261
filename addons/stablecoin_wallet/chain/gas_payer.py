"""The gas payer: the one key a server may hold. It pays gas for transactions whose effect is
fixed elsewhere (a mandate charge moves only what the payer signed, to whom the payer signed);
it holds no customer funds and has no power over any.

Its key is checked by shape (32 bytes of hex, on the curve), never repeated in an error; the
transactions it signs are plain EIP-1559 ones where the network has a base fee, legacy ones
elsewhere.

Pure: no ORM, no network.
"""

import re

from eth_account import Account

from .address import to_checksum_address

_HEX_KEY = re.compile(r"(0x)?[0-9a-fA-F]{64}")
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# Headroom over the node's gas estimate (a charge's gas depends on the token's state).
GAS_MARGIN_PERCENT = 25
# What the payer tips the block producer per gas on EIP-1559 networks (1 gwei).
PRIORITY_FEE_WEI = 10**9


class InvalidKey(ValueError):
    """Not a private key. The message never contains the value."""


def parse_key(text):
    """The 32-byte private key of ``text`` (64 hex digits, with or without 0x)."""
    if not isinstance(text, str) or not _HEX_KEY.fullmatch(text.strip()):
        raise InvalidKey("a private key is 32 bytes written as 64 hexadecimal digits")
    key = bytes.fromhex(text.strip().removeprefix("0x"))
    if not 0 < int.from_bytes(key, "big") < SECP256K1_N:
        raise InvalidKey("not a valid secp256k1 private key")
    return key


def address_of(text):
    """The checksummed address of the key ``text``."""
    return to_checksum_address(Account.from_key(parse_key(text)).address)


def transaction(chain_id, nonce, to, data, gas_estimate, base_fee=None, gas_price=None):
    """The fields of a contract call paid by the gas payer: EIP-1559 when the latest block has
    a ``base_fee`` (max fee: twice it plus the tip), legacy at ``gas_price`` otherwise."""
    tx = {
        "chainId": int(chain_id),
        "nonce": int(nonce),
        "to": to_checksum_address(to),
        "data": data,
        "value": 0,
        "gas": int(gas_estimate) * (100 + GAS_MARGIN_PERCENT) // 100,
    }
    if base_fee is not None:
        tip = PRIORITY_FEE_WEI
        tx.update(type=2, maxPriorityFeePerGas=tip, maxFeePerGas=2 * int(base_fee) + tip)
    else:
        if gas_price is None:
            raise ValueError("a legacy transaction needs a gas price")
        tx["gasPrice"] = int(gas_price)
    return tx


def sign(tx, key_text):
    """(raw transaction as 0x hex, its hash as 0x hex)."""
    signed = Account.sign_transaction(tx, parse_key(key_text))
    return "0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()


def max_cost(tx):
    """The most ``tx`` can cost its payer, in wei."""
    return tx["gas"] * tx.get("maxFeePerGas", tx.get("gasPrice", 0))
