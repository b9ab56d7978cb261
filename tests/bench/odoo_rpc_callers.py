"""Odoo, run as ``python -m odoo`` would be, with every JSON-RPC request it sends to a node
naming the production code that sent it (a bench instrument: production code is unchanged).

Usage: ``python tests/bench/odoo_rpc_callers.py ODOO-ARGS...`` (as ``python -m odoo``). Each
JSON-RPC POST carries an ``X-Bench-Caller`` header, ``entry > caller``: ``caller`` is the
innermost function of our addons (outside their ``chain/`` library and tests) on the stack,
the one that asked the client; ``entry`` the outermost (the cron job or the HTTP route that
led there). A counting proxy in front of the node tallies the header with each call's method.
"""

import inspect

import requests

_ADDONS = "/addons/stablecoin_"
_original_post = requests.Session.post


def _ours(frame):
    name = frame.f_code.co_filename
    return _ADDONS in name and "/chain/" not in name and "/tests/" not in name


def _caller():
    frame = inspect.currentframe()
    innermost = outermost = None
    while frame is not None:
        if _ours(frame):
            innermost = innermost or frame
            outermost = frame
        frame = frame.f_back
    if innermost is None:
        return "(not our addons)"

    def label(frame):
        module = frame.f_code.co_filename.split(_ADDONS, 1)[1].split("/", 1)[0]
        return f"{module}:{frame.f_code.co_name}"

    if innermost is outermost:
        return label(innermost)
    return f"{label(outermost)} > {label(innermost)}"


def _post(self, url, data=None, json=None, **kwargs):
    if isinstance(json, dict | list):  # a JSON-RPC call or batch
        headers = dict(kwargs.pop("headers", None) or {})
        headers["X-Bench-Caller"] = _caller()
        kwargs["headers"] = headers
    return _original_post(self, url, data=data, json=json, **kwargs)


requests.Session.post = _post

if __name__ == "__main__":
    from odoo.cli.command import main

    main()
