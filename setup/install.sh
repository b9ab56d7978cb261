#!/usr/bin/env bash
# Idempotent set-up of everything the demo and the tests need, for one Odoo series
# (ODOO_SERIES=18.0, the default, or 19.0):
#   1. Debian packages (wkhtmltopdf, chromium, poppler, build headers) when missing;
#   2. an Odoo source tree of that series: 18.0: $ODOO_SRC (default /opt/odoo, git layout or
#      nightly layout), else Odoo's official 18.0 nightly source downloaded once into ~/.cache;
#      19.0: $ODOO19_SRC (default /opt/odoo19), else the 19.0 nightly source likewise;
#   3. the series' virtualenv (18.0: $SCOIN_VENV, default .venv, Python 3.11; 19.0:
#      $SCOIN_VENV19, default .venv19, Python 3.12) with Odoo's requirements plus
#      setup/requirements.txt (and setup/requirements-<series>.txt when there is one);
#   4. the npm tools pinned in setup/package-lock.json (anvil, solc-js);
#   5. a running PostgreSQL.
# Each step is skipped when its inputs have not changed, so a second run takes seconds.
# Prints nothing but progress; writes the series' env.sh (18.0: .state/env.sh, 19.0:
# .state/19.0/env.sh), which setup/*.sh source.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERIES="${ODOO_SERIES:-18.0}"
case "$SERIES" in
  18.0)
    STATE="$ROOT/.state"
    VENV="${SCOIN_VENV:-$ROOT/.venv}"
    PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
    ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
    ;;
  19.0)
    # Everything of its own: a run on one series never rebuilds or reuses the other's.
    STATE="$ROOT/.state/19.0"
    VENV="${SCOIN_VENV19:-$ROOT/.venv19}"
    PYTHON="${PYTHON19:-}"
    if [ -z "$PYTHON" ]; then  # the first Python 3.12 that runs (a pyenv shim may not)
      for p in $(command -v python3.12 || true) "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
        "$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { PYTHON=$p; break; }
      done
    fi
    [ -n "$PYTHON" ] || { echo "[setup] Odoo 19.0 needs Python 3.12 (set PYTHON19)" >&2; exit 1; }
    ODOO_SRC="${ODOO19_SRC:-/opt/odoo19}"
    ;;
  *) echo "[setup] unknown ODOO_SERIES=$SERIES (18.0 or 19.0)" >&2; exit 1 ;;
esac
MAJOR="${SERIES%.0}"
NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/$SERIES/nightly/src/odoo_$SERIES.latest.tar.gz}"
mkdir -p "$STATE"

