# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A JSON-RPC proxy in front of anvil that behaves like a hosted provider, faults included: it
refuses eth_getLogs ranges wider than ``max_log_range`` blocks with the error message such
providers send, and ``fault`` makes it misbehave (HTTP 429/502, truncated JSON, a timeout,
another chain id, a head lagging behind). Only the HTTP boundary is simulated; every answer it
passes on comes from anvil."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class RpcProxy:
    def __init__(self, upstream, max_log_range=None, fault=None, lag=0, delay=3, null_methods=()):
        self.upstream = upstream
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
        if body.get("method") in self.null_methods:
            return {"jsonrpc": "2.0", "id": body.get("id"), "result": None}
        if answer is None:
            answer = requests.post(self.upstream, json=body, timeout=30).json()
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

    def _refusal(self, body):
        if body.get("method") != "eth_getLogs" or self.max_log_range is None:
            return None
        params = body["params"][0]
        span = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
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
