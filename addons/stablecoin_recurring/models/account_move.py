# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class AccountMove(models.Model):
    # The recurring side of invoices: the template that made it and the period it is for.
    _inherit = "account.move"

    stablecoin_recurring_id = fields.Many2one(
        "stablecoin.recurring.invoice",
        string="Recurring Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The recurring template this invoice was made by.",
    )
    stablecoin_recurring_date = fields.Date(
        string="Recurring Period",
        readonly=True,
        copy=False,
        help="The date of the period of its recurring template this invoice is for.",
    )
    stablecoin_recurring_count = fields.Integer(
        compute="_compute_stablecoin_recurring_count", string="Recurring Templates"
    )

    def init(self):
        res = super().init()
        # One invoice per period of a recurring template: the last guard against a second run.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS account_move_stablecoin_recurring_period "
                "ON account_move (stablecoin_recurring_id, stablecoin_recurring_date) "
                "WHERE stablecoin_recurring_id IS NOT NULL"
            )
        )
        return res

    def _compute_stablecoin_recurring_count(self):
        # A count only: shown to whoever sees the invoice, read with the module's rights.
        groups = (
            self.env["stablecoin.recurring.invoice"]
            .sudo()
            ._read_group([("template_move_id", "in", self.ids)], ["template_move_id"], ["__count"])
        )
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.stablecoin_recurring_count = counts.get(move.id, 0)

    def action_stablecoin_make_recurring(self):
        """Open a new recurring template prefilled from this customer invoice."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            raise UserError(self.env._("Only a customer invoice can be made recurring."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Make Recurring"),
            "res_model": "stablecoin.recurring.invoice",
            "view_mode": "form",
            "target": "current",
            "context": {"default_template_move_id": self.id},
        }

    def action_stablecoin_view_recurring(self):
        """The template this invoice was made by, or those made from it."""
        self.ensure_one()
        templates = self.stablecoin_recurring_id or self.env["stablecoin.recurring.invoice"].search(
            [("template_move_id", "=", self.id)]
        )
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Recurring Invoice"),
            "res_model": "stablecoin.recurring.invoice",
        }
        if len(templates) == 1:
            action.update(view_mode="form", res_id=templates.id)
        else:
            action.update(view_mode="list,form", domain=[("id", "in", templates.ids)])
        return action
