#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test (the addons' Odoo
# tests, the pure chain tests, the cross-addon tests, ruff and pylint-odoo) in one pytest run,
# on a throwaway copy of a cached database template, beside a real anvil and real chromium.
# Exits non-zero on a failing test, a test module that fails to import, a skipped test, or a
# run that executed no test (pytest's exit 5). Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
started=$(date +%s)

bash setup/install.sh
# shellcheck source=/dev/null
source .state/env.sh
PY="$SCOIN_VENV/bin/python"

DB="scoin_test_$$"
cleanup() { "$PY" setup/odoodb.py drop "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$PY" setup/odoodb.py copy "$DB" >/dev/null
echo "[test] database $DB ready after $(( $(date +%s) - started )) s"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(addons tests)
set +e
PYTHONPATH="$ROOT/setup${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest \
  -p pytest_scoin \
  --odoo-database="$DB" --odoo-config="$ROOT/.state/odoo.conf" --odoo-http \
  --odoo-log-level=warn \
  -o cache_dir="$ROOT/.state/pytest_cache" \
  "${targets[@]}"
rc=$?
set -e
echo "[test] pytest exit code $rc after $(( $(date +%s) - started )) s"
exit $rc
