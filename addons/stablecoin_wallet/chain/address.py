"""EIP-55 address validation and checksumming."""

import re

from eth_utils import keccak

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


class InvalidAddress(ValueError):
    """The text is not an Ethereum address, or its EIP-55 checksum is wrong."""


def _checksum(hex40):
    digest = keccak(text=hex40.lower()).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
        for i, c in enumerate(hex40.lower())
    )


def to_checksum_address(value, strict=True):
    """Return the EIP-55 form of ``value``.

    With ``strict`` (the default), a mixed-case input must already carry a valid checksum: a
    typo in a mixed-case address is refused instead of silently "fixed". All-lowercase or
    all-uppercase inputs carry no checksum and are accepted.
    """
    if not isinstance(value, str):
        raise InvalidAddress(f"An address must be text, not {type(value).__name__}.")
    text = value.strip()
    if not _HEX_ADDRESS.match(text):
        raise InvalidAddress(
            f"{value!r} is not an address: expected 0x followed by 40 hexadecimal characters."
        )
    body = text[2:]
    checksummed = _checksum(body)
    is_mixed = body != body.lower() and body != body.upper()
    if strict and is_mixed and checksummed != text:
        raise InvalidAddress(
            f"{text} has a wrong EIP-55 checksum (a character was mistyped?); "
            f"the checksummed form of its lowercase is {checksummed}."
        )
    return checksummed


def is_checksum_address(value):
    """True when ``value`` is an address written exactly in its EIP-55 form."""
    try:
        return to_checksum_address(value) == value
    except InvalidAddress:
        return False
