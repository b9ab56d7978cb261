"""A local HTTP server that speaks Chainalysis' free sanctions API, for tests: the adapter's
real requests go over a real socket to it.

``GET /api/v1/address/<address>`` with header ``X-API-Key``: ``{"identifications": [...]}``,
401 with a wrong key; ``stub.failing = True`` answers 503 to everything."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "test-key"


class ChainalysisStub:
    def __init__(self, listed=()):
        self.listed = {address.lower() for address in listed}
        self.failing = False
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests.append((self.path, self.headers.get("X-API-Key")))
                prefix = "/api/v1/address/"
                if stub.failing:
                    return self._answer(503, {"message": "Service Unavailable"})
                if self.headers.get("X-API-Key") != API_KEY:
                    return self._answer(401, {"message": "Invalid API key"})
                if not self.path.startswith(prefix):
                    return self._answer(404, {"message": "Not found"})
                address = self.path[len(prefix) :].lower()
                found = (
                    [
                        {
                            "category": "sanctions",
                            "name": "SANCTIONS: OFAC SDN Test Entity",
                            "description": "Listed for tests.",
                            "url": "https://home.treasury.gov/",
                        }
                    ]
                    if address in stub.listed
                    else []
                )
                return self._answer(200, {"identifications": found})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
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

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def configure(self, env, api_key=API_KEY):
        """Point the database's screening provider at this server."""
        params = env["ir.config_parameter"].sudo()
        params.set_param("stablecoin_wallet.screening_provider", "chainalysis")
        params.set_param("stablecoin_wallet.chainalysis_api_key", api_key)
        params.set_param("stablecoin_wallet.chainalysis_url", self.url)
