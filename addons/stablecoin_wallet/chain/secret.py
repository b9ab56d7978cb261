"""Secrets pasted where a public value belongs: a private key or a recovery phrase typed as an
address (a common mistake). Recognised by shape only, so that the value is refused without
being repeated in the error or written to the server's log."""

import re

# A raw secp256k1 private key: 32 bytes in hexadecimal, with or without 0x (also the shape of
# a transaction hash: no address either way).
_HEX_KEY = re.compile(r"(0x)?[0-9a-fA-F]{64}")
# A WIF private key (Bitcoin's, and Tron wallets' exports): base58 of 51 or 52 characters.
_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
WIF_LENGTHS = (51, 52)
# An extended private key (xprv, tprv, yprv, zprv...).
_EXTENDED_PRIVATE = re.compile(r"[a-z]prv[1-9A-HJ-NP-Za-km-z]{100,}")
# A BIP-39 recovery phrase: 12 to 24 words (in steps of 3).
MNEMONIC_LENGTHS = (12, 15, 18, 21, 24)


def looks_like_secret(text):
    """True when ``text`` has the shape of a private key or a recovery phrase."""
    if not isinstance(text, str):
        return False
    text = text.strip()
    if _HEX_KEY.fullmatch(text) or _EXTENDED_PRIVATE.fullmatch(text):
        return True
    if len(text) in WIF_LENGTHS and _BASE58.fullmatch(text):
        return True
    words = text.split()
    return len(words) in MNEMONIC_LENGTHS and all(word.isalpha() for word in words)
