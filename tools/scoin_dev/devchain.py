"""A local development chain: anvil, started on a free loopback port, plus the test token.

Used by the demo (``setup/demo.py``) and the tests (``tests/common.py`` of the addons and
``tests/conftest.py``); development tooling, kept out of the addons (``setup/install.sh`` puts
``tools/`` on the virtualenv's path).

Anvil runs with ``--hardfork cancun --prune-history 64`` (its defaults slow mining down
quadratically and write ~0.6 MB per block under ``~/.foundry``), with ``HOME`` and the cache in
a temporary directory, and with a parent-death signal so that a killed test runner leaves no
anvil behind.
"""

import atexit
import ctypes
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests
from eth_abi import decode, encode
from eth_utils import keccak
from eth_utils import to_checksum_address as _checksum

from .contracts.build import DEPOSIT_ARTIFACT, without_memory_limit

ARTIFACT = Path(__file__).resolve().parent / "contracts" / "TestStablecoin.json"


def selector(signature):
    """The 4-byte function selector of ``signature``, e.g. ``transfer(address,uint256)``."""
    return keccak(text=signature)[:4]


def encode_call(signature, types, args):
    """Calldata of a contract call (the wallet side of a payment: what a payer's app sends)."""
    return "0x" + (selector(signature) + encode(types, args)).hex()


# Anvil's default mnemonic "test test ... junk": accounts 0..9 are unlocked and funded.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
PR_SET_PDEATHSIG = 1


class DevChainError(RuntimeError):
    pass


# Loaded before any fork: the child only makes one system call, no dynamic loading.
_LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def find_anvil():
    """The native anvil binary: $ANVIL_BIN, else the one setup/install.sh put in node_modules."""
    explicit = os.environ.get("ANVIL_BIN")
    if explicit:
        return explicit
    root = Path(__file__).resolve().parents[3]
    found = sorted(root.glob("setup/node_modules/@foundry-rs/anvil-*/bin/anvil"))
    if found:
        return str(found[0])
    on_path = shutil.which("anvil")
    if on_path:
        return on_path
    raise DevChainError("anvil not found: run setup/install.sh (or set ANVIL_BIN).")


