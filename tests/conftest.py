"""Cross-addon tests: plain pytest, beside the addons' Odoo tests in the same run."""

import sys
import uuid
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


@pytest.fixture
def old_addons(tmp_path):
    """The addons path of the previous release (`release.RELEASE`), for upgrade tests."""
    from release import RELEASE, release_addons_path

    return release_addons_path(RELEASE, tmp_path / "old")


@pytest.fixture
def old_db():
    """A fresh database with Odoo's modules only, dropped after the upgrade test."""
    import odoodb

    name = f"scoin_migrate_{uuid.uuid4().hex[:8]}"
    odoodb.copy(odoodb.deps_template(), name)
    yield name
    odoodb.drop(name)
