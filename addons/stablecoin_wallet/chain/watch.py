"""The watcher's decisions from the node's answers: confirm, wait, revert, move, or not know.

Pure: plain values in (block numbers, hashes, raw receipts, the head, the finality settings,
the answers of one endpoint and of another), a decision out. The models ask the node and write
the records (``stablecoin.network._scan``, ``stablecoin.transfer._update_confirmations`` and
``_verify_settled``); what the answers prove is decided here.

**No answer is no proof.** A node that is silent, lags or answers once something else is not a
reorganisation: nothing is reversed until the same endpoint says twice that the block changed,
and no other endpoint of the network sees another block there (a network with one endpoint,
or whose other endpoints fail or have no such block, goes by the first's two answers); a
transaction is gone only if its node has no receipt for it, asked twice. Such a check is
asked step by step (a question costs an RPC call): :func:`judge_block` and
:func:`judge_receipt` take the answers so far and return either the next question to ask
(:class:`Ask`) or the :class:`Verdict`.
"""

import enum
import math
from dataclasses import dataclass
from typing import NamedTuple

from .logs import MalformedLog, decode_transfer_log


class Ask(enum.Enum):
    """The next question before a verdict."""

    AGAIN = "again"  # the same endpoint, once more
    WITNESS = "witness"  # another endpoint of the network


class Verdict(enum.Enum):
    """What the answers prove."""

    SAME = "same"  # the recorded block is still the chain's: confirmed, or still accepted
    SILENT = "silent"  # no answer: unknown, ask again at the next scan
    UNSURE = "unsure"  # answers that disagree with each other: unknown, ask again later
    REPLACED = "replaced"  # proven: the recorded block was reorganised away
    MOVED = "moved"  # the transaction is in another block now (re-included)
    GONE = "gone"  # proven: the transaction is no longer on chain (or it failed)


# -- finality ------------------------------------------------------------------------------
def depth(block_number, head):
    """Blocks from ``block_number`` to ``head``, both counted (1: the head's own block)."""
    return head - block_number + 1


def is_final(block_number, head, finality, confirmations_final, final_block):
    """Whether a transfer of ``block_number`` is final, the head being ``head``.

    ``finality``: ``"depth"`` (``confirmations_final`` blocks on top of it, its own included),
    or the node's ``"safe"`` / ``"finalized"`` tag, whose block was ``final_block`` at the
    last scan: never final while the node has not said it (``final_block`` 0 or None)."""
    return block_number <= last_final_block(head, finality, confirmations_final, final_block)


def last_final_block(head, finality, confirmations_final, final_block):
    """The last final block, the head being ``head`` (-1: none): a transfer is final when its
    block is at or before it (one comparison a transfer when a scan records thousands)."""
    if finality == "depth":
        return head - confirmations_final + 1
    return final_block if final_block else -1


def tagged_block_number(answer):
    """The number of the node's ``eth_getBlockByNumber("safe" | "finalized")`` answer; 0 when
    it has none (not final yet: nothing becomes final by a missing answer)."""
    return int(answer["number"], 16) if isinstance(answer, dict) else 0


def last_block_final_next(head, confirmations_final):
    """The last block whose transfers are final (by depth) once the block after ``head``
    comes: while one waits there, the follower lets Odoo's other jobs wait a little, rather
    than pay it a job later."""
    return head - confirmations_final + 2


# -- checkpoint ----------------------------------------------------------------------------
def first_checkpoint(start_block, head, confirmations_final):
    """The checkpoint of a network never scanned: just before ``start_block``, or, without
    one, before the blocks that may still hold unconfirmed transfers (and 100 more)."""
    start = start_block or max(0, head - confirmations_final - 100)
    return start - 1


def scan_from(checkpoint, start_block, overlap):
    """The first block to read: after the checkpoint, ``overlap`` blocks earlier (a provider
    whose logs lag behind its head answered nothing for them), never before ``start_block``."""
    return max(checkpoint + 1 - overlap, start_block, 0)


