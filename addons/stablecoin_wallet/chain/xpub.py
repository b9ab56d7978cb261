"""Watch-only receiving addresses from an extended public key (BIP-32, non-hardened).

The key is the account-level xpub a wallet exports (m/44'/60'/0' on EVM networks,
m/44'/195'/0' on Tron); address ``i`` is its external chain child ``0/i``, as MetaMask,
Ledger, Trezor or TronLink derive them. A Tron account is the same 20 bytes as an EVM address
of the same key (Tron only writes them otherwise, see :mod:`.tron`), so the derivation is one.
Private keys (xprv) are refused: the server never holds one.
"""

from bip_utils import Base58ChecksumError, Bip32KeyError, Bip32Secp256k1, EthAddrEncoder

from .address import to_checksum_address

# m/44'/60'/0': purpose, coin type, account.
ACCOUNT_DEPTH = 3


class InvalidExtendedKey(ValueError):
    """The text is not a usable extended public key."""


def _load(xpub, account_path="m/44'/60'/0'"):
    if not isinstance(xpub, str) or not xpub.strip():
        raise InvalidExtendedKey("The extended public key is empty.")
    text = xpub.strip()
    if text[1:4] == "prv":
        raise InvalidExtendedKey(
            "This is an extended PRIVATE key: never paste it here. Export the extended public "
            "key (xpub) of the account instead."
        )
    try:
        key = Bip32Secp256k1.FromExtendedKey(text)
    except (Bip32KeyError, Base58ChecksumError, ValueError, TypeError) as exc:
        raise InvalidExtendedKey(
            "This is not a valid extended public key (xpub): check that it was copied whole."
        ) from exc
    if not key.IsPublicOnly():
        raise InvalidExtendedKey("Only an extended public key (xpub) is accepted.")
    depth = key.Depth().ToInt()
    if depth != ACCOUNT_DEPTH:
        raise InvalidExtendedKey(
            f"This extended public key is at depth {depth}; export the account's key "
            f"({account_path}, depth {ACCOUNT_DEPTH}), whose children 0/i are the addresses "
            "your wallet shows."
        )
    return key


def validate_xpub(xpub, account_path="m/44'/60'/0'"):
    """Return the stripped xpub if it derives addresses; raise :class:`InvalidExtendedKey`."""
    _load(xpub, account_path)
    return xpub.strip()


def derive_address(xpub, index):
    """Return the EIP-55 address of child ``0/index`` of ``xpub`` (on Tron: its 0x form)."""
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 2**31:
        raise InvalidExtendedKey(f"Derivation index {index!r} must be between 0 and 2^31-1.")
    child = _load(xpub).DerivePath(f"0/{index}")
    return to_checksum_address(
        EthAddrEncoder.EncodeKey(child.PublicKey().KeyObject()), strict=False
    )
