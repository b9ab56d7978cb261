"""Pure chain logic: no ORM, no network unless a function says so.

Models call these; tests exercise them directly (see ``tests/test_chain_*.py``).
"""

from .address import InvalidAddress, is_checksum_address, to_checksum_address
from .eip681 import PaymentURI, build_erc20_transfer_uri, parse_erc20_transfer_uri
from .logs import (
    TRANSFER_TOPIC,
    TokenTransfer,
    block_datetime,
    decode_transfer_log,
    decode_transfer_logs,
)
from .units import InvalidAmount, format_units, from_units, to_units

__all__ = [
    "TRANSFER_TOPIC",
    "InvalidAddress",
    "InvalidAmount",
    "PaymentURI",
    "TokenTransfer",
    "block_datetime",
    "build_erc20_transfer_uri",
    "decode_transfer_log",
    "decode_transfer_logs",
    "format_units",
    "from_units",
    "is_checksum_address",
    "parse_erc20_transfer_uri",
    "to_checksum_address",
    "to_units",
]
