# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models

from .. import compat


class ResGroups(models.Model):
    _inherit = "res.groups"

    # The data files' side of the 18.0 / 19.0 seam (``compat``): what a ``<record>`` cannot
    # write the same way on both series, the addons' XML does with ``<function>`` calls here.

    @api.model
    def _stablecoin_place(self, group_xmlid, category_xmlid, privilege_xmlid):
        """Show ``group_xmlid`` in the user form under ``category_xmlid`` (18.0: its
        category; 19.0: privilege ``privilege_xmlid`` of that category)."""
        compat.place_group(self.env, group_xmlid, category_xmlid, privilege_xmlid)

    @api.model
    def _stablecoin_restrict(self, record_xmlid, group_xmlid):
        """Restrict ``record_xmlid`` (an action, a view) to ``group_xmlid``, through its
        ``groups_id`` (18.0) or ``group_ids`` (19.0)."""
        record = self.env.ref(record_xmlid)
        record[compat.GROUP_IDS] = [Command.link(self.env.ref(group_xmlid).id)]