class DevChain:
    """One anvil process. ``with DevChain() as chain:`` or ``start()``/``stop()``."""

    def __init__(
        self,
        chain_id=31337,
        port=0,
        host="127.0.0.1",
        state_file=None,
        block_time=None,
        extra_args=(),
        prune_history=64,
    ):
        self.chain_id = chain_id
        self.port = port
        self.host = host
        self.state_file = state_file
        self.block_time = block_time
        self.prune_history = prune_history
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self._tmp = None
        self._session = requests.Session()
        self._ids = 0

    # -- process -------------------------------------------------------------------------------
    def start(self, timeout=20):
        self._tmp = tempfile.mkdtemp(prefix="scoin-anvil-")
        args = [
            find_anvil(),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--chain-id",
            str(self.chain_id),
            "--hardfork",
            "cancun",
            "--cache-path",
            os.path.join(self._tmp, "cache"),
            "--mnemonic",
            DEV_MNEMONIC,
        ]
        if self.state_file:
            # --state keeps the chain across demo restarts; pruning would drop what it saves.
            args += ["--state", str(self.state_file)]
        else:
            args += ["--prune-history", str(self.prune_history)]
        if self.block_time:
            args += ["--block-time", str(self.block_time)]
        args += self.extra_args
        log_path = os.path.join(self._tmp, "anvil.log")
        env = dict(os.environ, HOME=self._tmp)
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                without_memory_limit(args),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (one prctl call, see above)
            )
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = Path(log_path).read_text(errors="replace")
            for line in text.splitlines():
                if line.startswith("Listening on "):
                    self.url = "http://" + line.split("Listening on ", 1)[1].strip()
                    self.port = int(self.url.rsplit(":", 1)[1])
                    return self
            if self.proc.poll() is not None:
                raise DevChainError(f"anvil exited with {self.proc.returncode}:\n{text[-2000:]}")
            time.sleep(0.02)
        self.stop()
        raise DevChainError("anvil did not start listening in time")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # lets --state dump the chain
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- JSON-RPC ------------------------------------------------------------------------------
    def rpc(self, method, *params):
        self._ids += 1
        resp = self._session.post(
            self.url,
            json={"jsonrpc": "2.0", "id": self._ids, "method": method, "params": list(params)},
            timeout=30,
        )
        resp.raise_for_status()
        body = resp.json()
        if "error" in body:
            raise DevChainError(f"{method}: {body['error'].get('message', body['error'])}")
        return body["result"]

    @property
    def accounts(self):
        return [_checksum(a) for a in self.rpc("eth_accounts")]

    def block_number(self):
        return int(self.rpc("eth_blockNumber"), 16)

    def mine(self, blocks=1):
        self.rpc("anvil_mine", hex(blocks))

    def snapshot(self):
        return self.rpc("evm_snapshot")

    def revert(self, snapshot_id):
        if not self.rpc("evm_revert", snapshot_id):
            raise DevChainError(f"could not revert to snapshot {snapshot_id}")

    def send(self, sender, to, data, wait=True):
        """Send a transaction from an unlocked account; return its hash (mined when ``wait``)."""
        tx = {"from": sender, "data": data}
        if to:
            tx["to"] = to
        tx_hash = self.rpc("eth_sendTransaction", tx)
        if wait:
            receipt = self.wait_receipt(tx_hash)
            if int(receipt["status"], 16) != 1:
                raise DevChainError(f"transaction {tx_hash} reverted")
        return tx_hash

    def wait_receipt(self, tx_hash, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            receipt = self.rpc("eth_getTransactionReceipt", tx_hash)
            if receipt:
                return receipt
            time.sleep(0.05)
        raise DevChainError(f"transaction {tx_hash} was not mined in {timeout} s")

    def call(self, to, data, block="latest"):
        return self.rpc("eth_call", {"to": to, "data": data}, block)

    # -- the deposit factory ----------------------------------------------------------------------
    def deploy_deposit_factory(self, sender=None):
        """Deploy the deposit-address factory through the CREATE2 deployer anvil has built in,
        with salt zero, as on a real network (at the address the wallet addon computes)."""
        artifact = json.loads(DEPOSIT_ARTIFACT.read_text())
        code = artifact["contracts"]["DepositFactory"]["bytecode"][2:]
        deployer = "0x4e59b44847b379578588920CA78FbF26c0B4956C"
        return self.send(sender or self.accounts[0], deployer, "0x" + "00" * 32 + code)

    # -- the test token ------------------------------------------------------------------------
    def deploy_token(self, name="USD Coin (test)", symbol="USDC", deployer=None):
        artifact = json.loads(ARTIFACT.read_text())
        data = artifact["bytecode"] + encode(["string", "string"], [name, symbol]).hex()
        tx_hash = self.send(deployer or self.accounts[0], None, data)
        address = self.wait_receipt(tx_hash)["contractAddress"]
        return _checksum(address)

    def mint(self, token, to, amount, sender=None):
        data = encode_call("mint(address,uint256)", ["address", "uint256"], [to, amount])
        return self.send(sender or self.accounts[0], token, data)

    def transfer(self, token, sender, to, amount, wait=True):
        data = encode_call("transfer(address,uint256)", ["address", "uint256"], [to, amount])
        return self.send(sender, token, data, wait=wait)

    def transfer_batch(self, token, sender, transfers, wait=True):
        """Several transfers in one transaction: ``transfers`` is [(to, amount), ...]."""
        data = encode_call(
            "transferBatch(address[],uint256[])",
            ["address[]", "uint256[]"],
            [[to for to, _ in transfers], [amount for _, amount in transfers]],
        )
        return self.send(sender, token, data, wait=wait)

    def balance_of(self, token, owner, block="latest"):
        data = encode_call("balanceOf(address)", ["address"], [owner])
        return decode(["uint256"], bytes.fromhex(self.call(token, data, block)[2:]))[0]

    def token_decimals(self, token):
        data = "0x" + selector("decimals()").hex()
        return decode(["uint8"], bytes.fromhex(self.call(token, data)[2:]))[0]
