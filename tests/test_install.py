"""Each addon installs on a fresh database with only its dependencies, and uninstalls cleanly.

"Fresh" is a copy of the cached template holding only Odoo's own modules (see setup/odoodb.py).
Runs real ``odoo -i`` / uninstall processes, like an administrator would.
"""

import uuid

import odoodb
import pytest

OURS = odoodb.OUR_MODULES
OUR_MODELS = ("stablecoin.network",)

CHAIN = {  # addon -> our addons that installing it brings in
    "stablecoin_wallet": {"stablecoin_wallet"},
    "stablecoin_invoicing": {"stablecoin_wallet", "stablecoin_invoicing"},
    "stablecoin_recurring": {"stablecoin_wallet", "stablecoin_invoicing", "stablecoin_recurring"},
    "stablecoin_webhooks": {"stablecoin_wallet", "stablecoin_invoicing", "stablecoin_webhooks"},
    "stablecoin_compliance": {"stablecoin_wallet", "stablecoin_invoicing", "stablecoin_compliance"},
    "stablecoin_onramp": {"stablecoin_wallet", "stablecoin_invoicing", "stablecoin_onramp"},
    "stablecoin_payment_provider": set(OURS),
}


@pytest.fixture
def fresh_db():
    name = f"scoin_install_{uuid.uuid4().hex[:8]}"
    odoodb.copy(odoodb.deps_template(), name)
    yield name
    odoodb.drop(name)


def installed(db):
    rows = odoodb.psql(
        "SELECT name FROM ir_module_module WHERE state = 'installed' AND name LIKE 'stablecoin%'",
        dbname=db,
    )
    return set(rows.split())


def uninstall(db, module):
    odoodb.shell(
        db,
        f"env['ir.module.module'].search([('name', '=', '{module}')])"
        ".button_immediate_uninstall()\nenv.cr.commit()\n",
    )


def tables(db):
    return set(
        odoodb.psql(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'stablecoin%'", dbname=db
        ).split()
    )


@pytest.mark.parametrize("module", OURS)
def test_installs_alone_then_uninstalls_cleanly(fresh_db, module, tmp_path):
    odoodb.odoo(
        "-d",
        fresh_db,
        "-i",
        module,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=tmp_path / "install.log",
    )
    assert installed(fresh_db) == CHAIN[module]
    if "stablecoin_wallet" in CHAIN[module]:
        assert "stablecoin_network" in tables(fresh_db)

    # Uninstalling the bottom of the chain takes its dependents with it.
    uninstall(fresh_db, "stablecoin_wallet")
    assert installed(fresh_db) == set()
    assert tables(fresh_db) == set()
    leftovers = odoodb.psql(
        "SELECT model FROM ir_model WHERE model LIKE 'stablecoin.%' "
        "UNION ALL SELECT module || '.' || name FROM ir_model_data WHERE module LIKE 'stablecoin%'",
        dbname=fresh_db,
    )
    assert leftovers == ""
    if module in ("stablecoin_payment_provider", "stablecoin_onramp"):
        # The provider records belong to `payment`'s pattern: reset, not deleted.
        codes = odoodb.psql(
            "SELECT DISTINCT code FROM payment_provider WHERE name->>'en_US' IN ("
            "'Stablecoin', 'Bank Wire into Stablecoins (Bridge)', "
            "'Card into Stablecoins (Stripe Onramp)')",
            dbname=fresh_db,
        )
        assert not {"stablecoin", "stablecoin_bridge", "stablecoin_stripe"} & set(codes.split())
