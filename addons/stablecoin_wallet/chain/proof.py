"""Proof that a payer controls the address a transfer came from: a message naming the invoice
and the transaction, signed by that address's wallet (EIP-191 ``personal_sign``, what every
EVM browser wallet offers), checked here by recovering the signer.

Pure: no ORM, no network.
"""

import re

from eth_account import Account
from eth_account.messages import encode_defunct

from .address import to_checksum_address

SIGNATURE = re.compile(r"^0x[0-9a-fA-F]{130}$")


class InvalidSignature(ValueError):
    """The signature is malformed or cannot be recovered."""


def claim_message(company, invoice, tx_hash):
    """The text the payer's wallet signs: what it claims, for whom, in words they can read."""
    return (
        f"I, the sender of transaction {tx_hash.lower()}, claim it as payment of invoice "
        f"{invoice} of {company}."
    )


def signer(message, signature):
    """The address (checksummed) that signed ``message`` with ``signature`` (0x + 65 bytes)."""
    if not isinstance(signature, str) or not SIGNATURE.match(signature):
        raise InvalidSignature("expected 0x followed by 130 hexadecimal characters")
    try:
        recovered = Account.recover_message(encode_defunct(text=message), signature=signature)
    except Exception as exc:  # eth_keys raises several kinds for a bad curve point or v
        raise InvalidSignature(str(exc)) from exc
    return to_checksum_address(recovered)


def signed_by(message, signature, address):
    """Whether ``signature`` of ``message`` was made by ``address`` (False when malformed)."""
    try:
        return signer(message, signature) == to_checksum_address(address)
    except (InvalidSignature, ValueError):
        return False
