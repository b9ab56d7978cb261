"""Minimal ABI helpers for the few ERC-20 calls we make (balanceOf, decimals, transfer)."""

from eth_abi import decode, encode
from eth_utils import keccak


def selector(signature):
    """The 4-byte function selector of ``signature``, e.g. ``transfer(address,uint256)``."""
    return keccak(text=signature)[:4]


def encode_call(signature, types, args):
    return "0x" + (selector(signature) + encode(types, args)).hex()


def decode_uint(hex_result):
    """Decode a single uint returned by eth_call."""
    return decode(["uint256"], bytes.fromhex(hex_result[2:]))[0]
