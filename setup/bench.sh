#!/usr/bin/env bash
# Benchmarks (printed ratios against a baseline run side by side; not timed tests):
#   bash setup/bench.sh            reconciliation with N=1000, chain scan with 20,000 transfers
#   N=10000 bash setup/bench.sh reconcile
#   TRANSFERS=20000 BLOCKS=100000 bash setup/bench.sh scan
#   REQUESTS=300 bash setup/bench.sh portal
#   REQUESTS=300 bash setup/bench.sh polling
#   PAYMENTS=20 IDLE=180 bash setup/bench.sh latency
# Results are summarised in docs/benchmarks.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash setup/install.sh >/dev/null
# shellcheck source=/dev/null
source .state/env.sh
PY="$SCOIN_VENV/bin/python"
what=${1:-all}
# PROFILE=1 keeps the whole output (cProfile statistics), not only the BENCH lines.
show() { if [ -n "${PROFILE:-}" ]; then cat; else grep -E "^BENCH|Error|error" || true; fi; }
DB=scoin_bench_$$
trap '"$PY" setup/odoodb.py drop "$DB" >/dev/null 2>&1 || true' EXIT
"$PY" setup/odoodb.py copy "$DB" >/dev/null
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), PostgreSQL $(psql -tA -c 'show server_version' postgres)"
if [ "$what" = all ] || [ "$what" = reconcile ]; then
  N=${N:-1000} "$PY" -m odoo shell -c .state/odoo.conf -d "$DB" --no-http --log-level=warn \
    < tests/bench/bench_reconcile.py 2>&1 | show
fi
if [ "$what" = all ] || [ "$what" = portal ]; then
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_portal.py "$DB" 2>&1 | show
fi
if [ "$what" = all ] || [ "$what" = polling ]; then
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_polling.py "$DB" 2>&1 | show
fi
if [ "$what" = all ] || [ "$what" = latency ]; then
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_latency.py "$DB" 2>&1 | show
fi
if [ "$what" = all ] || [ "$what" = scan ]; then
  PYTHONPATH="$ROOT/setup" "$PY" -m odoo shell -c .state/odoo.conf -d "$DB" --no-http \
    --log-level=warn < tests/bench/bench_scan.py 2>&1 | show
fi
if [ "$what" = all ] || [ "$what" = sweep ]; then
  PYTHONPATH="$ROOT/setup" "$PY" tests/bench/bench_sweep_gas.py 2>&1 | show
fi
