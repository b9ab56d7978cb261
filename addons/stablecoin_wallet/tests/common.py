# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test helpers: the chain the tests pay on, shared by every test of the run.

Two tiers (README.md, "Tests"):

* **node-free** (the default): the chain is a :class:`~.fakenode.FakeNode`, a JSON-RPC node
  faked at the HTTP boundary in this process. A customer's payment is a ``Transfer`` log the
  fake adds in a new block; the addons talk HTTP to it as to a node. Needs nothing but the
  addons and Odoo's requirements: ``odoo-bin --test-enable`` runs these tests.
* **integration** (:class:`AnvilChainMixin`, mixed in first, and the ``stablecoin_node``
  tag): a real local chain, anvil, with the test token deployed from ``tools/scoin_dev``; a
  payment is a real transaction. ``setup/test.sh`` runs both tiers.

Either way one chain per run (the fake starts in microseconds, anvil in ~0.1 s, but
deploying tokens per class adds up) with two test tokens; each test class and each test runs
between an ``evm_snapshot`` and an ``evm_revert``, so chain state never leaks between tests,
like Odoo's savepoints do for the database.
"""

from contextlib import contextmanager, nullcontext

from .. import compat
from ..chain import rpc
from ..chain.tron import from_tron_address, to_tron_address
from ..models import stablecoin_network
from .fakenode import FakeNode

# The tag of the integration tier: exclude it with ``--test-tags`` to run without a node.
NODE_TAG = "stablecoin_node"

_CHAINS = {}


# What an HTTP route answers when it raises a UserError/ValidationError: 400 on 18.0, 422
# (Unprocessable Entity) on 19.0.
ROUTE_ERROR_STATUS = 422 if compat.SERIES >= 19 else 400


@contextmanager
def allow_outside_requests(case):
    """A context in which HTTP test ``case``'s server takes requests from outside the test (an
    on-ramp simulator's webhook deliveries, made and awaited by the test's thread): 19.0's test
    server refuses requests without the test's cookie unless told (``allow_requests``, which
    also lets the server's threads take the test cursor meanwhile); 18.0 takes them all."""
    if compat.SERIES < 19:
        yield
        return
    try:
        with case.allow_requests(all_requests=True):
            yield
    finally:
        case.http_request_allow_all = False  # 19.0's allow_requests leaves it on


def run_scheduled_action(case, xmlid):
    """Run scheduled action ``xmlid`` as Odoo's cron runner would, inside test ``case``'s
    transaction (the 18.0 / 19.0 seam of the tests: 19.0 runs a job in a cursor of its own,
    which sees the test's data only in the registry's test mode), then invalidate the test's
    caches (the job wrote through another environment)."""
    in_test_mode = case.enter_registry_test_mode() if compat.SERIES >= 19 else nullcontext()
    with in_test_mode:
        result = case.env.ref(xmlid).method_direct_trigger()
    case.env.invalidate_all()
    return result


def _with_test_tokens(chain):
    chain.tokens = {
        "USDC": chain.deploy_token("USD Coin (test)", "USDC"),
        "USDT": chain.deploy_token("Tether USD (test)", "USDT"),
    }
    return chain


def shared_devchain():
    """The run's anvil, started (and its tokens deployed) on first use."""
    from scoin_dev.devchain import DevChain

    chain = _CHAINS.get("anvil")
    if chain is None or chain.proc is None or chain.proc.poll() is not None:
        # Historical states for the whole run: evm_revert goes back in height, and anvil_reorg
        # and eth_call at a past block need the states of those blocks.
        chain = _CHAINS["anvil"] = _with_test_tokens(DevChain(prune_history=4096).start())
    return chain


def shared_fakenode():
    """The run's fake node, started (and its tokens registered) on first use."""
    chain = _CHAINS.get("fake")
    if chain is None or chain.poll() is not None:
        chain = _CHAINS["fake"] = _with_test_tokens(FakeNode().start())
    return chain


class DevChainMixin:
    """Mix into an Odoo test case (before it): ``class T(DevChainMixin, TransactionCase)``.

    Gives ``cls.chain`` (the fake node, or anvil with :class:`AnvilChainMixin`: the same
    methods), ``cls.usdc``/``cls.usdt`` (token addresses), ``cls.merchant`` (dev account 1)
    and ``cls.customer`` (dev account 2).
    """

    @classmethod
    def _shared_chain(cls):
        return shared_fakenode()

    @classmethod
    def _new_chain(cls, chain_id):
        """A chain of its own for a class (another network); ``finalized`` is head - 2."""
        return FakeNode(chain_id=chain_id, safe_behind=1, finalized_behind=2).start()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Each class's nodes may reuse an earlier one's port: check chain ids afresh.
        rpc._CHECKED_CHAIN.clear()
        # Nor is a head follower's next ask of an earlier class's network due later.
        stablecoin_network._NEXT_POLL.clear()
        cls.chain = cls._shared_chain()
        cls.addClassCleanup(cls.chain.revert, cls.chain.snapshot())
        cls.usdc = cls.chain.tokens["USDC"]
        cls.usdt = cls.chain.tokens["USDT"]
        accounts = cls.chain.accounts
        cls.merchant, cls.customer = accounts[1], accounts[2]

    def setUp(self):
        super().setUp()
        self.addCleanup(self.chain.revert, self.chain.snapshot())