def checkpoint_rewind(checkpoint, recorded_hash, answered_hash, confirmations_final):
    """The block to scan again from (the new checkpoint) if the checkpoint's block changed,
    else None. Any other answer than the recorded hash, a missing one included, rescans: a
    rescan reverses nothing, it only reads the unsure blocks again."""
    if answered_hash == recorded_hash:
        return None
    return max(0, checkpoint - confirmations_final - 1)


def rewind(checkpoint, block):
    """The new checkpoint for the next scan to read ``block`` again, or None if it will."""
    if block - 1 < checkpoint:
        return max(0, block - 1)
    return None


def verify_due(head, last_verified_block, confirmations_final, reorganised):
    """Whether to re-check accepted transfers now: after a reorganisation at the checkpoint,
    every ``confirmations_final`` blocks, or if the head went back."""
    since = head - (last_verified_block or 0)
    return reorganised or since >= confirmations_final or since < 0


def verify_window_start(head, reorg_window_blocks, confirmations_final):
    """Accepted transfers above this block are re-checked (the deep reorganisation window)."""
    return head - max(reorg_window_blocks, confirmations_final)


def verify_from(head, last_verified_block, reorg_window_blocks, confirmations_final, reorganised):
    """Accepted transfers above this block are re-checked by a due check.

    The whole deep-reorganisation window after a reorganisation at the checkpoint, if the
    head went back, or once per window of blocks; otherwise only the transfers accepted since
    the last check: the older ones were checked then, and the checkpoint's hash, compared at
    every scan, proves every block below it unchanged since (a block's hash commits to its
    parent's). A second look at each new one, not a re-read of the window every few blocks."""
    window = max(reorg_window_blocks, confirmations_final, 1)
    start = verify_window_start(head, reorg_window_blocks, confirmations_final)
    last = last_verified_block or 0
    if reorganised or head < last or head // window != last // window:
        return start
    return max(start, last - confirmations_final)


def out_scan_every(confirmations_final, block_seconds):
    """Blocks between two reads of the transfers out of our addresses while the head is
    followed (refunds and sweeps need no block-by-block latency): about a minute of blocks,
    at least the confirmation depth."""
    return max(confirmations_final, math.ceil(60 / max(block_seconds or 12, 0.1)), 1)


def head_unchanged(checkpoint, checkpoint_hash, head, head_hash):
    """The latest block is the one the last scan ended on: nothing new to read."""
    return bool(checkpoint_hash) and head == checkpoint and head_hash == checkpoint_hash


def checkpoint_linked(checkpoint, checkpoint_hash, head, head_hash, parent_hash):
    """The latest block proves the checkpoint still the chain's without asking for it: it is
    the checkpoint, or the next block whose parent is the checkpoint."""
    if not checkpoint_hash:
        return False
    if head == checkpoint:
        return head_hash == checkpoint_hash
    return head == checkpoint + 1 and parent_hash == checkpoint_hash


# The follower asks for the head at most once a second: on a chain of quarter-second blocks
# (Arbitrum) a poll a block would be 14,400 calls an hour for the head alone; a second's delay
# costs nothing against the minutes of finality.
MIN_POLL_SECONDS = 1.0


def next_poll_delay(block_seconds, new_head):
    """Seconds until the follower asks for the head again: a block time after it saw a new
    one (about one call a block, at most one a second), a quarter of it when the block is
    late."""
    seconds = max(block_seconds or 12, MIN_POLL_SECONDS)
    return seconds if new_head else max(seconds / 4, MIN_POLL_SECONDS / 4)


def other_jobs_patience(block_seconds):
    """Seconds another scheduled job may wait for the follower while a receipt becomes final
    with the next block: a block time and a half (a late block), and half a second more."""
    return 1.5 * max(block_seconds or 12, MIN_POLL_SECONDS) + 0.5


