# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: each network gets its watcher cursor, holding the values ``pre-migrate`` set
aside; the network's old columns are dropped (its fields now read the cursor)."""

from odoo.tools import SQL

# Defaults of the cursor's fields that have one (as its model declares them).
DEFAULTS = {"scan_chunk_size": 2000, "health": "unknown"}


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in cr.fetchall()}


def migrate(cr, version):
    if not version:
        return
    legacy = _columns(cr, "stablecoin_network_cursor_legacy")
    moved = sorted(legacy - {"network_id"})
    if moved:
        values = [
            SQL("COALESCE(l.%s, %s)", SQL.identifier(name), DEFAULTS[name])
            if name in DEFAULTS
            else SQL("l.%s", SQL.identifier(name))
            for name in moved
        ]
        cr.execute(
            SQL(
                """
                INSERT INTO stablecoin_network_cursor
                       (network_id, %s, create_uid, create_date, write_uid, write_date)
                SELECT l.network_id, %s, 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
                  FROM stablecoin_network_cursor_legacy l
                  JOIN stablecoin_network n ON n.id = l.network_id
                    ON CONFLICT (network_id) DO NOTHING
                """,
                SQL(", ").join(SQL.identifier(name) for name in moved),
                SQL(", ").join(values),
            )
        )
    # Any network still without a cursor (none expected) gets one with the defaults.
    cr.execute(
        """
        INSERT INTO stablecoin_network_cursor
               (network_id, scan_chunk_size, health,
                create_uid, create_date, write_uid, write_date)
        SELECT n.id, %s, %s, 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM stablecoin_network n
         WHERE NOT EXISTS (SELECT 1 FROM stablecoin_network_cursor c WHERE c.network_id = n.id)
        """,
        [DEFAULTS["scan_chunk_size"], DEFAULTS["health"]],
    )
    cr.execute("DROP TABLE IF EXISTS stablecoin_network_cursor_legacy")
    for name in moved:
        cr.execute(
            SQL("ALTER TABLE stablecoin_network DROP COLUMN IF EXISTS %s", SQL.identifier(name))
        )
