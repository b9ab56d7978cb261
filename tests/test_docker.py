"""docker-compose.yml, for users with a Docker engine (2026-11-25 review, L9): nothing it
publishes is reachable from other machines, and the containerised Odoo never runs without a
master password (its database manager would let anyone create, copy or drop databases).

No Docker engine here: the compose file is read as text (no YAML library in the venv), and the
image's entrypoint script, which writes the master password into Odoo's configuration, is run
against a copy of that configuration."""

import configparser
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
IMAGE = ROOT / "docker" / "odoo"


def services():
    """{service: its lines} of the compose file's ``services:`` block."""
    found, current, inside = {}, None, False
    for line in COMPOSE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            inside = line.startswith("services:")
            current = None
        elif inside and indent == 2:
            current = line.strip().rstrip(":")
            found[current] = []
        elif inside and current:
            found[current].append(line)
    return found


def published_ports(lines):
    """The entries of a service's ``ports:`` list (short syntax), unquoted."""
    ports, indent = [], None
    for line in lines:
        depth = len(line) - len(line.lstrip())
        if line.strip() == "ports:":
            indent = depth
        elif indent is not None and depth > indent and line.strip().startswith("-"):
            ports.append(line.strip()[1:].strip().strip("\"'"))
        elif indent is not None and depth <= indent:
            indent = None
    return ports


def test_every_published_port_is_bound_to_the_loopback():
    found = services()
    assert {"db", "chain", "odoo"} <= set(found)
    published = {name: published_ports(lines) for name, lines in found.items()}
    assert published["chain"] and published["odoo"], published
    for name, ports in published.items():
        for port in ports:
            assert re.fullmatch(r"127\.0\.0\.1:\d+:\d+", port), f"{name} publishes {port}"
        text = "\n".join(found[name])
        assert "network_mode" not in text, f"{name} shares the host's network"
        assert "target:" not in text, f"{name}: long port syntax, check its host_ip"
    assert not published["db"], "the database is not published"


def test_the_containerised_odoo_requires_a_master_password():
    odoo = "\n".join(services()["odoo"])
    # Compose refuses to start without it (":?"): no default password, not even a known one.
    assert re.search(r"ODOO_ADMIN_PASSWD: \$\{ODOO_ADMIN_PASSWD:\?[^}]+\}", odoo), odoo
    dockerfile = (IMAGE / "Dockerfile").read_text()
    # The image's configuration ($ODOO_RC of the official image) is ours, and our entrypoint
    # writes the password into it before the image's own entrypoint starts Odoo.
    assert "odoo.conf /etc/odoo/odoo.conf" in dockerfile
    assert re.search(
        r'ENTRYPOINT \["/usr/local/bin/stablecoin-entrypoint.sh", "/entrypoint.sh"\]', dockerfile
    )
    assert "entrypoint.sh /usr/local/bin/stablecoin-entrypoint.sh" in dockerfile


def start(tmp_path, password, marker="started"):
    """Run the image's entrypoint on a copy of its configuration, as the container starts:
    return (exit code, stderr, the configuration as Odoo reads it, whether it went on)."""
    conf = tmp_path / "odoo.conf"
    if not conf.exists():
        conf.write_text((IMAGE / "odoo.conf").read_text())
    env = {"PATH": os.environ["PATH"], "ODOO_RC": str(conf)}
    if password is not None:
        env["ODOO_ADMIN_PASSWD"] = password
    went_on = tmp_path / marker
    proc = subprocess.run(
        ["bash", str(IMAGE / "entrypoint.sh"), "touch", str(went_on)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    parser = configparser.RawConfigParser()  # as Odoo reads its configuration
    parser.read(conf)
    return proc.returncode, proc.stderr, parser, went_on.exists()


@pytest.mark.parametrize("password", [None, ""])
def test_without_a_master_password_odoo_does_not_start(tmp_path, password):
    code, stderr, parser, went_on = start(tmp_path, password)
    assert code != 0 and not went_on
    assert "ODOO_ADMIN_PASSWD" in stderr
    assert not parser.has_option("options", "admin_passwd")


def test_the_master_password_is_in_the_configuration_odoo_reads(tmp_path):
    password = r"s3cret \n $HOME ; # % [options] & \1"
    code, stderr, parser, went_on = start(tmp_path, password)
    assert code == 0 and went_on, stderr
    assert parser.get("options", "admin_passwd") == password
    assert parser.get("options", "data_dir") == "/var/lib/odoo"
    assert oct((tmp_path / "odoo.conf").stat().st_mode & 0o777) == "0o600"
    # Restarted with another password: it replaces the first (one admin_passwd line).
    code, stderr, parser, went_on = start(tmp_path, "second-one", marker="again")
    assert code == 0 and went_on, stderr
    assert parser.get("options", "admin_passwd") == "second-one"
    assert (tmp_path / "odoo.conf").read_text().count("admin_passwd =") == 1
