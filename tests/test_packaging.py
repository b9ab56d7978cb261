"""Each addon builds as a wheel with whool (OCA's packaging), carrying its data files."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = (
    "stablecoin_wallet",
    "stablecoin_invoicing",
    "stablecoin_recurring",
    "stablecoin_webhooks",
    "stablecoin_compliance",
    "stablecoin_onramp",
    "stablecoin_payment_provider",
)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheels")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            *(str(ROOT / "addons" / name) for name in ADDONS),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return {p.name.split("-")[0]: p for p in out.glob("*.whl")}


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_is_built_with_the_manifest_version(wheels, addon):
    wheel = wheels[f"odoo_addon_{addon}"]
    manifest = ast.literal_eval((ROOT / "addons" / addon / "__manifest__.py").read_text())
    assert wheel.name.split("-")[1].startswith(manifest["version"])
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert f"odoo/addons/{addon}/__manifest__.py" in names
    assert "Requires-Dist: odoo==18.0.*" in metadata


def test_wallet_wheel_ships_production_code_and_declares_what_it_imports(wheels):
    with zipfile.ZipFile(wheels["odoo_addon_stablecoin_wallet"]) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    base = "odoo/addons/stablecoin_wallet/"
    assert base + "security/ir.model.access.csv" in names
    assert base + "chain/logs.py" in names
    # The development chain and the test token are tooling (tools/scoin_dev), not the addon.
    assert not [n for n in names if "devchain" in n or "TestStablecoin" in n]
    requires = {
        line.split(":", 1)[1].split()[0].split(";")[0].lower().replace("_", "-")
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    }
    # What the addon's code imports, and not web3 (which it does not).
    assert {"eth-abi", "eth-utils", "bip-utils", "requests"} <= requires, requires
    assert "web3" not in requires


def test_provider_wheel_depends_on_invoicing(wheels):
    with zipfile.ZipFile(wheels["odoo_addon_stablecoin_payment_provider"]) as archive:
        metadata = archive.read(
            next(n for n in archive.namelist() if n.endswith("METADATA"))
        ).decode()
    assert "Requires-Dist: odoo-addon-stablecoin_invoicing==18.0.*" in metadata


def test_recurring_wheel_depends_on_invoicing_and_the_provider_on_it(wheels):
    for addon, needs in (
        ("stablecoin_recurring", "stablecoin_invoicing"),
        ("stablecoin_payment_provider", "stablecoin_recurring"),
    ):
        with zipfile.ZipFile(wheels[f"odoo_addon_{addon}"]) as archive:
            metadata = archive.read(
                next(n for n in archive.namelist() if n.endswith("METADATA"))
            ).decode()
        assert f"Requires-Dist: odoo-addon-{needs}==18.0.*" in metadata


def test_webhooks_wheel_depends_on_invoicing_and_the_provider_on_it(wheels):
    with zipfile.ZipFile(wheels["odoo_addon_stablecoin_webhooks"]) as archive:
        names = archive.namelist()
    base = "odoo/addons/stablecoin_webhooks/"
    assert {base + "webhooks.py", base + "data/neutralize.sql"} <= set(names)
    for addon, needs in (
        ("stablecoin_webhooks", "stablecoin_invoicing"),
        ("stablecoin_payment_provider", "stablecoin_webhooks"),
    ):
        with zipfile.ZipFile(wheels[f"odoo_addon_{addon}"]) as archive:
            metadata = archive.read(
                next(n for n in archive.namelist() if n.endswith("METADATA"))
            ).decode()
        assert f"Requires-Dist: odoo-addon-{needs}==18.0.*" in metadata


def test_compliance_wheel_depends_on_invoicing_and_the_provider_on_it(wheels):
    with zipfile.ZipFile(wheels["odoo_addon_stablecoin_compliance"]) as archive:
        names = archive.namelist()
    base = "odoo/addons/stablecoin_compliance/"
    assert {base + "sanctions.py", base + "chainalysis.py"} <= set(names)
    for addon, needs in (
        ("stablecoin_compliance", "stablecoin_invoicing"),
        ("stablecoin_payment_provider", "stablecoin_compliance"),
    ):
        with zipfile.ZipFile(wheels[f"odoo_addon_{addon}"]) as archive:
            metadata = archive.read(
                next(n for n in archive.namelist() if n.endswith("METADATA"))
            ).decode()
        assert f"Requires-Dist: odoo-addon-{needs}==18.0.*" in metadata


def test_onramp_wheel_ships_its_clients_and_the_provider_depends_on_it(wheels):
    with zipfile.ZipFile(wheels["odoo_addon_stablecoin_onramp"]) as archive:
        names = archive.namelist()
    base = "odoo/addons/stablecoin_onramp/"
    assert {
        base + "onramp/bridge.py",
        base + "onramp/stripe_onramp.py",
        base + "data/neutralize.sql",
        base + "data/payment_provider_data.xml",
    } <= set(names)
    for addon, needs in (
        ("stablecoin_onramp", "stablecoin_invoicing"),
        ("stablecoin_payment_provider", "stablecoin_onramp"),
    ):
        with zipfile.ZipFile(wheels[f"odoo_addon_{addon}"]) as archive:
            metadata = archive.read(
                next(n for n in archive.namelist() if n.endswith("METADATA"))
            ).decode()
        assert f"Requires-Dist: odoo-addon-{needs}==18.0.*" in metadata
