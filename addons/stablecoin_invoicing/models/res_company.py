# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    stablecoin_token_ids = fields.Many2many(
        "stablecoin.token",
        "res_company_stablecoin_token_rel",
        string="Accepted Stablecoins",
        help="Tokens and networks customers may pay invoices with (each invoice can narrow "
        "them). Empty: every token one of the company's wallets receives.",
    )
    stablecoin_quote_minutes = fields.Integer(
        string="Quote Validity (minutes)",
        default=15,
        help="How long the token amount quoted for an invoice in another currency is held.",
    )
    stablecoin_quote_grace_minutes = fields.Integer(
        string="Late Payment Grace (minutes)",
        default=60,
        help="A payment of an expired quote's amount mined within this time after the expiry "
        "settles at the quoted rate; later, at the rate of its day, any difference left open.",
    )
    stablecoin_rate_max_days = fields.Integer(
        string="Maximum Rate Age (days)",
        default=4,
        help="An invoice in another currency than its token is quoted only from exchange rates "
        "at most this many days old (four covers a long weekend of a daily import); with an "
        "older rate no amount is quoted and the invoice's salesperson is asked to update it.",
    )
    stablecoin_watch_days = fields.Integer(
        string="Watch Paid Invoices' Addresses (days)",
        default=90,
        help="An invoice's own address (extended public key or deposit addresses) is watched "
        "while the invoice is open, and this many days after it was paid or cancelled, so that "
        "a late or second payment is seen. Afterwards it is no longer scanned: a payment there "
        "is still found by the customer's claim of its transaction (which watches the address "
        "again), and deposit addresses can only ever pay the wallet's address.",
    )
    stablecoin_tolerance_percent = fields.Float(
        string="Underpayment Tolerance (%)",
        help="An underpayment up to this share of the amount due is written off and the invoice "
        "is paid.",
    )
    stablecoin_tolerance_amount = fields.Monetary(
        string="Underpayment Tolerance (amount)",
        currency_field="currency_id",
        help="An underpayment up to this amount (company currency) is written off.",
    )
    stablecoin_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Underpayment Write-off Account",
        help="Where tolerated underpayments are booked.",
    )
    stablecoin_notify_customer = fields.Boolean(
        string="Payment Notices",
        default=True,
        help="Email the customer when their payment is seen, partly paid, paid or overpaid "
        "(with the transaction and its explorer link), and notify the invoice's salesperson.",
    )
    stablecoin_reminder_step_ids = fields.One2many(
        "stablecoin.reminder.step", "company_id", string="Payment Reminder Steps"
    )

    @api.constrains(
        "stablecoin_quote_minutes",
        "stablecoin_quote_grace_minutes",
        "stablecoin_tolerance_percent",
        "stablecoin_tolerance_amount",
        "stablecoin_watch_days",
        "stablecoin_rate_max_days",
    )
    def _check_stablecoin_settings(self):
        for company in self:
            if company.stablecoin_quote_minutes < 1:
                raise ValidationError(self.env._("The quote validity must be at least 1 minute."))
            if company.stablecoin_quote_grace_minutes < 0:
                raise ValidationError(self.env._("The late payment grace cannot be negative."))
            if not 0 <= company.stablecoin_tolerance_percent <= 100:
                raise ValidationError(
                    self.env._("The underpayment tolerance must be between 0 and 100%.")
                )
            if company.stablecoin_watch_days < 1:
                raise ValidationError(
                    self.env._(
                        "Watch Paid Invoices' Addresses: at least 1 day (a payment made as the "
                        "invoice was paid must still be seen)."
                    )
                )
            if company.stablecoin_tolerance_amount < 0:
                raise ValidationError(self.env._("The underpayment tolerance cannot be negative."))
            if company.stablecoin_rate_max_days < 1:
                raise ValidationError(
                    self.env._("Maximum Rate Age: at least 1 day (rates are dated by day).")
                )

    def _stablecoin_accepted_tokens(self):
        """The tokens this company accepts: configured, else all its wallets receive."""
        self.ensure_one()
        if self.stablecoin_token_ids:
            return self.stablecoin_token_ids.filtered("active")
        wallets = self.env["stablecoin.wallet"].search([("company_id", "=", self.id)])
        return wallets.token_ids.filtered("active")
