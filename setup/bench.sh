#!/usr/bin/env bash
# Benchmarks (printed ratios against a baseline run side by side; not timed tests):
#   bash setup/bench.sh            reconciliation with N=1000, chain scan with 20,000 transfers
#   N=10000 bash setup/bench.sh reconcile
#   TRANSFERS=20000 BLOCKS=100000 bash setup/bench.sh scan
#   REQUESTS=300 bash setup/bench.sh portal
#   REQUESTS=300 bash setup/bench.sh polling
#   PAYMENTS=20 IDLE=180 OPEN=60 bash setup/bench.sh latency   (calls by caller and method too)
#   N=100 TRANSFERS=500 BLOCKS=2000 bash setup/bench.sh reconcile scan   (several)
# Results are summarised in docs/benchmarks.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ODOO_SERIES="${ODOO_SERIES:-18.0}" bash setup/install.sh >/dev/null
STATE_DIR=.state; [ "${ODOO_SERIES:-18.0}" = 18.0 ] || STATE_DIR=".state/$ODOO_SERIES"
# shellcheck source=/dev/null
source "$STATE_DIR/env.sh"
PY="$SCOIN_VENV/bin/python"
what=" ${*:-all} "  # one benchmark's name, several (`bash setup/bench.sh reconcile scan`) or all
want() { [ "$what" = " all " ] || [[ "$what" == *" $1 "* ]]; }
# PROFILE=1 keeps the whole output (cProfile statistics), not only the BENCH lines.
show() { if [ -n "${PROFILE:-}" ]; then cat; else grep -E "^BENCH|Error|error" || true; fi; }
# Each benchmark gets its own throwaway copy of the addons template (fresh_db, before it runs):
# a benchmark's invoices, transfers and network settings never reach the next one (the scan
# counts every transfer of its network: `all` used to stop there, on the earlier ones').
DB=scoin_bench_$$
trap '"$PY" setup/odoodb.py drop "$DB" >/dev/null 2>&1 || true' EXIT
fresh_db() { "$PY" setup/odoodb.py copy "$DB" >/dev/null; }  # drops the previous copy first
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), PostgreSQL $(psql -tA -c 'show server_version' postgres)"
if want reconcile; then
  fresh_db
  N=${N:-1000} "$PY" -m odoo shell -c "$SCOIN_STATE/odoo.conf" -d "$DB" --no-http --log-level=warn \
    < tests/bench/bench_reconcile.py 2>&1 | show
fi
if want portal; then
  fresh_db
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_portal.py "$DB" 2>&1 | show
fi
if want polling; then
  fresh_db
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_polling.py "$DB" 2>&1 | show
fi
if want latency; then
  fresh_db
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_latency.py "$DB" 2>&1 | show
fi
if want scan; then
  fresh_db
  PYTHONPATH="$ROOT/setup" "$PY" -m odoo shell -c "$SCOIN_STATE/odoo.conf" -d "$DB" --no-http \
    --log-level=warn < tests/bench/bench_scan.py 2>&1 | show
fi
if want sweep; then
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_sweep_gas.py 2>&1 | show
fi
