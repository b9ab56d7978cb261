"""Scan ERC-20 Transfer logs to a set of addresses, in block chunks that adapt to the node.

Pure logic over a :class:`~.rpc.JsonRpcClient`-like object; the Odoo model stores what comes
out. A chunk the node refuses (range or result size) is halved until it passes, and the chunk
grows back (doubling) after each success, never past ``max_chunk`` (TronGrid refuses more than
5,000 blocks). A node that cuts its answers short instead of refusing (a result cap) is met
the same way: an answer of ``result_cap`` logs or more is taken as refused.
"""

import queue
import threading
from dataclasses import dataclass

from .logs import TRANSFER_TOPIC, decode_transfer_logs
from .rpc import RpcRangeTooLarge

# Addresses OR-ed in one eth_getLogs topic filter; more are split into several queries. What
# hosted endpoints accept is written in docs/rpc-providers.md; a network may set its own
# (``stablecoin.network.max_topics_per_query``).
MAX_TOPICS_PER_QUERY = 500


def address_topic(address):
    return "0x" + "0" * 24 + address[2:].lower()


def topic_filters(recipients, outgoing=False, incoming=True, max_topics=MAX_TOPICS_PER_QUERY):
    """The ``topics`` filters of the eth_getLogs queries for transfers to ``recipients`` (and,
    with ``outgoing``, from them): one query per direction and group of ``max_topics``
    addresses, whatever the number of tokens (their contracts go in one ``address`` list)."""
    topics = [address_topic(a) for a in sorted(set(recipients))]
    size = max(1, max_topics)
    groups = []
    for i in range(0, len(topics), size):
        group = topics[i : i + size]
        if incoming:
            groups.append([TRANSFER_TOPIC, None, group])
        if outgoing:
            groups.append([TRANSFER_TOPIC, group])
    return groups


@dataclass
class Chunk:
    start: int
    end: int
    transfers: list
    next_size: int


def scan_transfers(
    client,
    tokens,
    recipients,
    start,
    end,
    chunk_size=2000,
    max_chunk=10000,
    outgoing=False,
    result_cap=0,
    incoming=True,
    max_topics=MAX_TOPICS_PER_QUERY,
):
    """Yield a :class:`Chunk` per block range scanned, in order, from ``start`` to ``end``.

    ``tokens``: token contract addresses; ``recipients``: our addresses. With ``outgoing``,
    transfers *from* those addresses come back too (refunds, sweeps); without ``incoming``,
    only those. Raises :class:`RpcRangeTooLarge` only if the node refuses even a single block.
    """
    if not tokens or not recipients or start > end or not (incoming or outgoing):
        return
    groups = topic_filters(recipients, outgoing, incoming, max_topics)
    max_chunk = max(1, max_chunk)
    size = min(max(1, chunk_size), max_chunk)
    block = start
    while block <= end:
        last = min(end, block + size - 1)
        try:
            logs = {}
            for topic_filter in groups:
                answer = client.get_logs(
                    {
                        "fromBlock": hex(block),
                        "toBlock": hex(last),
                        "address": list(tokens),
                        "topics": topic_filter,
                    }
                )
                if result_cap and len(answer) >= result_cap and last > block:
                    raise RpcRangeTooLarge(f"{len(answer)} logs: the answer may be cut short")
                for log in answer:
                    # A transfer between two of our addresses comes back from both queries.
                    logs[(log.get("transactionHash"), log.get("logIndex"))] = log
            logs = list(logs.values())
        except RpcRangeTooLarge:
            if size == 1:
                raise
            size = max(1, size // 2)
            continue
        size = min(max_chunk, size * 2)
        yield Chunk(block, last, [t for t in decode_transfer_logs(logs) if not t.removed], size)
        block = last + 1


_DONE = object()


def read_ahead(chunks):
    """Iterate ``chunks`` (:func:`scan_transfers`) one block range ahead, in a thread: the node
    answers the next range while the caller records the current one in the database. Only
    the thread asks the node until the iteration ends (or the caller stops: the thread
    finishes the call it is in, and asks nothing more); an error of the node is raised in
    the caller, where it would have been."""
    ready = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce():
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        ready.put((chunk, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put((_DONE, None))
        # Any error of the node or the decoding: handed to the caller, raised there.
        except Exception as exc:  # noqa: BLE001  pylint: disable=broad-exception-caught
            ready.put((_DONE, exc))

    thread = threading.Thread(target=produce, name="stablecoin-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            chunk, error = ready.get()
            if error is not None:
                raise error
            if chunk is _DONE:
                return
            yield chunk
    finally:
        stop.set()
        thread.join()
