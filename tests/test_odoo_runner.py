"""The node-free tier runs under Odoo's own runner, as OCA's CI would run it.

``odoo-bin --test-enable --stop-after-init`` on a fresh copy of the addons template, with the
``stablecoin_node`` tag left out, ``tools/`` (anvil's driver, the simulators) off the python
path and no ``ANVIL_BIN``: every test it runs pays on the fake node (the addons' own
``tests/fakenode.py``). Odoo's runner exits 0 when no test matched and when code logs an
ERROR while the tests pass (shared FIELD-NOTES): the log is read, not only the exit code.
"""

import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs Odoo's command line (what odoo-bin does) with every directory that holds the
# development tools taken off the path first, and checks they are gone.
BOOT = """
import importlib.util, os, sys
sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", "scoin_dev"))]
assert importlib.util.find_spec("scoin_dev") is None, "tools/ is still on the path"
import odoo.cli
sys.argv[0] = "odoo-bin"
odoo.cli.main()
"""

SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
STARTED = re.compile(r" odoo\.addons\.(\w+)\.tests\.\w+: Starting (\w+)\.test_\w+")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_node_free_tier_passes_under_odoo_bin(tmp_path):
    import odoodb  # setup/, on the path in tests/conftest.py

    db = f"scoin_runner_{uuid.uuid4().hex[:8]}"
    odoodb.copy(odoodb.addons_template(), db)
    tags = ",".join(f"/{module}" for module in odoodb.OUR_MODULES) + ",-stablecoin_node"
    env = {k: v for k, v in os.environ.items() if k not in ("ANVIL_BIN", "PYTHONPATH")}
    env["TZ"] = "UTC"
    log = tmp_path / "odoo.log"
    started = time.monotonic()
    try:
        with log.open("w") as out:
            proc = subprocess.run(
                [
                    odoodb.python(),
                    "-c",
                    BOOT,
                    "-c",
                    str(odoodb.odoo_config()),
                    "-d",
                    db,
                    "--test-enable",
                    f"--test-tags={tags}",
                    "--stop-after-init",
                    "--workers=0",
                    "--max-cron-threads=0",
                    "--http-interface=127.0.0.1",
                    f"--http-port={free_port()}",
                    "--log-level=info",
                    # Odoo's runner sends the customer notices at once (force_send in test
                    # mode, not sent anywhere): as on a server, they need a sender address.
                    "--email-from=odoo-tests@example.com",
                ],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1800,
                check=False,
            )
    finally:
        odoodb.drop(db)
    elapsed = time.monotonic() - started
    text = log.read_text()
    tail = "\n".join(text.splitlines()[-60:])
    summary = SUMMARY.findall(text)
    assert summary, f"no test summary in Odoo's log (exit {proc.returncode}):\n{tail}"
    failed, errors, ran = map(int, summary[-1])
    print(f"odoo-bin ran {ran} tests of the node-free tier in {elapsed:.0f} s")  # -rA, -s
    assert (failed, errors) == (0, 0), f"{failed} failed, {errors} error(s):\n{tail}"
    assert proc.returncode == 0, f"odoo-bin exited {proc.returncode}:\n{tail}"
    assert ran > 0
    logged = [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not logged, "errors logged during the run:\n" + "\n".join(logged[:20])

    # Every node-free test class ran there, and none of the integration tier.
    ran_classes = set(STARTED.findall(text))
    node_free, node = _test_classes()
    assert node, "no integration-tier class found: the check below would prove nothing"
    missing = node_free - ran_classes
    assert not missing, f"node-free test classes Odoo's runner did not run: {sorted(missing)}"
    leaked = {c for c in ran_classes if c in node}
    assert not leaked, f"integration-tier classes ran without a node: {sorted(leaked)}"


def _test_classes():
    """(addon, class) of the Odoo test classes in the sources: (node-free, tagged
    ``stablecoin_node``), read from their ``@tagged(...)`` decorators."""
    pattern = re.compile(r"@tagged\(([^)]*)\)\s*\nclass (\w+)")
    node_free, node = set(), set()
    for path in (ROOT / "addons").glob("*/tests/test_*.py"):
        addon = path.parent.parent.name
        for tags, name in pattern.findall(path.read_text()):
            (node if '"stablecoin_node"' in tags else node_free).add((addon, name))
    return node_free, node
