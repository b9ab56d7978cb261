# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..compat import sql_constraints

# The fields the watcher writes at every scan, on the cursor; the network shows them.
CURSOR_FIELDS = (
    "final_block",
    "last_scanned_block",
    "last_scanned_hash",
    "last_scanned_out_block",
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


@sql_constraints
class StablecoinNetworkCursor(models.Model):
    """Where the watcher is on one network, and how its node answers: checkpoint, head,
    health and back-off, written at every scan. Kept off the network's configuration row,
    which transfers and requests reference (a row written every minute makes their
    transactions wait for, or fail on, the watcher's)."""

    _name = "stablecoin.network.cursor"
    _description = "Blockchain Network Watcher Cursor"
    _rec_name = "network_id"

    network_id = fields.Many2one(
        "stablecoin.network", required=True, readonly=True, ondelete="cascade", index=True
    )
    final_block = fields.Integer(help="The node's safe or finalized block at the last scan.")
    last_scanned_block = fields.Integer()
    last_scanned_hash = fields.Char()
    last_scanned_out_block = fields.Integer(
        help="Checkpoint of the transfers out of our addresses (refunds, sweeps): read with "
        "the incoming ones at the scheduled scans, but only every minute or so of blocks "
        "while the watcher follows the head (0: where the incoming checkpoint is)."
    )
    scan_chunk_size = fields.Integer(
        default=2000,
        help="Blocks per eth_getLogs request. Shrinks by itself when the node refuses a range "
        "or a result size, and grows back after successes.",
    )
    head_block = fields.Integer()
    last_verified_block = fields.Integer(
        help="Head at the last re-check of accepted transfers (deep reorganisations)."
    )
    health = fields.Selection(
        [("unknown", "Not checked"), ("ok", "Healthy"), ("error", "Failing")],
        default="unknown",
    )
    last_success = fields.Datetime()
    last_error = fields.Text()
    endpoint_status = fields.Text(string="Endpoints", help="Each RPC endpoint at the last scan.")
    error_count = fields.Integer()
    next_retry = fields.Datetime()

    _sql_constraints = [  # noqa: RUF012 (Odoo declares constraints this way)
        ("network_unique", "UNIQUE(network_id)", "A network has one watcher cursor."),
    ]

    @api.constrains("scan_chunk_size")
    def _check_scan_chunk_size(self):
        self.network_id._check_watcher_settings()
