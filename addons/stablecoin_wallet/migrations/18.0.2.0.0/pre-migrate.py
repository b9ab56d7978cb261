# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.2.0.0: the watcher's checkpoint, head and health leave the network's row for a row of
their own (``stablecoin.network.cursor``). Before the update, their values are set aside in
``stablecoin_network_cursor_legacy``; ``post-migrate`` moves them to the cursors."""

from odoo.tools import SQL

# The columns that move (those an older release has: 18.0.1.0.0 lacks a few).
MOVED = (
    "final_block",
    "last_scanned_block",
    "last_scanned_hash",
    "scan_chunk_size",
    "head_block",
    "last_verified_block",
    "health",
    "last_success",
    "last_error",
    "endpoint_status",
    "error_count",
    "next_retry",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'stablecoin_network' AND column_name = ANY(%s)",
        [list(MOVED)],
    )
    columns = {row[0] for row in cr.fetchall()}
    present = [name for name in MOVED if name in columns]
    if not present:
        return
    cr.execute("DROP TABLE IF EXISTS stablecoin_network_cursor_legacy")
    cr.execute(
        SQL(
            "CREATE TABLE stablecoin_network_cursor_legacy AS "
            "SELECT id AS network_id, %s FROM stablecoin_network",
            SQL(", ").join(SQL.identifier(name) for name in present),
        )
    )
