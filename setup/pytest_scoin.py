"""pytest plugin loaded by setup/test.sh (``-p pytest_scoin``): a green run means tested.

* A skipped test fails: here a skip only ever hides a broken set-up (no chromium, no
  websocket-client, no --odoo-http), never a test that does not apply.
* A test during which Odoo logged an ERROR fails, as it does under Odoo's own runner.
"""

import logging

import pytest


def _not_pytest_odoo_import_order(record):
    # pytest-odoo imports odoo.tests before the test flag is on; Odoo logs that as an ERROR
    # meant for business code importing the test framework. Nothing is wrong here.
    return not record.getMessage().startswith("Importing test framework, avoid importing")


logging.getLogger("odoo.tests.common").addFilter(_not_pytest_odoo_import_order)


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_logged_errors():
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records:
        lines = [f"{r.name}: {r.getMessage()}" for r in handler.records[:10]]
        pytest.fail("errors were logged during the test:\n" + "\n".join(lines), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests are not allowed in this suite: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    """Import test modules in test mode, as Odoo's runner does (else odoo.tests logs an error).

    Switched off again before the registry loads (a session fixture), so that loading it does
    not run Odoo's own at_install/post_install tests.
    """
    try:
        from odoo.tools import config
    except ImportError:
        yield
        return
    previous = config["test_enable"]
    config["test_enable"] = True
    try:
        yield
    finally:
        config["test_enable"] = previous
