# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class StablecoinRecurringPortal(CustomerPortal):
    """The customer's standing arrangements (recurring invoices) on the portal."""

    def _stablecoin_recurring_domain(self):
        return [("commercial_partner_id", "=", request.env.user.commercial_partner_id.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "stablecoin_recurring_count" in counters:
            Recurring = request.env["stablecoin.recurring.invoice"]
            values["stablecoin_recurring_count"] = (
                Recurring.search_count(self._stablecoin_recurring_domain(), limit=1)
                if Recurring.has_access("read")
                else 0
            )
        return values

    @http.route("/my/recurring", type="http", auth="user", website=True)
    def portal_my_stablecoin_recurring(self, **kw):
        Recurring = request.env["stablecoin.recurring.invoice"]
        if not Recurring.has_access("read"):
            return request.redirect("/my")
        # The user's own rights (the portal rule): only their commercial partner's arrangements.
        templates = Recurring.search(self._stablecoin_recurring_domain(), order="state, next_date")
        values = self._prepare_portal_layout_values()
        values.update({"templates": templates, "page_name": "stablecoin_recurring"})
        return request.render("stablecoin_recurring.portal_my_stablecoin_recurring", values)