# -- a recorded block, asked again ---------------------------------------------------------
def judge_block(recorded_hash, answers):
    """Is the block a transfer was recorded in (``recorded_hash``) still the chain's?

    ``answers``: the hashes answered so far for its number, in order: the endpoint's (None:
    no answer, no such block), the same endpoint's again, another endpoint's (None: there is
    none, it failed, or it has no such block). Returns the next :class:`Ask`, or
    :attr:`Verdict.SAME`, :attr:`~Verdict.SILENT`, :attr:`~Verdict.UNSURE` or
    :attr:`~Verdict.REPLACED`."""
    first = answers[0]
    if not first:
        return Verdict.SILENT
    if first == recorded_hash:
        return Verdict.SAME
    if len(answers) < 2:
        return Ask.AGAIN
    again = answers[1]
    if not again or again != first:
        return Verdict.UNSURE  # the node said it once only
    if len(answers) < 3:
        return Ask.WITNESS
    witness = answers[2]
    if witness is None or witness == first:
        return Verdict.REPLACED
    return Verdict.UNSURE  # another endpoint sees another block there


# -- a transaction whose block was replaced ------------------------------------------------
def is_included(receipt):
    """The receipt is of a successful transaction in a block."""
    return bool(receipt and int(receipt.get("status", "0x0"), 16) == 1 and receipt.get("blockHash"))


def judge_receipt(receipts):
    """Where is a transaction whose block was replaced?

    ``receipts``: the endpoint's ``eth_getTransactionReceipt`` answers so far (None: no such
    transaction). Returns :attr:`Ask.AGAIN`, or :attr:`Verdict.MOVED` (the first receipt places
    it in another block), :attr:`~Verdict.GONE` (failed, or absent when asked twice) or
    :attr:`~Verdict.UNSURE` (absent once, then there)."""
    first = receipts[0]
    if is_included(first):
        return Verdict.MOVED
    if first is not None:
        return Verdict.GONE  # a receipt, but of a failed transaction or none in a block
    if len(receipts) < 2:
        return Ask.AGAIN
    return Verdict.GONE if receipts[1] is None else Verdict.UNSURE


class TransferKey(NamedTuple):
    """What makes a transfer the same wherever a reorganisation puts it (its block, its log
    index aside), compared as the caller gives them."""

    token: object  # the token's contract address, or its record id
    sender: str
    recipient: str
    amount: str  # in token units, as decimal text (``amount_units``)


def moved_by_reorg(recorded_block_hash, recorded_key, block_hash, key):
    """A recorded transfer (its block, its :class:`TransferKey`) is this one, found in
    another block: the same transaction re-included after a reorganisation (its log index
    may have changed with the transactions before it)."""
    return recorded_block_hash != block_hash and recorded_key == key


def reincluded_state(state):
    """The state of a transfer found again in another block: a reverted one is seen again
    (it awaits its depth once more); any other keeps its state."""
    return "seen" if state == "reverted" else state


@dataclass(frozen=True)
class Placement:
    """Where a re-included transfer is now; ``log_index`` None when its log was not found."""

    block_number: int
    block_hash: str
    log_index: int | None = None


def placement_in(receipt, key, taken=()):
    """The :class:`Placement` in ``receipt`` of the transfer ``key`` (token contract, sender,
    recipient as checksum addresses, amount as decimal text): its log found by content, never
    by its former log index, skipping the log indices in ``taken`` (placed already: two
    identical transfers of one transaction take one log each)."""
    log_index = None
    for log in receipt.get("logs") or []:
        try:
            decoded = decode_transfer_log(log)
        except MalformedLog:
            continue
        found = TransferKey(decoded.token, decoded.sender, decoded.recipient, str(decoded.amount))
        if found == key and decoded.log_index not in taken:
            log_index = decoded.log_index
            break
    return Placement(int(receipt["blockNumber"], 16), receipt["blockHash"].lower(), log_index)
