#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test (the addons' Odoo
# tests, the pure chain tests, the cross-addon tests, ruff and pylint-odoo) in one pytest run,
# on a throwaway copy of a cached database template, beside a real anvil and real chromium.
# Exits non-zero on a failing test, a test module that fails to import, a skipped test, or a
# run that executed no test (pytest's exit 5). Extra arguments go to pytest.
#
# Without ODOO_SERIES (or with ODOO_SERIES=all) it runs everything on Odoo 18.0, then on 19.0,
# failing when either fails or cannot run (no source tree, no virtualenv); ODOO_SERIES=18.0 or
# 19.0 runs one series.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
started=$(date +%s)

# The README's command (and CI) runs both series, one after the other.
if [ -z "${ODOO_SERIES:-}" ]; then
  ODOO_SERIES=all
fi
if [ "$ODOO_SERIES" = all ]; then
  summary=() failed=0
  for series in 18.0 19.0; do
    echo "[test] === Odoo $series ==="
    if ODOO_SERIES=$series bash "$ROOT/setup/test.sh" "$@"; then
      summary+=("Odoo $series: passed")
    else
      rc=$?; failed=1
      summary+=("Odoo $series: FAILED (exit $rc)")
    fi
  done
  printf '[test] %s\n' "${summary[@]}"
  echo "[test] both series after $(( $(date +%s) - started )) s"
  exit $failed
fi

ODOO_SERIES="$ODOO_SERIES" bash setup/install.sh
# shellcheck source=/dev/null
if [ "$ODOO_SERIES" = 18.0 ]; then source .state/env.sh; else source ".state/$ODOO_SERIES/env.sh"; fi
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
  --odoo-database="$DB" --odoo-config="$SCOIN_STATE/odoo.conf" --odoo-http \
  --odoo-log-level=warn \
  -o cache_dir="$SCOIN_STATE/pytest_cache" \
  "${targets[@]}"
rc=$?
set -e
echo "[test] Odoo $ODOO_SERIES: pytest exit code $rc after $(( $(date +%s) - started )) s"
exit $rc
