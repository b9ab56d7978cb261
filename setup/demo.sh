#!/usr/bin/env bash
# The README's demo command: installs what is missing, then starts a local chain (anvil) with a
# demo USDC token and Odoo with our addons and demo data; prints where to go. Ctrl-C stops
# both. `bash setup/demo.sh --reset` starts from a new database and a new chain.
# ODOO_SERIES=19.0 runs it on Odoo 19.0 (default 18.0).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ODOO_SERIES="${ODOO_SERIES:-18.0}" bash setup/install.sh
STATE_DIR=.state; [ "${ODOO_SERIES:-18.0}" = 18.0 ] || STATE_DIR=".state/$ODOO_SERIES"
# shellcheck source=/dev/null
source "$STATE_DIR/env.sh"
exec env PYTHONPATH="$ROOT/setup" "$SCOIN_VENV/bin/python" setup/demo.py "$@"
