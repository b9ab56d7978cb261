"""ruff and pylint-odoo (OCA's configuration, see ruff.toml and .pylintrc) find nothing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def test_ruff_check():
    code, out = run(str(BIN / "ruff"), "check", "--no-fix", "addons", "tests", "setup", "tools")
    assert code == 0, out


def test_ruff_format():
    code, out = run(str(BIN / "ruff"), "format", "--check", "addons", "tests", "setup", "tools")
    assert code == 0, out


def test_pylint_odoo():
    addons = sorted(str(p.parent) for p in (ROOT / "addons").glob("*/__manifest__.py"))
    code, out = run(str(BIN / "pylint"), "--rcfile=.pylintrc", "--output-format=text", *addons)
    assert code == 0, out
