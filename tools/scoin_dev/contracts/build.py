"""Compile the test token with solc-js and write (or check) its committed artifact.

Usage: python tools/scoin_dev/contracts/build.py [--check]
(SOLCJS_BIN points at setup/node_modules/.bin/solcjs)

The artifact is what the demo and the tests deploy on anvil; a test recompiles the source and
compares, so the committed bytecode always matches the committed Solidity.
"""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "TestStablecoin.sol"
ARTIFACT = HERE / "TestStablecoin.json"
CONTRACT = "TestStablecoin"
_logger = logging.getLogger(__name__)
SETTINGS = {
    "evmVersion": "cancun",  # what anvil runs with --hardfork cancun
    "optimizer": {"enabled": True, "runs": 200},
    "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
}


def without_memory_limit(cmd):
    """Wrap ``cmd`` so it runs without the address-space limit Odoo puts on its own process.

    Odoo's server lowers RLIMIT_AS (limit_memory_hard); children inherit it, and WebAssembly
    (solc-js) or anvil reserve more virtual memory than that.
    """
    return ["sh", "-c", 'ulimit -S -v unlimited 2>/dev/null; exec "$0" "$@"', *cmd]


def solcjs_bin():
    found = os.environ.get("SOLCJS_BIN")
    if found:
        return found
    candidate = HERE.parents[4] / "setup" / "node_modules" / ".bin" / "solcjs"
    return str(candidate)


def compile_artifact():
    """Return the artifact dict compiled from the committed source."""
    request = {
        "language": "Solidity",
        "sources": {SOURCE.name: {"content": SOURCE.read_text()}},
        "settings": SETTINGS,
    }
    proc = subprocess.run(
        without_memory_limit([solcjs_bin(), "--standard-json"]),
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if proc.returncode:
        raise RuntimeError(f"solcjs failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    # solcjs prints ">>> Cannot retry compilation ..." before the JSON document.
    out = json.loads(proc.stdout[proc.stdout.index("{") :])
    errors = [e for e in out.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise RuntimeError("\n".join(e["formattedMessage"] for e in errors))
    contract = out["contracts"][SOURCE.name][CONTRACT]
    version = subprocess.run(
        without_memory_limit([solcjs_bin(), "--version"]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    return {
        "contractName": CONTRACT,
        "compiler": "solc-js " + version,
        "settings": {k: v for k, v in SETTINGS.items() if k != "outputSelection"},
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
    }


def load_artifact():
    return json.loads(ARTIFACT.read_text())


def main(argv):
    artifact = compile_artifact()
    if "--check" in argv:
        if artifact != load_artifact():
            _logger.warning("%s is stale: run build.py", ARTIFACT.name)
            return 1
        _logger.info("%s matches %s", ARTIFACT.name, SOURCE.name)
        return 0
    ARTIFACT.write_text(json.dumps(artifact, indent=1, sort_keys=True) + "\n")
    _logger.info("wrote %s", ARTIFACT)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
