# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.stablecoin_wallet import compat

from .. import settlement


class StablecoinMatchWizard(models.TransientModel):
    """An accountant decides what an unmatched receipt pays."""

    _name = "stablecoin.match.wizard"
    _description = "Match a Stablecoin Receipt"

    transfer_id = fields.Many2one("stablecoin.transfer", required=True, readonly=True)
    amount = fields.Monetary(related="transfer_id.amount")
    amount_text = fields.Char(related="transfer_id.amount_text", string="Received")
    sender = fields.Char(related="transfer_id.display_sender", string="From")
    unmatched_reason = fields.Char(related="transfer_id.unmatched_reason")
    suggested_move_id = fields.Many2one(
        related="transfer_id.suggested_move_id",
        help="A claim without proof named this invoice: check with its customer before "
        "choosing it (anyone can read a transaction hash).",
    )
    suggested_invoice_ids = fields.Many2many(
        "account.move",
        "stablecoin_match_wizard_suggested_rel",
        compute="_compute_suggested_invoice_ids",
        string="Likely invoices",
        help="Open invoices of customers who paid from this address before, and open invoices "
        "whose amount due is within 5% of the receipt, closest first.",
    )
    suggestion_ids = fields.One2many(
        "stablecoin.match.wizard.line",
        "wizard_id",
        string="Suggestions",
        help="The likely invoices, each with a button that picks it.",
    )
    currency_id = fields.Many2one(related="transfer_id.currency_id")
    company_id = fields.Many2one(related="transfer_id.company_id")
    mode = fields.Selection(
        [
            ("invoices", "Pay open invoices"),
            ("credit", "Customer credit"),
            ("income", "Other income"),
        ],
        required=True,
        default="invoices",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial')), ('company_id', '=', company_id)]",
    )
    payment_difference = fields.Monetary(
        compute="_compute_payment_difference",
        string="Difference",
        help="What the chosen invoices still ask beyond this receipt (invoices in the "
        "receipt's currency).",
    )
    payment_difference_handling = fields.Selection(
        [("open", "Keep open"), ("reconcile", "Mark as fully paid")],
        string="Difference Handling",
        compute="_compute_payment_difference_handling",
        store=True,
        readonly=False,
        help="Keep open: the invoice stays partly paid and its customer is told what is still "
        "due. Mark as fully paid: the difference is written off to the account below.",
    )
    writeoff_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        compute="_compute_payment_difference_handling",
        store=True,
        readonly=False,
        check_company=True,
        domain=compat.ACCOUNT_IN_USE_DOMAIN,
    )
    writeoff_label = fields.Char(
        string="Write-off Label",
        default=lambda self: self.env._("Tolerated underpayment"),
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    account_id = fields.Many2one(
        "account.account",
        string="Income Account",
        domain="[('account_type', 'in', ('income', 'income_other'))]",
    )
    note = fields.Char(help="Why: kept in the receipt's history.")

    @api.depends("transfer_id")
    def _compute_suggested_invoice_ids(self):
        for wizard in self:
            wizard.suggested_invoice_ids = wizard.transfer_id.sudo()._likely_invoices()

    @api.depends("invoice_ids", "transfer_id")
    def _compute_payment_difference(self):
        for wizard in self:
            invoices = wizard.invoice_ids
            same_currency = invoices and invoices.currency_id == wizard.currency_id
            difference = (
                sum(invoices.mapped("amount_residual")) - wizard.amount if same_currency else 0.0
            )
            wizard.payment_difference = max(wizard.currency_id.round(difference), 0.0)

    @api.depends("payment_difference")
    def _compute_payment_difference_handling(self):
        """Mark as fully paid by default what the company's underpayment tolerance would have
        written off had the matcher found the invoice, to its write-off account."""
        for wizard in self:
            company = wizard.company_id
            account = company.stablecoin_writeoff_account_id
            wizard.writeoff_account_id = wizard.writeoff_account_id or account
            if not wizard.payment_difference:
                wizard.payment_difference_handling = "open"
                continue
            due = sum(wizard.invoice_ids.mapped("amount_residual"))
            in_company = wizard.currency_id._convert(
                wizard.payment_difference,
                company.currency_id,
                company,
                wizard.transfer_id._booking_date(),
            )
            tolerated = bool(account) and settlement.is_tolerated(
                *(
                    Decimal(repr(value))
                    for value in (
                        wizard.payment_difference,
                        due,
                        company.stablecoin_tolerance_percent,
                        company.stablecoin_tolerance_amount,
                    )
                ),
                shortfall_in_amount_currency=Decimal(repr(in_company)),
            )
            wizard.payment_difference_handling = "reconcile" if tolerated else "open"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        transfer = self.env["stablecoin.transfer"].browse(
            values.get("transfer_id") or self.env.context.get("active_id")
        )
        values["transfer_id"] = transfer.id
        if transfer.exists() and transfer.has_access("read"):
            values.update(self._suggested_values(transfer, values))
        return values

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # Saved as the Match button opens it: each likely invoice a line with its own button.
        self.env["stablecoin.match.wizard.line"].create(
            [
                {"wizard_id": wizard.id, "move_id": move.id}
                for wizard in wizards.filtered(lambda w: not w.suggestion_ids)
                for move in wizard.suggested_invoice_ids
            ]
        )
        return wizards

    @api.model
    def _suggested_values(self, transfer, values):
        """What the accountant most likely picks: the invoice a payer claimed this receipt for
        (when still open), else the only likely invoice; and the customer who paid from this
        sender before, as the one to credit."""
        suggested = {}
        transfer_sudo = transfer.sudo()
        likely = transfer_sudo._likely_invoices()
        claimed = transfer_sudo.suggested_move_id.filtered(
            lambda move: (
                move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and move.company_id == transfer_sudo.company_id
            )
        )
        pick = claimed or (likely if len(likely) == 1 else likely.browse())
        if pick and not values.get("invoice_ids"):
            suggested["invoice_ids"] = [Command.set(pick.ids)]
        known = transfer_sudo._known_sender_customers()
        if len(known) == 1 and not values.get("partner_id"):
            suggested["partner_id"] = known.id
        return suggested

    def action_confirm(self):
        """The accountant's decision. The receipt's chain fields are written by this code only
        (users have no write access to transfers): checked here as the user, done as the
        system."""
        self.ensure_one()
        transfer = self.transfer_id
        transfer.check_access("read")  # another company's receipt: refused by its rule
        if (
            transfer.state not in ("unmatched", "attention", "confirmed")
            or transfer.direction != "in"
        ):
            raise UserError(self.env._("Only a confirmed, unmatched receipt can be matched."))
        if self.mode == "invoices":
            # The user's rights first: screening writes on the receipt as the system.
            self.invoice_ids.check_access("write")
            if self.invoice_ids.company_id != transfer.company_id:
                raise UserError(self.env._("Choose invoices of the receipt's company."))
        elif self.mode == "credit" and self.partner_id:
            self.partner_id.check_access("read")
        transfer_sudo = transfer.sudo()
        invoice = (
            self.invoice_ids[:1].sudo() if self.mode == "invoices" else self.invoice_ids.browse()
        )
        if not transfer_sudo._before_booking(
            [(transfer_sudo, invoice, self.env["stablecoin.payment.request"])],
            # Credited to a customer: checked for that customer (e.g. their KYC) too.
            partner=self.partner_id.sudo() if self.mode == "credit" else None,
        ):
            # Checked as the matcher would (e.g. a listed sender waits for a compliance
            # officer), whoever books it.
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": self.env._(
                        "This receipt is on hold for a compliance review: a compliance officer "
                        "releases it before it is booked."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        if self.mode == "invoices":
            if not self.invoice_ids:
                raise UserError(self.env._("Choose the invoices this receipt pays."))
            self.invoice_ids.check_access("write")
            if self.invoice_ids.company_id != transfer.company_id:
                raise UserError(self.env._("Choose invoices of the receipt's company."))
            if len(self.invoice_ids.commercial_partner_id) > 1:
                raise UserError(
                    self.env._("One receipt pays invoices of one customer: split the choice.")
                )
            transfer_sudo._pay_invoices_manually(
                self.invoice_ids.sudo(), write_offs=self._write_off_vals()
            )
            decision = self.env._("paid %s", ", ".join(self.invoice_ids.mapped("display_name")))
        elif self.mode == "credit":
            if not self.partner_id:
                raise UserError(self.env._("Choose the customer to credit."))
            transfer_sudo._record_as_credit(self.partner_id)
            decision = self.env._("recorded as credit of %s", self.partner_id.display_name)
        else:
            if not self.account_id:
                raise UserError(self.env._("Choose the income account."))
            if transfer.company_id not in self.account_id.company_ids:
                raise UserError(self.env._("Income Account: choose one of the receipt's company."))
            transfer_sudo._record_as_income(self.account_id)
            decision = self.env._("recorded as other income (%s)", self.account_id.display_name)
        transfer_sudo.message_post(
            author_id=self.env.user.partner_id.id,
            body=self.env._(
                "Matched by hand by %(user)s: %(decision)s.%(note)s",
                user=self.env.user.name,
                decision=decision,
                note=(" " + self.note) if self.note else "",
            ),
        )
        return {"type": "ir.actions.act_window_close"}

    def _reopen(self):
        """This wizard again, as its *Match* button opened it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Match Receipt"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_transfer_id": self.transfer_id.id,
                "active_id": self.transfer_id.id,
            },
        }

    def _write_off_vals(self):
        """The payment's write-off line when the accountant marks the invoices fully paid, as
        Odoo's *Register Payment* books it."""
        self.ensure_one()
        if self.payment_difference_handling != "reconcile" or not self.payment_difference:
            return []
        if not self.writeoff_account_id:
            raise UserError(self.env._("Write-off Account: choose where the difference is booked."))
        if self.company_id not in self.writeoff_account_id.company_ids:
            raise UserError(self.env._("Write-off Account: choose one of the receipt's company."))
        company = self.company_id
        return [
            {
                "name": self.writeoff_label or self.env._("Write-Off"),
                "account_id": self.writeoff_account_id.id,
                "partner_id": self.invoice_ids.commercial_partner_id.id,
                "currency_id": self.currency_id.id,
                "amount_currency": self.payment_difference,
                "balance": self.currency_id._convert(
                    self.payment_difference,
                    company.currency_id,
                    company,
                    self.transfer_id._booking_date(),
                ),
            }
        ]


class StablecoinMatchWizardLine(models.TransientModel):
    """A likely invoice of the receipt, picked with one click."""

    _name = "stablecoin.match.wizard.line"
    _description = "Suggested Invoice of a Stablecoin Receipt"

    wizard_id = fields.Many2one("stablecoin.match.wizard", required=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    partner_id = fields.Many2one(related="move_id.partner_id")
    invoice_date_due = fields.Date(related="move_id.invoice_date_due")
    amount_residual = fields.Monetary(related="move_id.amount_residual", string="Amount Due")
    currency_id = fields.Many2one(related="move_id.currency_id")
    picked = fields.Boolean(compute="_compute_picked")

    @api.depends("wizard_id.invoice_ids")
    def _compute_picked(self):
        for line in self:
            line.picked = line.move_id in line.wizard_id.invoice_ids

    def action_pick(self):
        """The accountant's *Pick*: this invoice is among those the receipt pays."""
        self.ensure_one()
        wizard = self.wizard_id
        wizard.write({"mode": "invoices", "invoice_ids": [Command.link(self.move_id.id)]})
        return wizard._reopen()
