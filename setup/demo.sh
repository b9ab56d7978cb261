#!/usr/bin/env bash
# The README's demo command: installs what is missing, then starts a local chain (anvil) with a
# demo USDC token and Odoo with our addons and demo data; prints where to go. Ctrl-C stops
# both. `bash setup/demo.sh --reset` starts from a new database and a new chain.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash setup/install.sh
# shellcheck source=/dev/null
source .state/env.sh
exec env PYTHONPATH="$ROOT/setup" "$SCOIN_VENV/bin/python" setup/demo.py "$@"
