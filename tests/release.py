"""What the upgrade tests share: an earlier release of the addons taken from git and an
``odoo shell`` that reports ``KEY value`` lines (the fixtures ``old_addons`` and ``old_db`` are
in conftest.py)."""

import os
import subprocess

import odoodb

# Release 18.0.1.1.0: the last one with webhooks, recurring invoices and compliance inside
# stablecoin_invoicing (and the sanctions list in the wallet), refunds as a flag.
RELEASE = "ce66ba2"


def release_addons_path(commit, target):
    """Odoo's addons path with our addons as they were at ``commit`` (unpacked in ``target``)."""
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(odoodb.ROOT), "archive", commit, "addons"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    odoo_paths = [p for p in os.environ["ODOO_ADDONS_PATH"].split(",") if "/addons" in p]
    ours = str(odoodb.ADDONS)
    return ",".join([*(p for p in odoo_paths if p != ours), str(target / "addons")])


def shell(db, script, addons_path=None):
    """Run ``script`` in an ``odoo shell``; its ``KEY value`` lines as a dict."""
    cmd = odoodb.shell_cmd(db)
    if addons_path:
        cmd.append(f"--addons-path={addons_path}")
    proc = subprocess.run(
        cmd,
        input=script,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, TZ="UTC"),
        check=False,
    )
    assert proc.returncode == 0 and " ERROR " not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line[:1].isupper() and " " in line]
    return dict(line.split(" ", 1) for line in lines)
