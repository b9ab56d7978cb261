# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A JSON-RPC proxy in front of anvil that behaves like a hosted provider, faults included: it
refuses eth_getLogs ranges wider than ``max_log_range`` blocks with the error message such
providers send, and ``fault`` makes it misbehave (HTTP 429/502, truncated JSON, a timeout,
another chain id, a head lagging behind). Only the HTTP boundary is simulated; every answer it
passes on comes from anvil.

``tron=True`` makes it answer as TronGrid's /jsonrpc (java-tron) does: a range wider than
``max_log_range`` is refused with java-tron's "exceed max block range: N" (-32602, checked on
to - from as java-tron does), more than ``max_log_results`` logs with "query returned more
than N results" (-32005), and ``removed`` is always false. ``finalized_behind`` serves the
"finalized" tag (Tron: the solidified block) that many blocks behind the head; ``cap_logs``
cuts every log list to that length without a word (a capped provider)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class RpcProxy:
    def __init__(
        self,
        upstream,
        max_log_range=None,
        fault=None,
        lag=0,
        delay=3,
        null_methods=(),
        tron=False,
        max_log_results=None,
        finalized_behind=None,
        cap_logs=None,
    ):
        self.upstream = upstream
        self.tron = tron
        self.max_log_results = max_log_results
        self.finalized_behind = finalized_behind
        self.cap_logs = cap_logs
        self.log_ranges = []  # (from, to) of every eth_getLogs asked
        # Methods answered with a null result, as a node that lacks the data (pruned, lagging
        # behind its load balancer's other nodes) answers.
        self.null_methods = set(null_methods)
        self.empty_logs = False
        self.lie_about_blocks = False  # answers a made-up hash for every block
        self.max_log_range = max_log_range
        self.fault = fault
        self.lag = lag
        self.delay = delay
        self.refused = 0
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                proxy.requests += 1
                status, data = proxy._answer(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, body):
        fault = self.fault
        if fault in ("http429", "http502"):
            return int(fault[4:]), b"Too Many Requests" if fault == "http429" else b"Bad Gateway"
        if fault == "timeout":
            time.sleep(self.delay)
        if isinstance(body, list):  # a JSON-RPC batch
            answer = [self._answer_one(call) for call in body]
        else:
            answer = self._answer_one(body)
        data = json.dumps(answer).encode()
        if fault == "truncated":
            data = data[: len(data) // 2]
        return 200, data

    def _answer_one(self, body):
        answer = self._refusal(body)
        if self.empty_logs and body.get("method") == "eth_getLogs":
            # A logs node lagging behind the head its load balancer reports: nothing yet.
            return {"jsonrpc": "2.0", "id": body.get("id"), "result": []}
        if body.get("method") in self.null_methods and (body.get("params") or [None])[0] not in (
            "latest",
        ):
            # (Blocks asked by number: the head itself stays answered, as a node that lost
            # some blocks' data still serves its latest one.)
            return {"jsonrpc": "2.0", "id": body.get("id"), "result": None}
        if answer is None:
            body = self._rewrite_finalized(body)
            answer = requests.post(self.upstream, json=body, timeout=30).json()
        if body.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            answer = self._limit_logs(body, answer)
        if (
            self.lie_about_blocks
            and body.get("method") == "eth_getBlockByNumber"
            and isinstance(answer.get("result"), dict)
        ):
            answer["result"]["hash"] = "0x" + "5e" * 32
        if self.fault == "wrong_chain" and body.get("method") == "eth_chainId":
            answer["result"] = hex(8453)
        if self.lag and body.get("method") == "eth_blockNumber":
            answer["result"] = hex(max(0, int(answer["result"], 16) - self.lag))
        return answer

    def _rewrite_finalized(self, body):
        """The "finalized" tag, ``finalized_behind`` blocks below the head (Tron's solidified
        block trails its head by about 19 blocks), and a lagging node's "latest" (``lag``)."""
        params = body.get("params") or []
        if body.get("method") != "eth_getBlockByNumber" or not params:
            return body
        if self.lag and params[0] == "latest":
            behind = self.lag  # a lagging node's latest block is its own head's
        elif self.finalized_behind is not None and params[0] == "finalized":
            behind = self.finalized_behind
        else:
            return body
        head = requests.post(
            self.upstream,
            json={"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []},
            timeout=30,
        ).json()["result"]
        number = max(0, int(head, 16) - behind)
        return {**body, "params": [hex(number), *params[1:]]}

    def _limit_logs(self, body, answer):
        logs = answer["result"]
        if self.tron:
            for log in logs:
                log["removed"] = False  # java-tron never says a log was removed
        if self.max_log_results is not None and len(logs) > self.max_log_results:
            self.refused += 1
            code, message = (
                (-32005, f"query returned more than {self.max_log_results} results")
                if self.tron
                else (-32005, f"Query returned more than {self.max_log_results} results")
            )
            return {
                "jsonrpc": "2.0",
                "id": body.get("id"),
                "error": {"code": code, "message": message},
            }
        if self.cap_logs is not None and len(logs) > self.cap_logs:
            answer["result"] = logs[: self.cap_logs]
        return answer

    def _refusal(self, body):
        if body.get("method") != "eth_getLogs":
            return None
        params = body["params"][0]
        first, last = int(params["fromBlock"], 16), int(params["toBlock"], 16)
        self.log_ranges.append((first, last))
        if self.max_log_range is None:
            return None
        if self.tron:
            # java-tron: refused when toBlock - fromBlock > maxBlockRange.
            if last - first <= self.max_log_range:
                return None
            self.refused += 1
            return {
                "jsonrpc": "2.0",
                "id": body.get("id"),
                "error": {
                    "code": -32602,
                    "message": f"exceed max block range: {self.max_log_range}",
                },
            }
        span = last - first + 1
        if span <= self.max_log_range:
            return None
        self.refused += 1
        return {
            "jsonrpc": "2.0",
            "id": body.get("id"),
            "error": {
                "code": -32600,
                "message": f"eth_getLogs is limited to a {self.max_log_range} block range",
            },
        }

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