class AnvilChainMixin:
    """Mix in first, and tag the class ``stablecoin_node``: the tests' chains are anvil, a
    real node (contract code, signatures, re-inclusion, browser wallets), started with
    ``tools/scoin_dev`` (``setup/test.sh`` puts it on the path).

    ``@tagged("post_install", "-at_install", "stablecoin_node")``
    ``class T(AnvilChainMixin, StablecoinInvoiceMixin, HttpCase)``
    """

    @classmethod
    def setUpClass(cls):
        if NODE_TAG not in getattr(cls, "test_tags", ()):
            raise TypeError(
                f"{cls.__name__} runs on anvil: tag it {NODE_TAG!r} so that a run without a "
                "node can leave it out (--test-tags)."
            )
        super().setUpClass()

    @classmethod
    def _shared_chain(cls):
        return shared_devchain()

    @classmethod
    def _new_chain(cls, chain_id):
        from scoin_dev.devchain import DevChain

        # --slots-in-an-epoch 1: finalized = head - 2, as the fake's.
        return DevChain(
            chain_id=chain_id, prune_history=4096, extra_args=["--slots-in-an-epoch", "1"]
        ).start()


# The account-level xpub (m/44'/60'/0') of anvil's public test mnemonic: child 0/i is anvil's
# dev account i, so derived addresses are real, funded accounts on the test chain.
ANVIL_XPUB = (
    "xpub6Ce9NcJvTk36xtLSrJLZqE7wtgA5deCeYs7rSQtreh4cj6ByPtrg9sD7V2FNFLPnf8heNP3FGkeV9qwfz"
    "vZNSd54JoNXVsXFYSYwHsnJxqP"
)
TEST_CHAIN_ID = 31337


