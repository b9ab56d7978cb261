"""Compile our contracts with solc-js and write (or check) their committed artifacts.

Usage: python tools/scoin_dev/contracts/build.py [--check]
(SOLCJS_BIN points at setup/node_modules/.bin/solcjs)

* the test token (here): what the demo and the tests deploy on anvil;
* the deposit-address factory and forwarder (in the wallet addon, ``chain/contracts``): the
  addon computes deposit addresses from the forwarder's creation code and deploys the factory
  from this artifact;
* the mandate contract (in the wallet addon, ``chain/contracts``): charges within the limits a
  payer signed, deployed at the same address on every network (``chain/mandate.py``);
* test tokens that behave as real ones do where the test token does not (here: EIP-2612 and
  EIP-3009 like USDC, no return value like USDT, false instead of a revert).

A test recompiles each source and compares, so the committed bytecode always matches the
committed Solidity.
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
DEPOSIT_DIR = HERE.parents[2] / "addons" / "stablecoin_wallet" / "chain" / "contracts"
DEPOSIT_SOURCE = DEPOSIT_DIR / "DepositForwarder.sol"
DEPOSIT_ARTIFACT = DEPOSIT_DIR / "deposit.json"
DEPOSIT_CONTRACTS = ("DepositForwarder", "DepositFactory")
MANDATE_SOURCE = DEPOSIT_DIR / "StablecoinMandate.sol"
MANDATE_ARTIFACT = DEPOSIT_DIR / "mandate.json"
MANDATE_CONTRACTS = ("StablecoinMandate",)
VARIANTS_SOURCE = HERE / "TestTokenVariants.sol"
VARIANTS_ARTIFACT = HERE / "TestTokenVariants.json"
VARIANTS_CONTRACTS = ("TestAuthorizedStablecoin", "TestNoReturnToken", "TestFalseToken")
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


def _compile(source):
    """solc-js's output for ``source`` and the compiler's version."""
    request = {
        "language": "Solidity",
        "sources": {source.name: {"content": source.read_text()}},
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
    version = subprocess.run(
        without_memory_limit([solcjs_bin(), "--version"]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    return out["contracts"][source.name], version


def compile_artifact():
    """Return the test token's artifact dict compiled from the committed source."""
    contracts, version = _compile(SOURCE)
    contract = contracts[CONTRACT]
    return {
        "contractName": CONTRACT,
        "compiler": "solc-js " + version,
        "settings": {k: v for k, v in SETTINGS.items() if k != "outputSelection"},
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
    }


def compile_deposit_artifact():
    """Return the deposit contracts' artifact dict compiled from the committed source."""
    return compile_contracts_artifact(DEPOSIT_SOURCE, DEPOSIT_CONTRACTS)


def compile_mandate_artifact():
    """Return the mandate contract's artifact dict compiled from the committed source."""
    return compile_contracts_artifact(MANDATE_SOURCE, MANDATE_CONTRACTS)


def compile_variants_artifact():
    """Return the test token variants' artifact dict compiled from the committed source."""
    return compile_contracts_artifact(VARIANTS_SOURCE, VARIANTS_CONTRACTS)


def compile_contracts_artifact(source, names):
    """The artifact of contracts ``names`` of ``source``: {compiler, settings, contracts}."""
    contracts, version = _compile(source)
    return {
        "compiler": "solc-js " + version,
        "settings": {k: v for k, v in SETTINGS.items() if k != "outputSelection"},
        "contracts": {
            name: {
                "abi": contracts[name]["abi"],
                "bytecode": "0x" + contracts[name]["evm"]["bytecode"]["object"],
            }
            for name in names
        },
    }


def load_artifact():
    return json.loads(ARTIFACT.read_text())


def load_deposit_artifact():
    return json.loads(DEPOSIT_ARTIFACT.read_text())


def load_mandate_artifact():
    return json.loads(MANDATE_ARTIFACT.read_text())


def load_variants_artifact():
    return json.loads(VARIANTS_ARTIFACT.read_text())


def main(argv):
    stale = 0
    for path, artifact, source in (
        (ARTIFACT, compile_artifact(), SOURCE),
        (DEPOSIT_ARTIFACT, compile_deposit_artifact(), DEPOSIT_SOURCE),
        (MANDATE_ARTIFACT, compile_mandate_artifact(), MANDATE_SOURCE),
        (VARIANTS_ARTIFACT, compile_variants_artifact(), VARIANTS_SOURCE),
    ):
        if "--check" in argv:
            if not path.exists() or artifact != json.loads(path.read_text()):
                _logger.warning("%s is stale: run build.py", path.name)
                stale = 1
            else:
                _logger.info("%s matches %s", path.name, source.name)
            continue
        path.write_text(json.dumps(artifact, indent=1, sort_keys=True) + "\n")
        _logger.info("wrote %s", path)
    return stale


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
