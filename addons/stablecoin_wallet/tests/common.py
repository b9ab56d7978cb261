# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test helpers: a real local chain (anvil) shared by every test of the run.

One anvil process per test run (it starts in ~0.1 s, but deploying tokens per class adds up),
with two test tokens deployed. Each test class and each test runs between an ``evm_snapshot``
and an ``evm_revert``, so chain state never leaks between tests, like Odoo's savepoints do for
the database.
"""

from odoo.addons.stablecoin_wallet.chain.devchain import DevChain

_CHAIN = None


def shared_devchain():
    """The run's anvil, started (and its tokens deployed) on first use."""
    global _CHAIN
    if _CHAIN is None or _CHAIN.proc is None or _CHAIN.proc.poll() is not None:
        chain = DevChain().start()
        chain.tokens = {
            "USDC": chain.deploy_token("USD Coin (test)", "USDC"),
            "USDT": chain.deploy_token("Tether USD (test)", "USDT"),
        }
        _CHAIN = chain
    return _CHAIN


class DevChainMixin:
    """Mix into an Odoo test case (before it): ``class T(DevChainMixin, TransactionCase)``.

    Gives ``cls.chain`` (a :class:`DevChain`), ``cls.usdc``/``cls.usdt`` (token addresses),
    ``cls.merchant`` (anvil account 1) and ``cls.customer`` (anvil account 2).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = shared_devchain()
        cls.addClassCleanup(cls.chain.revert, cls.chain.snapshot())
        cls.usdc = cls.chain.tokens["USDC"]
        cls.usdt = cls.chain.tokens["USDT"]
        accounts = cls.chain.accounts
        cls.merchant, cls.customer = accounts[1], accounts[2]

    def setUp(self):
        super().setUp()
        self.addCleanup(self.chain.revert, self.chain.snapshot())
