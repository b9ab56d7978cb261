# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..download import MAX_BYTES, DownloadRefused, download
from ..sanctions import SanctionsFormatError, parse

_logger = logging.getLogger(__name__)

# The list's URL for the scheduled refresh (empty: no refresh; offline sites import a file).
URL_PARAM = "stablecoin_wallet.sanctions_list_url"
COMPLIANCE_GROUP = "stablecoin_compliance.group_stablecoin_compliance"
IMPORTERS = (COMPLIANCE_GROUP, "base.group_system")
# Set by a system administrator (development, tests): plain http to this machine allowed.
LOOPBACK_HTTP_PARAM = "stablecoin_compliance.sanctions_list_loopback_http"
MAX_BYTES_PARAM = "stablecoin_compliance.sanctions_list_max_bytes"
# A list delisting more than this share of the listed addresses at once waits for an officer.
MAX_DELISTED_PARAM = "stablecoin_compliance.sanctions_list_max_delisted_share"
MAX_DELISTED_SHARE = 0.05


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
    removed_count = fields.Integer(
        string="Delisted",
        readonly=True,
        help="Pending: what the list would delist once confirmed.",
    )
    state = fields.Selection(
        [("pending", "Awaiting confirmation"), ("done", "Applied")],
        default="done",
        required=True,
        readonly=True,
        help="A list that delists more than a small share of the listed addresses at once "
        "waits for a compliance officer's confirmation; the current list screens meanwhile.",
    )
    file = fields.Binary(string="SDN File", attachment=True, readonly=True)
    comments_file = fields.Binary(string="SDN Comments", attachment=True, readonly=True)
    confirmed_by_id = fields.Many2one("res.users", string="Confirmed by", readonly=True)
    confirmed_at = fields.Datetime(readonly=True)
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
        record, the newest one unchanged when this very file was imported last.

        A list older than the current one is refused. A list that would delist more than a
        small share of the listed addresses at once waits, pending, for a compliance
        officer's confirmation (`action_confirm`); the current list screens meanwhile."""
        self._check_importer()
        parsed = self._parse(content, comments)
        # The list and the screening table are read-only to users: written here only, once
        # the importer's role is checked.
        lists_sudo = self.sudo()
        last = lists_sudo.search([], limit=1)
        if last and last.sha256 == parsed.sha256:
            return last.sudo(False)
        lists_sudo._check_not_older(parsed.published)
        listed = parsed.by_address()
        vals = {
            "source": source,
            "url": url,
            "file_name": file_name,
            "file_format": parsed.fmt,
            "published": parsed.published,
            "sha256": parsed.sha256,
            "address_count": len(listed),
            "skipped_count": parsed.skipped,
        }
        Address = lists_sudo.env["stablecoin.sanctions.address"]
        delisting = Address._delisting(listed)
        if delisting > Address.search_count([]) * self._max_delisted_share():
            record = lists_sudo.create(
                {
                    **vals,
                    "state": "pending",
                    "removed_count": delisting,
                    "file": base64.b64encode(content),
                    "comments_file": comments and base64.b64encode(comments),
                }
            )
            _logger.warning(
                "Sanctions list %s would delist %s addresses at once: pending, for a "
                "compliance officer to confirm",
                record.sha256[:12],
                delisting,
            )
            return record.sudo(False)
        record = lists_sudo.create(vals)
        record._apply(listed)
        return record.sudo(False)

    def _parse(self, content, comments=None):
        try:
            return parse(content, comments, published=fields.Date.context_today(self))
        except SanctionsFormatError as exc:
            raise UserError(self.env._("SDN file: %s", exc)) from exc

    def _check_not_older(self, published, since=None):
        """Refuse a list dated before the one applied last (``since``: after that import)."""
        domain = [("state", "=", "done")] + ([("id", ">", since.id)] if since else [])
        current = self.search(domain, limit=1)
        if published and current.published and published < current.published:
            raise UserError(
                self.env._(
                    "List Date: this list of %(date)s is older than the current one of "
                    "%(current)s; it would delist addresses listed since. Import the newest "
                    "list.",
                    date=published,
                    current=current.published,
                )
            )

    @api.model
    def _max_delisted_share(self):
        param = self.env["ir.config_parameter"].sudo().get_param(MAX_DELISTED_PARAM)
        try:
            return float(param) if param else MAX_DELISTED_SHARE
        except ValueError:
            return MAX_DELISTED_SHARE

    def _apply(self, listed):
        """Make the screening table what this import lists (elevated rights: the caller
        checked the user's)."""
        self.ensure_one()
        added, removed = self.env["stablecoin.sanctions.address"]._synchronize(listed, self)
        self.write({"added_count": added, "removed_count": removed})
        _logger.info(
            "Sanctions list %s imported: %s addresses, %s added, %s delisted",
            self.sha256[:12],
            len(listed),
            added,
            removed,
        )
        return added, removed

    def action_confirm(self):
        """A compliance officer confirms a pending list: it is applied now (delisting what
        it no longer lists), and the confirmation is in every company's audit log."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._(
                    "Sanctions list: only a Compliance Officer may confirm a list that delists "
                    "addresses."
                )
            )
        self.check_access("read")
        list_sudo = self.sudo()
        if list_sudo.state != "pending":
            raise UserError(self.env._("%s is not waiting for a confirmation.", self.name))
        list_sudo._check_not_older(list_sudo.published, since=list_sudo)
        parsed = list_sudo._parse(
            base64.b64decode(list_sudo.file),
            base64.b64decode(list_sudo.comments_file) if list_sudo.comments_file else None,
        )
        added, removed = list_sudo._apply(parsed.by_address())
        list_sudo.write(
            {
                "state": "done",
                "confirmed_by_id": self.env.uid,
                "confirmed_at": fields.Datetime.now(),
                "file": False,
                "comments_file": False,
            }
        )
        Log = self.env["stablecoin.compliance.log"]
        # Every company screens with the list: each one's officers see the confirmation.
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies:
            Log._log(
                "sanctions_list",
                company,
                detail=self.env._(
                    "%(list)s (SHA-256 %(hash)s) confirmed: %(added)s added, %(removed)s delisted.",
                    list=list_sudo.name,
                    hash=list_sudo.sha256,
                    added=added,
                    removed=removed,
                ),
            )
        return True

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
        params = self.env["ir.config_parameter"].sudo()
        try:
            content = download(
                url,
                max_bytes=int(params.get_param(MAX_BYTES_PARAM) or MAX_BYTES),
                loopback_http=bool(params.get_param(LOOPBACK_HTTP_PARAM)),
            )
            return self._import_file(
                content, source="download", file_name=url.rsplit("/", 1)[-1], url=url
            )
        except (requests.RequestException, DownloadRefused, UserError) as exc:
            # Kept as it was: the last list imported still screens every receipt.
            _logger.warning("Sanctions list not refreshed from %s: %s", url, exc)
            return False
