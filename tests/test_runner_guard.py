"""The test command fails loudly: a failing test, an import error, no test, a skipped test or
an error logged during a test each make pytest (with our plugin, as setup/test.sh runs it)
exit non-zero."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent.parent / "setup"

CASES = {
    "failing test": ("def test_x():\n    assert 1 == 2\n", 1),
    "import error": ("import no_such_module_anywhere\n\ndef test_x():\n    pass\n", 2),
    "no test": ("def helper():\n    return 1\n", 5),
    "skipped test": (
        "import pytest\n\n@pytest.mark.skip('no browser')\ndef test_x():\n    pass\n",
        1,
    ),
    "logged error": (
        "import logging\n\ndef test_x():\n    logging.getLogger('odoo.x').error('boom')\n",
        1,
    ),
}


def run_pytest(tmp_path, source):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=str(SETUP))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:odoo",
            "-p",
            "pytest_scoin",
            "-p",
            "no:cacheprovider",
            "-q",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_runs_exit_non_zero(tmp_path, case):
    source, expected = CASES[case]
    proc = run_pytest(tmp_path, source)
    assert proc.returncode == expected, proc.stdout + proc.stderr


def test_a_good_run_exits_zero_and_counts(tmp_path):
    proc = run_pytest(tmp_path, "def test_x():\n    assert 2 + 2 == 4\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
