"""A small JSON-RPC client for EVM nodes: timeouts, clear errors, raw results (no web3 formatting).

web3's result formatting costs ~10x the node's own time on large log scans, so logs come back
as raw dicts for :mod:`.logs` to decode.
"""

import re

import requests

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
