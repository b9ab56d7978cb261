"""Cross-addon tests: plain pytest, beside the addons' Odoo tests in the same run."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))


@pytest.fixture(scope="session")
def devchain():
    """The run's anvil with the test tokens deployed (shared with the Odoo tests)."""
    from odoo.addons.stablecoin_wallet.tests.common import shared_devchain

    return shared_devchain()


@pytest.fixture
def chain(devchain):
    """The same chain, rolled back after the test."""
    snapshot = devchain.snapshot()
    yield devchain
    devchain.revert(snapshot)
