# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import fields, models
from odoo.exceptions import UserError


class StablecoinSanctionsImport(models.TransientModel):
    """Import a downloaded SDN file (offline sites): sdn_advanced.xml, or sdn.csv with its
    sdn_comments.csv."""

    _name = "stablecoin.sanctions.import"
    _description = "Import Sanctions List"

    file = fields.Binary(string="SDN File", help="sdn_advanced.xml or sdn.csv from OFAC.")
    file_name = fields.Char()
    comments_file = fields.Binary(
        string="SDN Comments (CSV)", help="sdn_comments.csv: remarks continued from sdn.csv."
    )
    comments_file_name = fields.Char()

    def action_import(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("SDN File: choose the file downloaded from OFAC."))
        record = self.env["stablecoin.sanctions.list"]._import_file(
            base64.b64decode(self.file),
            base64.b64decode(self.comments_file) if self.comments_file else None,
            source="upload",
            file_name=self.file_name,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stablecoin.sanctions.list",
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
