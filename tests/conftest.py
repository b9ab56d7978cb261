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


# Upgrades from the addons' earlier releases (18.0.1.x, 18.0.2.0): those releases install on
# Odoo 18.0 only, so these tests are 18.0's. On 19.0 they are deselected (not skipped: a skip
# fails the run), and said so in the run's header.
UPGRADE_TESTS_18 = "test_migration"


def pytest_collection_modifyitems(config, items):
    from odoo import release

    if release.version_info[0] == 18:
        return
    upgrades = [item for item in items if item.path.name.startswith(UPGRADE_TESTS_18)]
    if upgrades:
        config.hook.pytest_deselected(items=upgrades)
        items[:] = [item for item in items if item not in upgrades]


def pytest_report_header(config):
    from odoo import release

    if release.version_info[0] != 18:
        return (
            f"Odoo {release.major_version}: the upgrades from 18.0 releases "
            "(tests/test_migration*.py) are deselected"
        )
    return None
