"""Odoo databases for the demo and the tests, built once and copied.

Two cached templates, each keyed by a hash of what it was built from:

* ``scoin_deps_<key>``: Odoo's own modules we depend on (account, payment, portal,
  account_payment) with demo data. Keyed by the Odoo source tree: built once per machine.
* ``scoin_addons_<key>``: a copy of the deps template with our addons installed. Keyed by
  the deps key plus every non-test file of ``addons/``: rebuilt only when the addons change.

A test run or a demo gets a throwaway copy (database and filestore) of the addons template.
Run as a script: ``python setup/odoodb.py copy NAME`` / ``drop NAME`` / ``templates``.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The Odoo series of this run (setup/install.sh writes it into the series' env.sh): 18.0 keeps
# .state/ and the scoin_ templates; 19.0 has .state/19.0/ and scoin19_ templates of its own.
SERIES = os.environ.get("ODOO_SERIES", "18.0")
STATE = Path(os.environ.get("SCOIN_STATE") or ROOT / ".state")
PREFIX = "scoin" if SERIES == "18.0" else f"scoin{SERIES.split('.')[0]}"
# Outside the checkout: the cached templates live in PostgreSQL for the whole machine, so their
# filestores must too (a fresh clone, as CI makes, reuses both).
DATA_DIR = Path(
    os.environ.get("SCOIN_DATA_DIR")
    or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "stablecoin-odoo"
)
ADDONS = ROOT / "addons"
OUR_MODULES = (
    "stablecoin_wallet",
    "stablecoin_invoicing",
    "stablecoin_recurring",
    "stablecoin_webhooks",
    "stablecoin_compliance",
    "stablecoin_onramp",
    "stablecoin_payment_provider",
)
DEPS_MODULES = ("account", "payment", "portal", "account_payment")


def log(msg):
    print(f"[odoodb] {msg}", file=sys.stderr, flush=True)


def python():
    return os.path.join(os.environ.get("SCOIN_VENV", str(ROOT / ".venv")), "bin", "python")


def odoo_config():
    """Write (and return the path of) the Odoo configuration shared by demo and tests."""
    STATE.mkdir(exist_ok=True)
    conf = STATE / "odoo.conf"
    text = (
        "[options]\n"
        f"addons_path = {os.environ['ODOO_ADDONS_PATH']}\n"
        f"data_dir = {DATA_DIR}\n"
        "admin_passwd = admin\n"
        "list_db = False\n"
        # 19.0 installs no demo data unless told (and refuses --without-demo=all)
        + ("without_demo = False\n" if SERIES == "18.0" else "with_demo = True\n")
    )
    if not conf.exists() or conf.read_text() != text:
        conf.write_text(text)
    return conf


def odoo(*args, log_file=None, check=True, timeout=1800):
    """Run ``odoo`` (``python -m odoo``) with the project configuration."""
    cmd = [python(), "-m", "odoo", "-c", str(odoo_config()), *args]
    env = dict(os.environ, TZ="UTC")
    if log_file is None:
        return subprocess.run(cmd, env=env, check=check, timeout=timeout)
    with open(log_file, "w") as out:
        proc = subprocess.run(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=timeout
        )
    text = Path(log_file).read_text()
    errors = [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]
    if check and (proc.returncode or errors):
        tail = "\n".join(text.splitlines()[-40:])
        raise RuntimeError(f"odoo {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return proc


def shell_cmd(db):
    """The command of an `odoo shell` on ``db`` (reads a script on its standard input)."""
    return [
        python(),
        "-m",
        "odoo",
        "shell",
        "-c",
        str(odoo_config()),
        "-d",
        db,
        "--no-http",
        "--log-level=warn",
    ]


def server_cmd(db, port, *extra):
    """The command of an Odoo HTTP server on loopback ``port``, serving ``db`` only."""
    return [
        python(),
        "-m",
        "odoo",
        "-c",
        str(odoo_config()),
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        "--log-level=warn",
        *extra,
    ]


def wait_http(url, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def shell(db, script, timeout=600):
    """Run ``script`` in an `odoo shell` on ``db``; return its output, raise if it failed."""
    proc = subprocess.run(
        shell_cmd(db),
        input=script,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, TZ="UTC"),
        check=False,
    )
    output = proc.stdout + proc.stderr
    if proc.returncode or " ERROR " in output:
        raise RuntimeError(f"odoo shell on {db} failed ({proc.returncode}):\n{output[-3000:]}")
    return proc.stdout


def psql(sql, dbname="postgres"):
    out = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-d", dbname, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{_ident(name)}'") == "1"


def _ident(name):
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    return name


def filestore(name):
    return DATA_DIR / "filestore" / name


def drop(name):
    psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{_ident(name)}' AND pid <> pg_backend_pid()"
    )
    subprocess.run(["dropdb", "--if-exists", _ident(name)], check=True)
    shutil.rmtree(filestore(name), ignore_errors=True)


def copy(template, name):
    """Copy database and filestore of ``template`` into a new database ``name``."""
    if exists(name):
        drop(name)
    if filestore(template).exists():
        os.utime(filestore(template))  # in use: see _prune
    subprocess.run(["createdb", "-T", _ident(template), _ident(name)], check=True)
    src, dst = filestore(template), filestore(name)
    if src.exists():
        shutil.copytree(src, dst)
    # A copy is a new database: give it its own uuid like Odoo's own duplicate does.
    psql(
        "UPDATE ir_config_parameter SET value = gen_random_uuid()::text "
        "WHERE key = 'database.uuid'",
        dbname=name,
    )


def _hash_files(paths, extra=""):
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def deps_key():
    src = Path(os.environ["ODOO_SRC"])
    return _hash_files(
        [src / "odoo" / "release.py", src / "requirements.txt"],
        extra=os.environ["ODOO_ADDONS_PATH"].rsplit(",", 1)[0] + ",".join(DEPS_MODULES),
    )


def addons_key():
    files = [
        p
        for p in ADDONS.rglob("*")
        if p.is_file()
        and "tests" not in p.relative_to(ADDONS).parts
        and "__pycache__" not in p.parts
        and p.suffix not in (".pyc", ".md")
    ]
    return _hash_files(files, extra=deps_key())


def _build(name, base, modules):
    """Create template ``name`` from ``base`` (or from scratch) and install ``modules``."""
    tmp = name + "_building"
    if exists(tmp):
        drop(tmp)
    started = time.monotonic()
    if base:
        copy(base, tmp)
    log(f"building {name}: installing {', '.join(modules)} (logs in .state/{name}.log)")
    odoo(
        "-d",
        tmp,
        "-i",
        ",".join(modules),
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        log_file=STATE / f"{name}.log",
    )
    # Rename only once complete: an interrupted build never leaves a half template behind.
    psql(f'ALTER DATABASE "{tmp}" RENAME TO "{name}"')
    if filestore(tmp).exists():
        shutil.rmtree(filestore(name), ignore_errors=True)
        filestore(tmp).rename(filestore(name))
    log(f"built {name} in {time.monotonic() - started:.0f} s")


# Templates another checkout on this machine built or used within this time are kept: two
# checkouts (git worktrees) testing different addons at once must not drop each other's.
KEEP_RECENT_S = 3 * 3600


def _prune(prefix, keep):
    names = psql(f"SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'").split()
    now = time.time()
    for old in names:
        if old == keep or old.endswith("_building"):
            continue
        store = filestore(old)
        if store.exists() and now - store.stat().st_mtime < KEEP_RECENT_S:
            continue
        drop(old)


def _usable(name):
    """A template is usable when its database and its filestore are both there."""
    if exists(name) and not filestore(name).exists():
        log(f"{name} has lost its filestore: rebuilding it")
        drop(name)
    return exists(name)


def deps_template():
    name = f"{PREFIX}_deps_{deps_key()}"
    if not _usable(name):
        _build(name, None, DEPS_MODULES)
        _prune(f"{PREFIX}_deps_", name)
    return name


def addons_template():
    deps = deps_template()
    name = f"{PREFIX}_addons_{addons_key()}"
    if not _usable(name):
        _build(name, deps, OUR_MODULES)
        _prune(f"{PREFIX}_addons_", name)
    return name


def main(argv):
    odoo_config()  # the demo and the tests read it, templates cached or not
    if argv[:1] == ["templates"]:
        print(deps_template(), addons_template())
    elif argv[:1] == ["copy"] and len(argv) == 2:
        copy(addons_template(), argv[1])
        print(argv[1])
    elif argv[:1] == ["drop"] and len(argv) == 2:
        drop(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