class StablecoinChainMixin(DevChainMixin):
    """DevChainMixin plus Odoo records for it: a network, USDC/USDT tokens and a wallet.

    The demo data's local network has the same chain id: the tests take it over (a test
    database is a copy of a demo-data database) and point it at this run's anvil.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Network = cls.env["stablecoin.network"].with_context(active_test=False)
        cls.network = Network.search([("chain_id", "=", TEST_CHAIN_ID)]) or Network.create(
            {"name": "Test chain", "chain_id": TEST_CHAIN_ID}
        )
        cls.network.with_context(active_test=False).token_ids.active = False  # demo tokens
        cls.network.write(
            {
                "active": True,
                "rpc_url": cls.chain.url,
                "confirmations_seen": 1,
                "confirmations_final": 3,
                "start_block": 1,
                "last_scanned_block": 0,
                "last_scanned_hash": False,
            }
        )
        cls.usdc_currency = cls.env.ref("stablecoin_wallet.currency_usdc")
        cls.usdt_currency = cls.env.ref("stablecoin_wallet.currency_usdt")
        cls.token_usdc = cls._ensure_token(
            "USDC", "USD Coin (test)", cls.usdc, cls.usdc_currency, 1
        )
        cls.token_usdt = cls._ensure_token(
            "USDT", "Tether USD (test)", cls.usdt, cls.usdt_currency, 2
        )
        cls.env["stablecoin.wallet"].search([]).active = False  # demo wallets
        cls.wallet = cls.env["stablecoin.wallet"].create(
            {
                "name": "Shop wallet",
                "kind": "address",
                "address": cls.merchant,
                "token_ids": [(6, 0, (cls.token_usdc | cls.token_usdt).ids)],
            }
        )
        cls.env["stablecoin.address"].search([("wallet_id.active", "=", False)]).active = False

    @classmethod
    def _ensure_token(cls, symbol, name, contract, currency, sequence):
        vals = {
            "name": name,
            "symbol": symbol,
            "network_id": cls.network.id,
            "contract_address": contract,
            "decimals": 6,
            "currency_id": currency.id,
            "sequence": sequence,
            "active": True,
        }
        Token = cls.env["stablecoin.token"].with_context(active_test=False)
        token = Token.search(
            [("network_id", "=", cls.network.id), ("contract_address", "=", contract)]
        )
        if token:
            token.write(vals)
            return token
        return Token.create(vals)

    def pay(self, amount_units, token=None, to=None, sender=None):
        """Mint to the customer, then transfer from the customer; returns the tx hash."""
        token = token or self.usdc
        sender = sender or self.customer
        self.chain.mint(token, sender, amount_units)
        return self.chain.transfer(token, sender, to or self.merchant, amount_units)

    def scan(self):
        self.network._scan_guarded()
        self.assertEqual(self.network.health, "ok", self.network.last_error)

    def mine_to_depth(self):
        self.chain.mine(self.network.confirmations_final)


# Tron mainnet's chain id (TronGrid's eth_chainId answers 0x2b6653dc).
TRON_CHAIN_ID = 728126428
# The account xpub m/44'/195'/0' (Tron's coin type) of anvil's public test mnemonic.
TRON_TEST_XPUB = (
    "xpub6BuRy7ZmkGfP2RWhoor1kWB1w9DvrtmJbFBvnC1bQ4SB5NbCHTyQYCJSXZtxDbFyHTmC7wkU2he3nYYdpZ3Vf6"
    "qUAkXSnL6RPif4BDtDEKr"
)


class TronChainMixin:
    """A second chain (a fake node, or anvil with :class:`AnvilChainMixin`) with Tron
    mainnet's chain id stands in for TronGrid's /jsonrpc
    (the same eth_getLogs, eth_blockNumber and eth_getBlockByNumber, the same Transfer log
    shape), with the test token deployed as USDT. The data's Tron network is pointed at it.

    What it does not prove: Tron's own transaction ids (sha256 of the raw transaction; anvil's
    are keccak hashes of the same shape), energy and bandwidth failures, TronGrid's rate limits
    and API keys, nor TVM differences from the EVM.

    Gives ``cls.tron_chain``, ``cls.tron_usdt`` (contract, 0x), ``cls.tron_network``,
    ``cls.tron_token``, ``cls.tron_merchant`` / ``cls.tron_payer`` (0x; their T-forms in
    ``*_t``) and ``cls.tron_wallet`` (a fixed T-address).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # finalized = head - 2: the network's "solidified block" in the plain tests.
        chain = cls._new_chain(TRON_CHAIN_ID)
        cls.addClassCleanup(chain.stop)
        cls.tron_chain = chain
        cls.tron_usdt = chain.deploy_token("Tether USD (test)", "USDT")
        accounts = chain.accounts
        cls.tron_merchant, cls.tron_payer = accounts[3], accounts[4]
        cls.tron_merchant_t = to_tron_address(cls.tron_merchant)
        cls.tron_payer_t = to_tron_address(cls.tron_payer)
        cls.tron_network = cls.env.ref("stablecoin_wallet.stablecoin_network_tron")
        cls.tron_network.with_context(active_test=False).token_ids.active = False
        cls.tron_network.write(
            {
                "active": True,
                "rpc_url": chain.url,
                "start_block": 1,
                "last_scanned_block": 0,
                "last_scanned_hash": False,
            }
        )
        cls.tron_token = cls.env["stablecoin.token"].create(
            {
                "name": "Tether USD (test)",
                "symbol": "USDT",
                "network_id": cls.tron_network.id,
                "contract_address": to_tron_address(cls.tron_usdt),  # typed as tronscan shows it
                "decimals": 6,
                "currency_id": cls.env.ref("stablecoin_wallet.currency_usdt").id,
            }
        )
        cls.tron_wallet = cls.env["stablecoin.wallet"].create(
            {
                "name": "Tron wallet",
                "network_kind": "tron",
                "kind": "address",
                "address": cls.tron_merchant_t,
                "token_ids": [(6, 0, cls.tron_token.ids)],
            }
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(self.tron_chain.revert, self.tron_chain.snapshot())

    def tron_pay(self, amount_units, to_t=None, sender=None):
        """The payer's wallet sends USDT to a T-address (converted at the edge, as a Tron
        wallet does: the chain only knows 20 bytes); returns the transaction hash."""
        sender = sender or self.tron_payer
        to = from_tron_address(to_t or self.tron_merchant_t)
        self.tron_chain.mint(self.tron_usdt, sender, amount_units)
        return self.tron_chain.transfer(self.tron_usdt, sender, to, amount_units)

    def tron_scan(self):
        self.tron_network._scan_guarded()
        self.assertEqual(self.tron_network.health, "ok", self.tron_network.last_error)

    def tron_settle(self):
        """Mine past the solidified block, then scan."""
        self.tron_chain.mine(3)
        self.tron_scan()
