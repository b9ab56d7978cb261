# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..download import DownloadRefused, check_url
from .stablecoin_sanctions_list import LOOPBACK_HTTP_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    stablecoin_sanctions_list_url = fields.Char(
        string="Sanctions List URL",
        config_parameter="stablecoin_wallet.sanctions_list_url",
        help="Where the scheduled refresh downloads OFAC's SDN list (sdn_advanced.xml). Empty: "
        "no download; import a downloaded file instead.",
    )
    stablecoin_screening_provider = fields.Selection(
        [("none", "None (SDN list only)"), ("chainalysis", "Chainalysis sanctions API")],
        string="Screening Provider",
        config_parameter="stablecoin_wallet.screening_provider",
        default="none",
    )
    stablecoin_chainalysis_api_key = fields.Char(
        string="Chainalysis API Key",
        config_parameter="stablecoin_wallet.chainalysis_api_key",
        groups="base.group_system",
    )
    stablecoin_kyc_threshold = fields.Monetary(
        related="company_id.stablecoin_kyc_threshold", readonly=False
    )
    stablecoin_kyc_period_days = fields.Integer(
        related="company_id.stablecoin_kyc_period_days", readonly=False
    )

    def set_values(self):
        url = self.stablecoin_sanctions_list_url
        if url:
            params = self.env["ir.config_parameter"].sudo()
            try:
                check_url(url, loopback_http=bool(params.get_param(LOOPBACK_HTTP_PARAM)))
            except DownloadRefused as exc:
                raise UserError(self.env._("Sanctions List URL: %s", exc)) from exc
        return super().set_values()
