"""A small JSON-RPC client for EVM nodes: timeouts, clear errors, raw results (no web3 formatting).

web3's result formatting costs ~10x the node's own time on large log scans, so logs come back
as raw dicts for :mod:`.logs` to decode.
"""

import re
import time

import requests

# Endpoints whose chain id was checked, by (URL, chain id): until when (monotonic) the check
# holds. An endpoint serves the same chain for its whole life; asking at every scan cost a
# third of the watcher's calls (docs/benchmarks.md, session 10). An endpoint that fails is
# checked again at its next use.
CHAIN_ID_CHECK_SECONDS = 600
_CHECKED_CHAIN = {}

# Messages providers send when an eth_getLogs range or result set is too large (Alchemy,
# Infura, QuickNode, Ankr, public nodes, geth/erigon/reth). Matched case-insensitively.
_RANGE_REFUSALS = re.compile(
    r"block range|range (is )?too (large|wide|big)|more than \d+ (results|logs)|"
    r"too many (results|logs|blocks)|limit exceeded|exceeds? (the )?(max|limit)|"
    r"response size|query timeout|max(imum)? (block )?range|results? (set )?(is )?too large",
    re.IGNORECASE,
)


class RpcError(Exception):
    """The node answered with an error, or could not be reached, or answered nonsense."""


class RpcRangeTooLarge(RpcError):
    """The node refused an eth_getLogs range or result size: retry with a smaller range."""


class JsonRpcClient:
    def __init__(self, url, timeout=20, session=None):
        self.url = url
        self.timeout = timeout
        self.session = session or requests.Session()
        self._id = 0

    def call(self, method, *params):
        self._id += 1
        payload = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}
        try:
            resp = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise RpcError(f"{method}: cannot reach the node ({exc.__class__.__name__}).") from exc
        if resp.status_code == 413:
            raise RpcRangeTooLarge(f"{method}: the node refused the request size (HTTP 413).")
        if resp.status_code != 200:
            raise RpcError(f"{method}: the node answered HTTP {resp.status_code}.")
        try:
            body = resp.json()
        except ValueError as exc:
            raise RpcError(f"{method}: the node answered something that is not JSON.") from exc
        if not isinstance(body, dict):
            raise RpcError(f"{method}: unexpected answer from the node.")
        if body.get("error"):
            error = body["error"]
            message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
            if method == "eth_getLogs" and _RANGE_REFUSALS.search(message):
                raise RpcRangeTooLarge(f"{method}: {message}")
            raise RpcError(f"{method}: {message}")
        if "result" not in body:
            raise RpcError(f"{method}: the node's answer has no result.")
        return body["result"]

    def batch(self, calls):
        """Send several calls in one JSON-RPC batch; return their results in order."""
        if not calls:
            return []
        payload = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": list(params)}
            for i, (method, params) in enumerate(calls)
        ]
        try:
            resp = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise RpcError(f"batch: cannot reach the node ({exc.__class__.__name__}).") from exc
        if resp.status_code != 200:
            raise RpcError(f"batch: the node answered HTTP {resp.status_code}.")
        try:
            answers = resp.json()
        except ValueError as exc:
            raise RpcError("batch: the node answered something that is not JSON.") from exc
        if not isinstance(answers, list):
            raise RpcError("batch: the node does not support batch requests.")
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        results = []
        for i, (method, _params) in enumerate(calls):
            answer = by_id.get(i)
            if not answer or answer.get("error") or "result" not in answer:
                raise RpcError(f"{method}: {(answer or {}).get('error', 'no answer in the batch')}")
            results.append(answer["result"])
        return results

    def blocks(self, numbers, chunk=500):
        """{number: (hash, timestamp)} for the given block numbers (None: no such block)."""
        numbers = sorted(set(numbers))
        found = {}
        for i in range(0, len(numbers), chunk):
            part = numbers[i : i + chunk]
            calls = [("eth_getBlockByNumber", (hex(n), False)) for n in part]
            for number, block in zip(part, self.batch(calls), strict=True):
                found[number] = (
                    (str(block["hash"]).lower(), self._quantity(block["timestamp"], "timestamp"))
                    if block
                    else None
                )
        return found

    def chain_id(self):
        return self._quantity(self.call("eth_chainId"), "eth_chainId")

    def block_number(self):
        return self._quantity(self.call("eth_blockNumber"), "eth_blockNumber")

    def latest_block(self):
        """The head as one call: ``(number, hash, parent hash)`` of ``eth_getBlockByNumber
        ("latest")`` (the head's number and the hash the checkpoint keeps, where
        ``eth_blockNumber`` and a second read of the same block cost two)."""
        block = self.call("eth_getBlockByNumber", "latest", False)
        if not isinstance(block, dict) or "hash" not in block:
            raise RpcError("eth_getBlockByNumber: the node has no latest block.")
        return (
            self._quantity(block.get("number"), "number"),
            str(block["hash"]).lower(),
            str(block.get("parentHash") or "").lower(),
        )

    def block_hash(self, number):
        block = self.call("eth_getBlockByNumber", hex(number), False)
        if not block or not isinstance(block, dict) or "hash" not in block:
            return None
        return str(block["hash"]).lower()

    def block_timestamp(self, number):
        block = self.call("eth_getBlockByNumber", hex(number), False)
        if not block:
            return None
        return self._quantity(block.get("timestamp"), "timestamp")

    def get_logs(self, filter_params):
        logs = self.call("eth_getLogs", filter_params)
        if not isinstance(logs, list):
            raise RpcError("eth_getLogs: the node did not answer a list of logs.")
        return logs

    def eth_call(self, to, data, block="latest"):
        return self.call("eth_call", {"to": to, "data": data}, block)

    @staticmethod
    def _quantity(value, what):
        try:
            return int(value, 16)
        except (TypeError, ValueError) as exc:
            raise RpcError(f"{what}: {value!r} is not a hex quantity.") from exc


