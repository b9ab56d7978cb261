"""Decode ERC-20 ``Transfer`` logs from raw JSON-RPC ``eth_getLogs`` results.

web3's result formatting costs ~10x the node's time on large scans; this decodes the raw dicts.
"""

from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from .address import to_checksum_address

# keccak256("Transfer(address,address,uint256)")
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


class MalformedLog(ValueError):
    """The log is not a well-formed ERC-20 Transfer event."""


class TokenTransfer(NamedTuple):
    token: str
    sender: str
    recipient: str
    amount: int
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    removed: bool = False
    block_time: int | None = None  # unix time, when the node gives it (``blockTimestamp``)


def block_datetime(timestamp):
    """A block's unix time as a naive UTC datetime (how Odoo stores datetimes)."""
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def _checksum(hex40_lower):
    return to_checksum_address("0x" + hex40_lower, strict=False)


def _topic_address(topic):
    if not isinstance(topic, str) or len(topic) != 66 or not topic.startswith("0x"):
        raise MalformedLog(f"Topic {topic!r} is not a 32-byte hex word.")
    if topic[2:26].strip("0"):
        raise MalformedLog(f"Topic {topic} does not hold an address.")
    return _checksum(topic[26:].lower())


def _hex_int(value, field):
    try:
        return int(value, 16)
    except (TypeError, ValueError) as exc:
        raise MalformedLog(f"Log field {field!r} is not a hex quantity: {value!r}.") from exc


def _hash32(value, field):
    if not isinstance(value, str) or len(value) != 66 or not value.startswith("0x"):
        raise MalformedLog(f"Log field {field!r} is not a 32-byte hash: {value!r}.")
    return value.lower()


def decode_transfer_log(log):
    """Return the :class:`TokenTransfer` for one raw log dict; raise :class:`MalformedLog`."""
    topics = log.get("topics") or []
    if len(topics) != 3 or str(topics[0]).lower() != TRANSFER_TOPIC:
        raise MalformedLog("Not an ERC-20 Transfer log (expected 3 topics, Transfer signature).")
    data = log.get("data") or ""
    if not isinstance(data, str) or len(data) != 66 or not data.startswith("0x"):
        raise MalformedLog(f"Transfer data must be one 32-byte word, got {data!r}.")
    address = log.get("address")
    if not isinstance(address, str) or len(address) != 42:
        raise MalformedLog(f"Log address {address!r} is not an address.")
    return TokenTransfer(
        token=_checksum(address[2:].lower()),
        sender=_topic_address(topics[1]),
        recipient=_topic_address(topics[2]),
        amount=_hex_int(data, "data"),
        block_number=_hex_int(log.get("blockNumber"), "blockNumber"),
        block_hash=_hash32(log.get("blockHash"), "blockHash"),
        tx_hash=_hash32(log.get("transactionHash"), "transactionHash"),
        log_index=_hex_int(log.get("logIndex"), "logIndex"),
        removed=bool(log.get("removed", False)),
        block_time=(
            _hex_int(log["blockTimestamp"], "blockTimestamp")
            if log.get("blockTimestamp") is not None
            else None
        ),
    )


def decode_transfer_logs(logs):
    """Decode a raw ``eth_getLogs`` result list, in chain order (block, log index)."""
    transfers = [decode_transfer_log(log) for log in logs]
    transfers.sort(key=lambda t: (t.block_number, t.log_index))
    return transfers
