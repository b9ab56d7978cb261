"""Every test module of an addon is imported by its tests/__init__.py (and no other).

Odoo's runner (``odoo-bin --test-enable``) only sees the modules the tests package imports: a
module left out is silently never run there (pytest finds it by its file name, so
setup/test.sh alone would not notice).
"""

import ast
from pathlib import Path

import pytest

ADDONS = Path(__file__).resolve().parent.parent / "addons"
TEST_DIRS = sorted(
    p.parent for p in ADDONS.glob("*/__manifest__.py") if (p.parent / "tests").is_dir()
)


def imported_modules(init_file):
    """The names ``from . import x`` brings in (the form Odoo's addons use)."""
    names = set()
    for node in ast.walk(ast.parse(init_file.read_text(), str(init_file))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            names.update(alias.name for alias in node.names)
    return names


def test_every_addon_with_tests_is_checked():
    assert len(TEST_DIRS) >= 6, TEST_DIRS


@pytest.mark.parametrize("addon", TEST_DIRS, ids=lambda p: p.name)
def test_every_test_module_is_imported(addon):
    tests = addon / "tests"
    init = tests / "__init__.py"
    assert init.is_file(), f"{addon.name}/tests has no __init__.py"
    on_disk = {p.stem for p in tests.glob("test_*.py")}
    missing = sorted(on_disk - imported_modules(init))
    assert not missing, (
        f"{addon.name}/tests/__init__.py does not import {', '.join(missing)}: Odoo's test "
        "runner would never run them"
    )
    gone = sorted(n for n in imported_modules(init) - on_disk if n.startswith("test_"))
    assert not gone, f"{addon.name}/tests/__init__.py imports modules it has not: {gone}"


def test_a_missing_import_is_noticed(tmp_path):
    """The check itself: a module on disk that __init__.py does not import is reported."""
    (tmp_path / "__init__.py").write_text("from . import test_a\n")
    (tmp_path / "test_a.py").write_text("")
    (tmp_path / "test_b.py").write_text("")
    on_disk = {p.stem for p in tmp_path.glob("test_*.py")}
    assert on_disk - imported_modules(tmp_path / "__init__.py") == {"test_b"}