say() { printf '[setup] %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# --- 1. Debian packages ---------------------------------------------------------------------
DEB_PACKAGES=(wkhtmltopdf chromium poppler-utils libpq-dev libldap2-dev libsasl2-dev
              build-essential fonts-dejavu-core)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. Odoo source -------------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/stablecoin-odoo"
  if [ ! -f "$cache/odoo-$SERIES/odoo/release.py" ]; then
    say "no Odoo source at $ODOO_SRC: downloading Odoo $SERIES nightly source"
    mkdir -p "$cache/odoo-$SERIES"
    curl -fsSL --retry 3 --max-time 900 "$NIGHTLY_URL" \
      | tar -xz -C "$cache/odoo-$SERIES" --strip-components=1
  fi
  ODOO_SRC="$cache/odoo-$SERIES"
fi
ODOO_SRC=$(cd "$ODOO_SRC" && pwd)
grep -q "version_info = ($MAJOR, 0" "$ODOO_SRC/odoo/release.py" \
  || { echo "[setup] $ODOO_SRC is not an Odoo $SERIES source tree" >&2; exit 1; }
# git layout: <src>/addons + <src>/odoo/addons; nightly layout: <src>/odoo/addons only.
ODOO_ADDONS="$ODOO_SRC/odoo/addons"
[ -d "$ODOO_SRC/addons/account" ] && ODOO_ADDONS="$ODOO_SRC/addons,$ODOO_ADDONS"

# --- 3. Python virtualenv -------------------------------------------------------------------
# A series may need a few pins of its own (19.0: rl-renderPM on Python 3.12).
REQS=("$ROOT/setup/requirements.txt")
[ -f "$ROOT/setup/requirements-$SERIES.txt" ] && REQS+=("$ROOT/setup/requirements-$SERIES.txt")
py_key=$(printf '%s\n%s\n' "$("$PYTHON" -c 'import sys; print(sys.version)')" \
           "$(cat "$ODOO_SRC/requirements.txt" "${REQS[@]}" "$ROOT/setup/constraints.txt")" \
         | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.scoin-stamp" 2>/dev/null)" != "$py_key" ]; then
  say "building the virtualenv $VENV (Odoo requirements + setup/requirements.txt)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # setuptools<81: cbor2 5.4.2 (Odoo's pin) imports pkg_resources in its setup.py; the
  # constraint must reach pip's isolated build environments, hence the environment variable.
  # pip >= 25.3 reads build constraints from their own variable.
  export PIP_CONSTRAINT="$ROOT/setup/constraints.txt" PIP_BUILD_CONSTRAINT="$ROOT/setup/constraints.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check "setuptools<81" wheel
  # One resolution for Odoo's pins and ours; the pins we override (see setup/requirements.txt)
  # are taken out of Odoo's list first.
  overrides=$(grep -oE '^[A-Za-z0-9_.-]+==[^ ]+ *# *overrides Odoo' "$ROOT/setup/requirements.txt" \
              | cut -d= -f1 | paste -sd'|' -)
  grep -viE "^(${overrides:-none})[ =<>;]" "$ODOO_SRC/requirements.txt" > "$STATE/odoo-requirements.txt"
  reqs=(); for r in "${REQS[@]}"; do reqs+=(-r "$r"); done
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    -r "$STATE/odoo-requirements.txt" "${reqs[@]}"
  "$VENV/bin/pip" check
  unset PIP_CONSTRAINT PIP_BUILD_CONSTRAINT
  echo "$py_key" > "$VENV/.scoin-stamp"
fi
# Odoo is used from its source tree, not installed: a .pth file puts it on the path.
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ODOO_SRC" > "$site/odoo-src.pth"
# The development tooling (the local chain, the test token) is not part of any addon.
echo "$ROOT/tools" > "$site/scoin-tools.pth"

# --- 4. npm tools (anvil, solc-js) ------------------------------------------------------------
npm_key=$(hash_of "$ROOT/setup/package-lock.json")
if [ "$(cat "$ROOT/setup/node_modules/.scoin-stamp" 2>/dev/null)" != "$npm_key" ]; then
  say "installing npm tools from setup/package-lock.json"
  # npm ci refuses this lock: the registry here serves only the linux optional binaries.
  (cd "$ROOT/setup" && npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$npm_key" > "$ROOT/setup/node_modules/.scoin-stamp"
fi
ANVIL_BIN=$(ls "$ROOT"/setup/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n1)
[ -x "$ANVIL_BIN" ] || { echo "[setup] anvil binary missing under setup/node_modules" >&2; exit 1; }

# --- 5. PostgreSQL --------------------------------------------------------------------------
if ! pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" \
    || { echo "[setup] PostgreSQL is not answering on ${PGHOST:-127.0.0.1}:${PGPORT:-5432}" >&2; exit 1; }
fi

cat > "$STATE/env.sh" <<EOF
# written by setup/install.sh
export SCOIN_ROOT="$ROOT"
export SCOIN_VENV="$VENV"
export ODOO_SERIES="$SERIES"
export SCOIN_STATE="$STATE"
export ODOO_SRC="$ODOO_SRC"
export ODOO_ADDONS_PATH="$ODOO_ADDONS,$ROOT/addons"
export ANVIL_BIN="$ANVIL_BIN"
export SOLCJS_BIN="$ROOT/setup/node_modules/.bin/solcjs"
export TZ=UTC
EOF
say "ready: Odoo $SERIES source $ODOO_SRC, venv $VENV"
