#!/usr/bin/env bash
# Mint demo USDC on the running demo chain: bash setup/faucet.sh ADDRESS AMOUNT
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: bash setup/faucet.sh 0xADDRESS AMOUNT" >&2; exit 2; }
# shellcheck source=/dev/null
STATE_DIR="$ROOT/.state"; [ "${ODOO_SERIES:-18.0}" = 18.0 ] || STATE_DIR="$ROOT/.state/$ODOO_SERIES"
source "$STATE_DIR/env.sh"
exec env PYTHONPATH="$ROOT/setup" "$SCOIN_VENV/bin/python" "$ROOT/setup/demo.py" faucet "$1" "$2"