class FailoverClient:
    """Several endpoints of one network (providers are often several, and each fails at
    times): every call goes to the first endpoint that answers. An endpoint that fails
    (unreachable, HTTP error, nonsense) or serves another chain is passed over for the rest of
    this client's life (one scan), and its error kept in :attr:`failures`. A refused log
    range is the node's answer, not a failure: it is raised to the caller (who shrinks it).

    Same methods as :class:`JsonRpcClient`; :meth:`second_opinion` asks another endpoint.
    """

    def __init__(self, urls, timeout=20, chain_id=None, session=None):
        if not urls:
            raise RpcError("No RPC endpoint.")
        session = session or requests.Session()
        self.clients = [JsonRpcClient(url, timeout=timeout, session=session) for url in urls]
        self.expected_chain_id = chain_id
        self.failures = {}  # endpoint index -> error text
        self.used = None  # index of the endpoint that answered last
        self._checked = set()

    def _run(self, method, *args):
        last = None
        for index, client in enumerate(self.clients):
            if index in self.failures:
                continue
            try:
                self._check(index, client)
                result = getattr(client, method)(*args)
            except RpcRangeTooLarge:
                raise
            except RpcError as exc:
                self.failures[index] = str(exc)
                _CHECKED_CHAIN.pop((client.url, self.expected_chain_id), None)
                last = exc
                continue
            self.used = index
            return result
        if len(self.clients) > 1:
            raise RpcError(
                "every RPC endpoint failed: "
                + "; ".join(f"#{i + 1}: {error}" for i, error in sorted(self.failures.items()))
            )
        raise last

    def _check(self, index, client):
        if self.expected_chain_id is None or index in self._checked:
            return
        key = (client.url, self.expected_chain_id)
        if _CHECKED_CHAIN.get(key, 0) > time.monotonic():
            self._checked.add(index)
            return
        answered = client.chain_id()
        if answered != self.expected_chain_id:
            raise RpcError(
                f"the endpoint answers chain id {answered}, not {self.expected_chain_id}: it "
                "is a node of another network."
            )
        self._checked.add(index)
        if len(_CHECKED_CHAIN) > 1000:
            _CHECKED_CHAIN.clear()
        _CHECKED_CHAIN[key] = time.monotonic() + CHAIN_ID_CHECK_SECONDS

    def call(self, method, *params):
        return self._run("call", method, *params)

    def batch(self, calls):
        return self._run("batch", calls)

    def blocks(self, numbers, chunk=500):
        return self._run("blocks", numbers, chunk)

    def chain_id(self):
        return self._run("chain_id")

    def block_number(self):
        return self._run("block_number")

    def latest_block(self):
        return self._run("latest_block")

    def block_hash(self, number):
        return self._run("block_hash", number)

    def block_timestamp(self, number):
        return self._run("block_timestamp", number)

    def get_logs(self, filter_params):
        return self._run("get_logs", filter_params)

    def eth_call(self, to, data, block="latest"):
        return self._run("eth_call", to, data, block)

    def second_opinion(self, method, *args):
        """The answer of another healthy endpoint than the last one used, or None if there is
        none (or it fails): a witness to confirm what one node alone says."""
        for index, client in enumerate(self.clients):
            if index == self.used or index in self.failures:
                continue
            try:
                self._check(index, client)
                return getattr(client, method)(*args)
            except RpcError as exc:
                self.failures[index] = str(exc)
        return None
