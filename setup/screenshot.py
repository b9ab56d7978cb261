"""Screenshot a page of the running demo as a logged-in user (for looking at screens).

Usage: python setup/screenshot.py URL OUT.png [LOGIN PASSWORD] [WIDTH HEIGHT] [JS]
JS (optional) runs once the page is ready, e.g. to open a dialog before the capture.
Logs in through /web/session/authenticate, then drives headless chromium over the DevTools
protocol (websocket-client) with that session cookie.
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

import requests
import websocket


def login(base, db, user, password):
    resp = requests.post(  # timeout below
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}},
        timeout=30,
    )
    resp.raise_for_status()
    return resp.cookies["session_id"]


def main(argv):
    url, out = argv[0], argv[1]
    user, password = (argv[2], argv[3]) if len(argv) >= 4 else ("admin", "admin")
    width, height = (int(argv[4]), int(argv[5])) if len(argv) >= 6 else (1400, 1000)
    script = argv[6] if len(argv) >= 7 else ""
    parts = urlparse(url)
    base = f"{parts.scheme}://{parts.netloc}"
    session = login(base, "scoin_demo", user, password)
    profile = tempfile.mkdtemp(prefix="scoin-shot-")
    chrome = subprocess.Popen(  # pylint: disable=consider-using-with
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=9333",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                targets = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.1)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        ids = iter(range(1, 10000))

        def send(method, **params):
            msg_id = next(ids)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == msg_id:
                    return msg.get("result", {})

        send("Network.enable")
        send("Network.setCookie", name="session_id", value=session, domain=parts.hostname, path="/")
        send("Page.enable")
        # The viewport itself (a window cannot be narrower than about 500 px): a phone's width.
        send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        send("Page.navigate", url=url)
        ready = "!!document.querySelector('.o_view_controller, #wrapwrap')"
        for _ in range(180):  # the first visit builds the asset bundles: up to 90 s
            result = send("Runtime.evaluate", expression=ready, returnByValue=True)
            if result.get("result", {}).get("value"):
                break
            time.sleep(0.5)
        if script:
            send("Runtime.evaluate", expression=script, awaitPromise=True)
        time.sleep(2)
        shot = send("Page.captureScreenshot", format="png")
        with open(out, "wb") as fh:
            fh.write(base64.b64decode(shot["data"]))
        ws.close()
    finally:
        chrome.terminate()
        chrome.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
