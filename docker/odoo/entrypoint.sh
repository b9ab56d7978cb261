#!/bin/bash
# Before the official image's entrypoint: the database manager's master password
# (admin_passwd) goes into the configuration Odoo reads ($ODOO_RC), from ODOO_ADMIN_PASSWD.
# Without it the container does not start: an Odoo with no master password lets anyone who
# reaches it create, copy, back up or drop databases.
set -euo pipefail
if [ -z "${ODOO_ADMIN_PASSWD:-}" ]; then
    echo "ODOO_ADMIN_PASSWD is not set: give the database manager a master password" \
         "(e.g. ODOO_ADMIN_PASSWD=\$(openssl rand -hex 16) in .env)." >&2
    exit 1
fi
conf="${ODOO_RC:-/etc/odoo/odoo.conf}"
updated="$(mktemp)"
# Any admin_passwd line replaced by the one of this start, right under [options]; the
# password read from the environment as is (no escapes interpreted).
awk '
    /^[[:space:]]*admin_passwd[[:space:]]*=/ { next }
    { print }
    /^\[options\][[:space:]]*$/ { print "admin_passwd = " ENVIRON["ODOO_ADMIN_PASSWD"] }
' "$conf" > "$updated"
grep -q '^admin_passwd = ' "$updated" || { echo "No [options] section in $conf" >&2; exit 1; }
cat "$updated" > "$conf"
rm -f "$updated"
chmod 600 "$conf"
exec "$@"
