# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StablecoinBankInstructions(models.AbstractModel):
    """The bank details a payer wires to, as the on-ramp gives them (Bridge's
    ``source_deposit_instructions``): on the business's bank account at the on-ramp and on
    each one-time wire. Every name here is one ``onramp.bridge.deposit_instructions`` gives."""

    _name = "stablecoin.bank.instructions"
    _description = "Stablecoin On-ramp Bank Instructions"

    currency = fields.Char(readonly=True)
    payment_rail = fields.Char(string="Rails", readonly=True)
    bank_name = fields.Char(readonly=True)
    bank_account_number = fields.Char(readonly=True)
    bank_routing_number = fields.Char(readonly=True)
    iban = fields.Char(string="IBAN", readonly=True)
    bic = fields.Char(string="BIC", readonly=True)
    bank_beneficiary_name = fields.Char(string="Beneficiary", readonly=True)
    bank_beneficiary_address = fields.Char(string="Beneficiary Address", readonly=True)
