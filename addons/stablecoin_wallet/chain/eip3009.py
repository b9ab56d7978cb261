"""Gasless payments with EIP-3009 (USDC's ``transferWithAuthorization``): the payer's wallet
signs an authorization for exactly the amount due to the invoice's address, and anyone (the
business's gas payer) submits it; the token moves exactly that, to exactly that address, once.

The authorization's nonce is derived from the invoice: the token takes each nonce once per
payer, so one authorization pays an invoice at most once, and the nonce in the token's
``AuthorizationUsed`` event names the invoice it paid. Submitting the same authorization twice
(two servers, a retry, someone copying it from the mempool) pays once; a copy submitted first
by someone else pays the same amount to the same address.

Pure: no ORM, no network.
"""

from eth_utils import keccak

from . import eip712
from .abi import encode_call
from .address import to_checksum_address
from .logs import MalformedLog, _hash32, _topic_address

TRANSFER_FIELDS = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "validAfter", "type": "uint256"},
    {"name": "validBefore", "type": "uint256"},
    {"name": "nonce", "type": "bytes32"},
]
PRIMARY_TYPE = "TransferWithAuthorization"
AUTHORIZATION_USED_TOPIC = "0x" + keccak(text="AuthorizationUsed(address,bytes32)").hex()


def authorization_nonce(database_uuid, invoice_id, invoice_name):
    """The nonce (bytes32) of the authorization that pays one invoice."""
    return keccak(text=f"stablecoin-eip3009:{database_uuid}:{invoice_id}:{invoice_name}")


def transfer_typed_data(token_domain, sender, recipient, value, valid_after, valid_before, nonce):
    """The ``eth_signTypedData_v4`` document of a ``TransferWithAuthorization``.

    ``token_domain``: ``eip712.domain(name, version, chain_id, token)`` as the token has it
    (USDC: its ``name()``, version "2"). The token accepts it strictly after ``valid_after``
    and strictly before ``valid_before`` (unix times)."""
    if not 0 < value < 2**256:
        raise ValueError("value: a positive amount in the token's smallest units")
    if valid_after >= valid_before:
        raise ValueError("valid_after must be before valid_before")
    if len(nonce) != 32:
        raise ValueError("nonce: 32 bytes")
    message = {
        "from": to_checksum_address(sender),
        "to": to_checksum_address(recipient),
        "value": str(value),
        "validAfter": str(valid_after),
        "validBefore": str(valid_before),
        "nonce": "0x" + bytes(nonce).hex(),
    }
    return eip712.typed_data(PRIMARY_TYPE, TRANSFER_FIELDS, token_domain, message)


def signer(document, signature):
    """Who signed the authorization (checksummed), checked as the token checks it."""
    return eip712.recover_signer(document, signature)


def transfer_with_authorization_call(document, signature):
    """Calldata of the token's ``transferWithAuthorization`` (the v, r, s form every USDC
    version since 2 has) for a signed ``transfer_typed_data`` document."""
    v, r, s = eip712.split_signature(signature)
    m = document["message"]
    return encode_call(
        "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
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
        [
            m["from"],
            m["to"],
            int(m["value"]),
            int(m["validAfter"]),
            int(m["validBefore"]),
            bytes.fromhex(m["nonce"][2:]),
            v,
            r,
            s,
        ],
    )


def authorization_state_call(authorizer, nonce):
    """Calldata of the token's ``authorizationState(authorizer, nonce)``: true once used or
    canceled."""
    return encode_call(
        "authorizationState(address,bytes32)",
        ["address", "bytes32"],
        [to_checksum_address(authorizer), nonce],
    )


def decode_authorization_used(log):
    """(authorizer, nonce) of a token's ``AuthorizationUsed`` log: the nonce names the invoice
    (``authorization_nonce``); raise ``MalformedLog`` for anything else."""
    topics = log.get("topics") or []
    if len(topics) != 3 or str(topics[0]).lower() != AUTHORIZATION_USED_TOPIC:
        raise MalformedLog("Not an EIP-3009 AuthorizationUsed log.")
    return _topic_address(topics[1]), bytes.fromhex(_hash32(topics[2], "topics[2]")[2:])
