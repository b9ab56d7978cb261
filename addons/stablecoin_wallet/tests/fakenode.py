# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fake EVM node at the HTTP boundary: the node-free test tier's chain.

A real HTTP server on a free loopback port, in this process, answering the JSON-RPC methods
the addons' client sends (``eth_chainId``, ``eth_blockNumber``, ``eth_getBlockByNumber`` with
numbers and the ``latest``/``safe``/``finalized`` tags, ``eth_getLogs`` with address and topic
filters, ``eth_getTransactionReceipt``, ``eth_getTransactionByHash``, ``eth_call`` for an
ERC-20's ``balanceOf``/``decimals``/``symbol``/``name``/``totalSupply``, batches), the way
anvil answers them (same field names and hex forms, lower-case addresses in logs, the same
tags' distances from the head). The production code talks HTTP to it as to a node and is not
changed for it.

It keeps blocks and ERC-20 ``Transfer`` logs in memory: no EVM, no signatures, no gas. A
"transaction" is a block holding the ``Transfer`` logs the call would emit (``mint``,
``transfer``, ``transferBatch``: the test token's functions), mined at once as anvil does
(automine). Balances are summed from the canonical chain's logs, so a reorganisation or a
revert takes back what its blocks moved.

The test side drives it with the same Python methods as ``scoin_dev.devchain.DevChain``
(``mint``, ``transfer``, ``mine``, ``snapshot``/``revert``, ``rpc("anvil_reorg", depth, [])``,
...), so a test runs unchanged on either; only this module is needed (no anvil, no tools/).

What it does not prove, and the integration tier (``stablecoin_node`` tag, anvil) does:
contract code (deployment, reverts, attacks), signatures and nonces, re-inclusion of a
transaction in a reorganisation, browser wallets.
"""

import copy
import hashlib
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eth_abi import decode, encode

from ..chain.abi import encode_call, selector
from ..chain.address import to_checksum_address
from ..chain.logs import TRANSFER_TOPIC

# The dev accounts of anvil's public mnemonic ("test test ... junk"), in anvil's order: the
# same addresses as on the integration tier's chain (and what ANVIL_XPUB derives).
DEV_ACCOUNTS = (
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
    "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
    "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
)
ZERO_ADDRESS = "0x" + "0" * 40
_SELECTORS = {
    selector(signature).hex(): name
    for name, signature in (
        ("mint", "mint(address,uint256)"),
        ("transfer", "transfer(address,uint256)"),
        ("transferBatch", "transferBatch(address[],uint256[])"),
        ("balanceOf", "balanceOf(address)"),
        ("decimals", "decimals()"),
        ("symbol", "symbol()"),
        ("name", "name()"),
        ("totalSupply", "totalSupply()"),
    )
}


class FakeNodeError(RuntimeError):
    """What anvil's ``DevChainError`` is on the integration tier: the node refused."""


class _RpcFault(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _now():
    # The wall clock as anvil sees it: a frozen test clock (freezegun patches time.time) does
    # not stop a node's clock.
    return int(time.clock_gettime(time.CLOCK_REALTIME))


def _word(address):
    return "0x" + "0" * 24 + address[2:].lower()


def _quantity(value):
    return hex(int(value))


class FakeNode:
    """One fake node. ``start()``/``stop()`` or ``with FakeNode() as node:``.

    ``safe_behind``/``finalized_behind``: how far behind the head the ``safe`` and
    ``finalized`` tags are (anvil's defaults: 32 and 64; ``--slots-in-an-epoch 1``: 1 and 2).
    """

    def __init__(self, chain_id=31337, safe_behind=32, finalized_behind=64):
        self.chain_id = chain_id
        self.safe_behind = safe_behind
        self.finalized_behind = finalized_behind
        self.url = None
        self.port = None
        self.tokens = {}  # as DevChain: filled by whoever deploys them
        self.proc = self  # DevChain's "still running" check: see shared_fakenode()
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self._serial = itertools.count(1)  # unique input of every hash made
        self._snapshots = []
        self._state = {
            "blocks": [self._new_block(0, "0x" + "0" * 64, [])],
            "txs": {},  # hash -> transaction (sender, to, input, block number, index)
            "contracts": {},  # lower-case address -> {"name", "symbol", "decimals"}
        }

    # -- process -------------------------------------------------------------------------------
    def start(self):
        node = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length))
                except ValueError:
                    answer = {
                        "jsonrpc": "2.0",
                        "id": None,
                        "error": {"code": -32700, "message": "parse error"},
                    }
                else:
                    if isinstance(request, list):
                        answer = [node._answer(one) for one in request]
                    else:
                        answer = node._answer(request)
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet: a node's access log is not the test's
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"fakenode-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def poll(self):
        """None while serving (``subprocess.Popen.poll``'s answer for a running process)."""
        return None if self._server else 0

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- the test side (DevChain's methods) ----------------------------------------------------
    def rpc(self, method, *params):
        try:
            with self._lock:
                return self._dispatch(method, list(params))
        except _RpcFault as exc:
            raise FakeNodeError(f"{method}: {exc}") from exc

    @property
    def accounts(self):
        return list(DEV_ACCOUNTS)

    def block_number(self):
        return int(self.rpc("eth_blockNumber"), 16)

    def mine(self, blocks=1):
        self.rpc("anvil_mine", hex(blocks))

    def snapshot(self):
        return self.rpc("evm_snapshot")

    def revert(self, snapshot_id):
        if not self.rpc("evm_revert", snapshot_id):
            raise FakeNodeError(f"could not revert to snapshot {snapshot_id}")

    def send(self, sender, to, data, wait=True):
        """A transaction from ``sender``: a call of the test token's ``mint``/``transfer``/
        ``transferBatch``, mined at once in a block of its own; returns its hash."""
        with self._lock:
            state = self._state
            logs = self._execute(state, sender, to, data)
            block = self._mine_one(state)
            return self._include(state, block, sender, to, data, logs)

    def wait_receipt(self, tx_hash, timeout=30):
        receipt = self.rpc("eth_getTransactionReceipt", tx_hash)
        if not receipt:
            raise FakeNodeError(f"transaction {tx_hash} is not on the chain")
        return receipt

    def call(self, to, data, block="latest"):
        return self.rpc("eth_call", {"to": to, "data": data}, block)

    def deploy_token(self, name="USD Coin (test)", symbol="USDC", deployer=None, decimals=6):
        """Register a token contract (no code runs: the node knows its name, symbol and
        decimals and moves balances by its Transfer logs); returns its address."""
        with self._lock:
            seed = f"{self.chain_id}:token:{next(self._serial)}".encode()
            address = to_checksum_address("0x" + hashlib.sha256(seed).hexdigest()[:40])
            self._state["contracts"][address.lower()] = {
                "name": name,
                "symbol": symbol,
                "decimals": decimals,
            }
            # Deploying is a transaction in a block of its own, as on anvil.
            block = self._mine_one(self._state)
            tx_hash = self._include(self._state, block, deployer or DEV_ACCOUNTS[0], None, "0x", [])
            self._state["txs"][tx_hash]["contract"] = address.lower()
            return address

    def mint(self, token, to, amount, sender=None):
        data = encode_call("mint(address,uint256)", ["address", "uint256"], [to, amount])
        return self.send(sender or DEV_ACCOUNTS[0], token, data)

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
        answer = self.call(token, "0x" + selector("decimals()").hex())
        return decode(["uint8"], bytes.fromhex(answer[2:]))[0]

    # -- chain state ---------------------------------------------------------------------------
    def _hash(self, kind):
        seed = f"{self.chain_id}:{kind}:{next(self._serial)}:{time.monotonic_ns()}".encode()
        return "0x" + hashlib.sha256(seed).hexdigest()

    def _new_block(self, number, parent_hash, logs, timestamp=None):
        return {
            "number": number,
            "hash": self._hash("block")
            if number
            else "0x" + hashlib.sha256(f"{self.chain_id}:genesis".encode()).hexdigest(),
            "parentHash": parent_hash,
            "timestamp": timestamp if timestamp is not None else _now(),
            "transactions": [],
            "logs": logs,
        }

    def _mine_one(self, state):
        head = state["blocks"][-1]
        block = self._new_block(
            head["number"] + 1, head["hash"], [], max(_now(), head["timestamp"])
        )
        state["blocks"].append(block)
        return block

    def _include(self, state, block, sender, to, data, logs, nonce=None):
        """Put a transaction in ``block``. Its hash stands for the signed transaction's: the
        same sender, nonce, recipient and input give the same hash (a replay of it, as in a
        reorganisation that re-includes it); the nonce is the sender's count so far."""
        sender = sender.lower()
        if nonce is None:
            nonce = sum(1 for tx in state["txs"].values() if tx["from"] == sender)
        seed = f"{self.chain_id}|{sender}|{(to or '').lower()}|{data}|{int(nonce)}".encode()
        tx_hash = "0x" + hashlib.sha256(seed).hexdigest()
        index = len(block["transactions"])
        first_log = len(block["logs"])
        for offset, log in enumerate(logs):
            log.update(
                blockHash=block["hash"],
                blockNumber=_quantity(block["number"]),
                blockTimestamp=_quantity(block["timestamp"]),
                transactionHash=tx_hash,
                transactionIndex=_quantity(index),
                logIndex=_quantity(first_log + offset),
                removed=False,
            )
        block["transactions"].append(tx_hash)
        block["logs"].extend(logs)
        state["txs"][tx_hash] = {
            "hash": tx_hash,
            "from": sender,
            "to": to.lower() if to else None,
            "input": data,
            "nonce": int(nonce),
            "block": block["number"],
            "index": index,
        }
        return tx_hash

    def _balance(self, state, token, owner, last_block=None):
        token, owner = token.lower(), _word(owner)
        balance = 0
        for block in state["blocks"]:
            if last_block is not None and block["number"] > last_block:
                break
            for log in block["logs"]:
                if log["address"] != token:
                    continue
                amount = int(log["data"], 16)
                if log["topics"][2] == owner:
                    balance += amount
                if log["topics"][1] == owner:
                    balance -= amount
        return balance

    def _execute(self, state, sender, to, data):
        """The Transfer logs a call of the test token emits; refuses what it would revert."""
        contract = state["contracts"].get((to or "").lower())
        if contract is None and to and data in ("", "0x"):
            return []  # a plain transfer of the native coin: no token moves
        if contract is None:
            raise _RpcFault(-32000, "the fake node runs no contract code but the test token's")
        data = data if data.startswith("0x") else "0x" + data
        name = _SELECTORS.get(data[2:10])
        args = bytes.fromhex(data[10:])
        if name == "mint":
            recipient, amount = decode(["address", "uint256"], args)
            moves, source = [(recipient, amount)], ZERO_ADDRESS
        elif name == "transfer":
            recipient, amount = decode(["address", "uint256"], args)
            moves, source = [(recipient, amount)], sender
        elif name == "transferBatch":
            recipients, amounts = decode(["address[]", "uint256[]"], args)
            if len(recipients) != len(amounts):
                raise _RpcFault(3, "execution reverted: lengths differ")
            moves, source = list(zip(recipients, amounts, strict=True)), sender
        else:
            raise _RpcFault(-32000, f"the fake node cannot execute {data[:10]}")
        if source != ZERO_ADDRESS and sum(a for _r, a in moves) > self._balance(state, to, source):
            raise _RpcFault(3, "execution reverted: transfer amount exceeds balance")
        return [
            {
                "address": to.lower(),
                "topics": [TRANSFER_TOPIC, _word(source), _word(recipient)],
                "data": "0x" + amount.to_bytes(32, "big").hex(),
            }
            for recipient, amount in moves
        ]

    # -- JSON-RPC ------------------------------------------------------------------------------
    def _answer(self, request):
        request_id = request.get("id") if isinstance(request, dict) else None
        try:
            if not isinstance(request, dict) or not isinstance(request.get("method"), str):
                raise _RpcFault(-32600, "invalid request")
            with self._lock:
                result = self._dispatch(request["method"], list(request.get("params") or []))
        except _RpcFault as exc:
            return {
                "jsonrpc": "2.0",
                "id": request_id,
                "error": {"code": exc.code, "message": str(exc)},
            }
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    def _dispatch(self, method, params):
        handler = getattr(self, "_rpc_" + method, None)
        if handler is None:
            raise _RpcFault(-32601, "Method not found")
        try:
            return handler(*params)
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise _RpcFault(-32602, f"invalid params: {exc}") from exc

    def _block_number(self, tag):
        head = self._state["blocks"][-1]["number"]
        if tag in (None, "latest"):
            return head
        if tag == "earliest":
            return 0
        if tag == "pending":
            return head + 1
        if tag == "safe":
            return max(0, head - self.safe_behind)
        if tag == "finalized":
            return max(0, head - self.finalized_behind)
        if isinstance(tag, str) and tag.startswith("0x"):
            return int(tag, 16)
        raise _RpcFault(-32602, f"invalid block tag {tag!r}")

    def _rpc_eth_chainId(self):
        return hex(self.chain_id)

    def _rpc_net_version(self):
        return str(self.chain_id)

    def _rpc_eth_accounts(self):
        return [a.lower() for a in DEV_ACCOUNTS]

    def _rpc_eth_blockNumber(self):
        return _quantity(self._state["blocks"][-1]["number"])

    def _rpc_eth_getBlockByNumber(self, tag, _full=False):
        number = self._block_number(tag)
        blocks = self._state["blocks"]
        if number >= len(blocks):
            return None
        block = blocks[number]
        return {
            "number": _quantity(block["number"]),
            "hash": block["hash"],
            "parentHash": block["parentHash"],
            "timestamp": _quantity(block["timestamp"]),
            "transactions": list(block["transactions"]),
            "miner": ZERO_ADDRESS,
            "gasUsed": "0x0",
            "gasLimit": "0x1c9c380",
            "baseFeePerGas": "0x3b9aca00",
            "uncles": [],
        }

    def _rpc_eth_getBlockByHash(self, block_hash, full=False):
        for block in self._state["blocks"]:
            if block["hash"] == str(block_hash).lower():
                return self._rpc_eth_getBlockByNumber(hex(block["number"]), full)
        return None

    def _rpc_eth_getLogs(self, query):
        blocks = self._state["blocks"]
        start = self._block_number(query.get("fromBlock", "latest"))
        end = min(self._block_number(query.get("toBlock", "latest")), len(blocks) - 1)
        addresses = query.get("address")
        if isinstance(addresses, str):
            addresses = [addresses]
        addresses = {a.lower() for a in addresses} if addresses else None
        topics = query.get("topics") or []
        found = []
        for block in blocks[start : end + 1]:
            for log in block["logs"]:
                if addresses is not None and log["address"] not in addresses:
                    continue
                if not self._topics_match(log["topics"], topics):
                    continue
                found.append(dict(log, topics=list(log["topics"])))
        return found

    @staticmethod
    def _topics_match(log_topics, wanted):
        for position, want in enumerate(wanted):
            if want is None:
                continue
            if position >= len(log_topics):
                return False
            options = want if isinstance(want, list) else [want]
            if log_topics[position] not in {str(o).lower() for o in options}:
                return False
        return True

    def _transaction(self, tx_hash):
        tx = self._state["txs"].get(str(tx_hash).lower())
        if tx is None:
            return None, None
        return tx, self._state["blocks"][tx["block"]]

    def _rpc_eth_getTransactionReceipt(self, tx_hash):
        tx, block = self._transaction(tx_hash)
        if tx is None:
            return None
        logs = [dict(log) for log in block["logs"] if log["transactionHash"] == tx["hash"]]
        return {
            "type": "0x2",
            "status": _quantity(tx.get("status", 1)),
            "cumulativeGasUsed": "0xc963",
            "gasUsed": "0xc963",
            "effectiveGasPrice": "0x3b9aca00",
            "logs": logs,
            "logsBloom": "0x" + "0" * 512,
            "transactionHash": tx["hash"],
            "transactionIndex": _quantity(tx["index"]),
            "blockHash": block["hash"],
            "blockNumber": _quantity(block["number"]),
            "blockTimestamp": block["timestamp"],
            "from": tx["from"],
            "to": tx["to"],
            "contractAddress": tx.get("contract"),
        }

    def _rpc_eth_getTransactionByHash(self, tx_hash):
        tx, block = self._transaction(tx_hash)
        if tx is None:
            return None
        return {
            "hash": tx["hash"],
            "from": tx["from"],
            "to": tx["to"],
            "input": tx["input"],
            "value": "0x0",
            "nonce": _quantity(tx["nonce"]),
            "gas": "0x186a0",
            "chainId": _quantity(self.chain_id),
            "type": "0x2",
            "maxFeePerGas": "0x77359400",
            "maxPriorityFeePerGas": "0x3b9aca00",
            "blockHash": block["hash"],
            "blockNumber": _quantity(block["number"]),
            "transactionIndex": _quantity(tx["index"]),
        }

    def _rpc_eth_call(self, call, tag="latest"):
        state = self._state
        contract = state["contracts"].get(str(call.get("to") or "").lower())
        if contract is None:
            return "0x"  # no code there: an empty answer, as a node gives
        data = call.get("data") or call.get("input") or "0x"
        name = _SELECTORS.get(data[2:10])
        number = self._block_number(tag)
        if number >= len(state["blocks"]):
            raise _RpcFault(-32000, "header not found")
        if name == "balanceOf":
            (owner,) = decode(["address"], bytes.fromhex(data[10:]))
            value = encode(["uint256"], [self._balance(state, call["to"], owner, number)])
        elif name == "decimals":
            value = encode(["uint8"], [contract["decimals"]])
        elif name in ("symbol", "name"):
            value = encode(["string"], [contract[name]])
        elif name == "totalSupply":
            minted = sum(
                int(log["data"], 16)
                for block in state["blocks"][: number + 1]
                for log in block["logs"]
                if log["address"] == call["to"].lower() and log["topics"][1] == _word(ZERO_ADDRESS)
            )
            value = encode(["uint256"], [minted])
        else:
            raise _RpcFault(3, "execution reverted")
        return "0x" + value.hex()

    def _rpc_eth_sendTransaction(self, request):
        """A transaction from a dev account (anvil's are unlocked), mined at once. One that
        reverts is refused (the gas estimate fails), unless it names its ``gas``: then it is
        mined and fails, status 0 and no logs, as on anvil."""
        state = self._state
        sender, to, data = request["from"], request.get("to"), request.get("data") or "0x"
        try:
            logs, status = self._execute(state, sender, to, data), 1
        except _RpcFault as exc:
            if exc.code != 3 or "gas" not in request:
                raise
            logs, status = [], 0
        block = self._mine_one(state)
        tx_hash = self._include(state, block, sender, to, data, logs)
        state["txs"][tx_hash]["status"] = status
        return tx_hash

    # -- anvil's test methods ------------------------------------------------------------------
    def _rpc_anvil_mine(self, blocks="0x1", _interval=None):
        count = int(blocks, 16) if isinstance(blocks, str) else int(blocks)
        for _ in range(count):
            self._mine_one(self._state)

    _rpc_evm_mine = _rpc_anvil_mine

    def _rpc_evm_snapshot(self):
        self._snapshots.append(copy.deepcopy(self._state))
        return hex(len(self._snapshots) - 1)

    def _rpc_evm_revert(self, snapshot_id):
        index = int(snapshot_id, 16)
        if index >= len(self._snapshots):
            return False
        self._state = self._snapshots[index]
        del self._snapshots[index:]  # as anvil: that snapshot and the later ones are spent
        return True

    def _rpc_anvil_reorg(self, depth, transactions=()):
        """Replace the last ``depth`` blocks with new ones (new hashes, later timestamps);
        their transactions are gone. ``transactions``: [[{"from", "to", "data"}, offset], ...]
        sent into the new blocks (given its old nonce, a transaction keeps its hash)."""
        state = self._state
        blocks = state["blocks"]
        if not 0 < depth < len(blocks):
            raise _RpcFault(-32602, f"cannot reorganise {depth} blocks")
        dropped = blocks[-depth:]
        del blocks[-depth:]
        for block in dropped:
            for tx_hash in block["transactions"]:
                state["txs"].pop(tx_hash, None)
        new_blocks = [self._mine_one(state) for _ in dropped]
        for request, offset in transactions:
            block = new_blocks[int(offset)]
            data = request.get("data") or request.get("input") or "0x"
            nonce = request.get("nonce")
            nonce = int(nonce, 16) if isinstance(nonce, str) else nonce
            logs = self._execute(state, request["from"], request.get("to"), data)
            self._include(state, block, request["from"], request.get("to"), data, logs, nonce)

    def _rpc_anvil_impersonateAccount(self, _address):
        """Nothing to do: the fake checks no signature, any sender may send."""

    _rpc_anvil_stopImpersonatingAccount = _rpc_anvil_impersonateAccount

    def _rpc_anvil_setBalance(self, _address, _wei):
        """Nothing to do: the fake charges no gas."""

    def _rpc_anvil_rollback(self, depth=1):
        state = self._state
        for block in state["blocks"][-int(depth) :]:
            for tx_hash in block["transactions"]:
                state["txs"].pop(tx_hash, None)
        del state["blocks"][-int(depth) :]
