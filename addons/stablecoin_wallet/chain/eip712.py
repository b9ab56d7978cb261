"""EIP-712 signatures as our contracts and the tokens check them: the digest a wallet signs
(``eth_signTypedData_v4``), its signer, and the (v, r, s) form token functions take.

The hashing is eth_account's; what is ours is the strictness the contracts apply: 65 bytes,
v 27/28 (0/1 accepted, as some hardware wallets give), s in the lower half of the curve order
(so a signature has one form only).

Pure: no ORM, no network.
"""

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from .address import to_checksum_address

# secp256k1's order, and the highest s the contracts accept.
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = SECP256K1_N // 2

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


class InvalidSignature(ValueError):
    pass


def domain(name, version, chain_id, verifying_contract):
    return {
        "name": name,
        "version": version,
        "chainId": int(chain_id),
        "verifyingContract": to_checksum_address(verifying_contract),
    }


def typed_data(primary_type, fields, domain_, message):
    """The ``eth_signTypedData_v4`` document: uint values as decimal strings (JSON numbers
    lose precision in a browser above 2**53), bytes32 as 0x hex."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, primary_type: fields},
        "primaryType": primary_type,
        "domain": domain_,
        "message": message,
    }


def digest(document):
    """The 32 bytes the signer signs for ``document`` (a typed-data dict)."""
    signable = encode_typed_data(full_message=document)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def split_signature(signature):
    """(v, r, s) of a 65-byte signature (bytes or 0x hex), checked as the contracts do."""
    if isinstance(signature, str):
        signature = bytes.fromhex(signature.removeprefix("0x"))
    if len(signature) != 65:
        raise InvalidSignature("a signature is 65 bytes")
    r, s, v = signature[:32], signature[32:64], signature[64]
    if v < 27:
        v += 27
    if v not in (27, 28):
        raise InvalidSignature("v must be 27 or 28")
    if not 0 < int.from_bytes(s, "big") <= HALF_N or not 0 < int.from_bytes(r, "big") < SECP256K1_N:
        raise InvalidSignature("s must be in the lower half of the curve order")
    return v, r, s


def recover_signer(document, signature):
    """The checksummed address that signed ``document``; InvalidSignature if malformed."""
    v, r, s = split_signature(signature)
    vrs = (v, int.from_bytes(r, "big"), int.from_bytes(s, "big"))
    return to_checksum_address(
        Account.recover_message(encode_typed_data(full_message=document), vrs=vrs)
    )
