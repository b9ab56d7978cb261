# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..sanctions import SanctionsFormatError, parse

_logger = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 120
# The list's URL for the scheduled refresh (empty: no refresh; offline sites import a file).
URL_PARAM = "stablecoin_wallet.sanctions_list_url"
IMPORTERS = ("stablecoin_compliance.group_stablecoin_compliance", "base.group_system")


class StablecoinSanctionsList(models.Model):
    """One import of OFAC's SDN list: where it came from, its date and the hash of the file.

    The screening table (:class:`stablecoin.sanctions.address`) always holds what the newest
    import lists: an import adds the addresses newly listed and delists those no longer there
    (kept, inactive, with the import that delisted them). The same file imported again (same
    hash as the newest import) changes nothing."""

    _name = "stablecoin.sanctions.list"
    _description = "Sanctions List Import"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    source = fields.Selection(
        [("download", "Scheduled download"), ("upload", "Uploaded file")],
        required=True,
        readonly=True,
    )
    url = fields.Char(string="Downloaded from", readonly=True)
    file_name = fields.Char(readonly=True)
    file_format = fields.Selection(
        [("xml", "SDN advanced XML"), ("csv", "SDN CSV")], readonly=True, required=True
    )
    published = fields.Date(
        string="List Date", readonly=True, help="The list's date of issue, as the file gives it."
    )
    sha256 = fields.Char(string="File SHA-256", readonly=True, required=True, index=True)
    address_count = fields.Integer(string="Addresses Listed", readonly=True)
    added_count = fields.Integer(string="Added", readonly=True)
    removed_count = fields.Integer(string="Delisted", readonly=True)
    skipped_count = fields.Integer(
        string="Other Chains",
        readonly=True,
        help="Addresses of chains that are not screened here (Bitcoin, Monero...).",
    )

    @api.depends("published", "file_format", "create_date")
    def _compute_name(self):
        for record in self:
            day = record.published or (record.create_date and record.create_date.date())
            record.name = self.env._(
                "OFAC SDN of %(date)s (%(format)s)",
                date=day or "-",
                format=(record.file_format or "").upper(),
            )

    @api.model
    def _import_file(self, content, comments=None, source="upload", file_name=None, url=None):
        """Import an SDN file (advanced XML, or CSV with its comments file); return the import
        record, the newest one unchanged when this very file was imported last."""
        self._check_importer()
        try:
            parsed = parse(content, comments, published=fields.Date.context_today(self))
        except SanctionsFormatError as exc:
            raise UserError(self.env._("SDN file: %s", exc)) from exc
        # The list and the screening table are read-only to users: written here only, once
        # the importer's role is checked.
        lists_sudo = self.sudo()
        last = lists_sudo.search([], limit=1)
        if last and last.sha256 == parsed.sha256:
            return last.sudo(False)
        listed = parsed.by_address()
        record = lists_sudo.create(
            {
                "source": source,
                "url": url,
                "file_name": file_name,
                "file_format": parsed.fmt,
                "published": parsed.published,
                "sha256": parsed.sha256,
                "address_count": len(listed),
                "skipped_count": parsed.skipped,
            }
        )
        added, removed = lists_sudo.env["stablecoin.sanctions.address"]._synchronize(
            listed, record
        )
        record.write({"added_count": added, "removed_count": removed})
        _logger.info(
            "Sanctions list %s imported: %s addresses, %s added, %s delisted",
            record.sha256[:12],
            len(listed),
            added,
            removed,
        )
        return record.sudo(False)

    def _check_importer(self):
        if not self.env.su and not any(self.env.user.has_group(group) for group in IMPORTERS):
            raise AccessError(
                self.env._(
                    "Sanctions list: only a Compliance Officer or a system administrator may "
                    "import it."
                )
            )

    @api.model
    def _cron_refresh(self):
        """Scheduled action: download the list from the configured URL and import it (nothing
        to do when no URL is configured: offline sites import a downloaded file)."""
        url = self.env["ir.config_parameter"].sudo().get_param(URL_PARAM)
        if not url:
            return False
        try:
            response = requests.get(url, timeout=DOWNLOAD_TIMEOUT)
            response.raise_for_status()
            return self._import_file(
                response.content, source="download", file_name=url.rsplit("/", 1)[-1], url=url
            )
        except (requests.RequestException, UserError) as exc:
            # Kept as it was: the last list imported still screens every receipt.
            _logger.warning("Sanctions list not refreshed from %s: %s", url, exc)
            return False
