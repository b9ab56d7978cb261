"""Tron addresses: base58check ``T...`` text <-> the 0x hex form the logs carry.

A Tron account is the same 20 bytes as an EVM address (the last 20 bytes of the keccak of the
public key); Tron writes it as base58check of ``0x41`` + those 20 bytes, which always starts
with ``T``. TronGrid's Ethereum-compatible ``/jsonrpc`` speaks the 0x form (log addresses,
topics), so the addons keep every address in the 0x form inside and convert at the edges:
what a person types (refused unless its checksum is right) and what a person reads.

Base58check is written here (a few lines over :mod:`hashlib`) rather than taken from a package;
the tests check it against the ``base58`` package and published addresses.
"""

import hashlib

from .address import InvalidAddress, to_checksum_address

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
PREFIX = 0x41  # mainnet and testnets (Nile, Shasta) alike
TRON_ADDRESS_LENGTH = 34  # base58 text of 25 bytes (prefix, 20 bytes, 4-byte checksum)


def _checksum(payload):
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def b58encode(data):
    """Base58 text of ``data`` (bytes); each leading zero byte is a leading ``1``."""
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = ALPHABET[rest] + text
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + text


def b58decode(text):
    """The bytes of base58 ``text``; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b58check_encode(payload):
    return b58encode(payload + _checksum(payload))


def b58check_decode(text):
    """The payload of base58check ``text``; ValueError if the checksum does not match."""
    raw = b58decode(text)
    if len(raw) < 4:
        raise ValueError("too short for a base58check text")
    payload, check = raw[:-4], raw[-4:]
    if _checksum(payload) != check:
        raise ValueError("wrong checksum")
    return payload


def to_tron_address(hex_address):
    """The ``T...`` form of a 0x address (20 bytes). Trusted input (our own records)."""
    if not isinstance(hex_address, str) or len(hex_address) != 42 or hex_address[:2] != "0x":
        raise InvalidAddress(f"{hex_address!r} is not a 0x address of 20 bytes.")
    try:
        body = bytes.fromhex(hex_address[2:])
    except ValueError as exc:
        raise InvalidAddress(f"{hex_address!r} is not a 0x address of 20 bytes.") from exc
    return b58check_encode(bytes([PREFIX]) + body)


def from_tron_address(text):
    """The 0x form (EIP-55 checksummed) of a typed ``T...`` address.

    Refuses, with a message for the person who typed it, anything else: a 0x address (an
    Ethereum address pasted by mistake), a wrong length, a character base58 does not use
    (0, O, I, l), a wrong checksum (a mistyped character), another prefix than 0x41.
    """
    if not isinstance(text, str):
        raise InvalidAddress(f"A Tron address must be text, not {type(text).__name__}.")
    value = text.strip()
    if value[:2].lower() == "0x" or (len(value) == 42 and value[:2] == "41"):
        raise InvalidAddress(
            f"{value} is a hexadecimal address: give the Tron address as Tron wallets show it, "
            "starting with T (34 characters)."
        )
    if not value.startswith("T") or len(value) != TRON_ADDRESS_LENGTH:
        raise InvalidAddress(
            f"{value!r} is not a Tron address: expected 34 characters starting with T."
        )
    try:
        payload = b58check_decode(value)
    except ValueError as exc:
        raise InvalidAddress(
            f"{value} is not a valid Tron address ({exc}: a character was mistyped?)."
        ) from exc
    if len(payload) != 21 or payload[0] != PREFIX:
        raise InvalidAddress(f"{value} is not a Tron account address (prefix 0x41).")
    return to_checksum_address("0x" + payload[1:].hex(), strict=False)


def is_tron_address(text):
    """True when ``text`` is a valid ``T...`` address."""
    try:
        from_tron_address(text)
    except InvalidAddress:
        return False
    return True


def tron_tx_id(tx_hash):
    """A transaction id as Tron explorers and wallets show it: the hash without ``0x``."""
    return tx_hash[2:] if tx_hash and tx_hash[:2].lower() == "0x" else tx_hash
