# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.stablecoin_wallet.chain.family import kind_selection
from odoo.addons.stablecoin_wallet.compat import sql_constraints

from .. import chainalysis
from ..sanctions import normalize_address

PROVIDER_PARAM = "stablecoin_wallet.screening_provider"
API_KEY_PARAM = "stablecoin_wallet.chainalysis_api_key"
API_URL_PARAM = "stablecoin_wallet.chainalysis_url"
PROVIDER_TIMEOUT = 10


@sql_constraints
class StablecoinSanctionsAddress(models.Model):
    """The screening table: one row per address OFAC lists (EVM addresses lowercase, Tron
    addresses as listed). Public data, the same for every company of the database."""

    _name = "stablecoin.sanctions.address"
    _description = "Sanctioned Address"
    _order = "name, address"
    _rec_name = "address"

    address = fields.Char(required=True, readonly=True, index=True)
    chain = fields.Selection(kind_selection(), required=True, readonly=True)
    tickers = fields.Char(readonly=True, help="The tickers OFAC lists it under (ETH, USDT...).")
    name = fields.Char(string="Listed Party", readonly=True)
    uid = fields.Char(string="SDN Entry", readonly=True, help="OFAC's entry number.")
    active = fields.Boolean(default=True, readonly=True)
    list_id = fields.Many2one(
        "stablecoin.sanctions.list", string="Listed by", readonly=True, ondelete="restrict"
    )
    delisted_list_id = fields.Many2one(
        "stablecoin.sanctions.list", string="Delisted by", readonly=True, ondelete="restrict"
    )

    _sql_constraints = [  # noqa: RUF012
        ("address_unique", "UNIQUE(address)", "This address is already in the screening table."),
    ]

    @api.model
    def _synchronize(self, listed, import_record):
        """Make the table what ``listed`` ({key: [ListedAddress]}) says; return (added,
        removed) counts."""
        rows = {row.address: row for row in self.with_context(active_test=False).search([])}
        added = removed = 0
        to_create = []
        for key, entries in listed.items():
            vals = {
                "chain": entries[0].chain,
                "tickers": ", ".join(sorted({e.ticker for e in entries})),
                "name": entries[0].name,
                "uid": entries[0].uid,
            }
            row = rows.get(key)
            if not row:
                to_create.append({**vals, "address": key, "list_id": import_record.id})
                added += 1
            elif not row.active:
                row.write(
                    {**vals, "active": True, "list_id": import_record.id, "delisted_list_id": False}
                )
                added += 1
            elif any(row[name] != value for name, value in vals.items()):
                row.write(vals)
        self.create(to_create)
        gone = [row for key, row in rows.items() if row.active and key not in listed]
        if gone:
            self.browse(row.id for row in gone).write(
                {"active": False, "delisted_list_id": import_record.id}
            )
            removed = len(gone)
        return added, removed

    @api.model
    def _is_listed(self, address):
        """Whether the imported list lists ``address`` (no provider asked: cheap enough for
        a computed field)."""
        key = normalize_address(address)
        return bool(key) and bool(self.sudo().search_count([("address", "=", key)], limit=1))

    @api.model
    def _delisting(self, listed):
        """How many listed addresses ``listed`` ({key: entries}) would delist."""
        active = self.search_fetch([], ["address"])
        return sum(1 for row in active if row.address not in listed)

    @api.model
    def _screen_many(self, addresses):
        """Screen several addresses: one lookup in the list for all of them (the matcher
        screens a batch of receipts at once). Returns {address: finding} as `_screen`."""
        keys = {address: normalize_address(address) for address in set(addresses) if address}
        found = self.sudo().search([("address", "in", [k for k in keys.values() if k])])
        by_key = {}
        for row in found:
            by_key.setdefault(row.address, row)
        return {
            address: self._screen(address, listed=by_key.get(key) or self.browse())
            for address, key in keys.items()
        }

    @api.model
    def _screen(self, address, listed=None):
        """Screen ``address`` against the imported list and, when one is configured, the
        screening provider. Returns a dict: ``result`` (``clear``, ``hit`` or ``unavailable``:
        the provider could not answer and the list did not list it), ``source`` and ``detail``
        (what was found, in words). ``listed``: the list's entry, when already looked up."""
        key = normalize_address(address)
        if listed is None:
            listed = self.sudo().search([("address", "=", key)], limit=1) if key else self.browse()
        if listed:
            return {
                "result": "hit",
                "source": "ofac",
                "detail": self.env._(
                    "%(address)s is on OFAC's SDN list (entry %(uid)s, %(party)s, listed under "
                    "%(tickers)s; list of %(date)s).",
                    address=address,
                    uid=listed.uid or "-",
                    party=listed.name or "-",
                    tickers=listed.tickers or "-",
                    date=listed.list_id.published or "-",
                ),
            }
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(PROVIDER_PARAM) != "chainalysis":
            return {"result": "clear", "source": "ofac", "detail": False}
        try:
            found = chainalysis.identifications(
                address,
                params.get_param(API_KEY_PARAM),
                params.get_param(API_URL_PARAM) or chainalysis.DEFAULT_BASE_URL,
                timeout=PROVIDER_TIMEOUT,
            )
        except chainalysis.ScreeningUnavailable as exc:
            return {"result": "unavailable", "source": "chainalysis", "detail": str(exc)}
        if not found:
            return {"result": "clear", "source": "chainalysis", "detail": False}
        return {
            "result": "hit",
            "source": "chainalysis",
            "detail": self.env._(
                "Chainalysis identifies %(address)s: %(found)s",
                address=address,
                found="; ".join(
                    " - ".join(str(item.get(k)) for k in ("category", "name") if item.get(k))
                    for item in found
                ),
            ),
        }
