# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The screening table: OFAC's list imported from its official files, kept as the newest list
says, and the optional Chainalysis provider behind the same screening call."""

import base64
import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .chainalysis_stub import ChainalysisStub

DATA = Path(__file__).parent / "data"
LISTED_ETH = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # listed upper case, under ETH
LISTED_USDT = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"  # listed lower case, under USDT
DELISTED = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
NEWLY_LISTED = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
TRON = "TNMcQVGPzqH9ZfMCSY4PNrukevtDgp24dK"
CLEAN = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@tagged("post_install", "-at_install")
class TestSanctionsList(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env, login="scoin_sanctions_admin", groups="base.group_system"
        )
        cls.billing = new_test_user(
            cls.env, login="scoin_sanctions_billing", groups="account.group_account_invoice"
        )
        cls.officer = new_test_user(
            cls.env,
            login="scoin_sanctions_officer",
            groups="stablecoin_compliance.group_stablecoin_compliance",
        )
        cls.Lists = cls.env["stablecoin.sanctions.list"].with_user(cls.admin)
        cls.Addresses = cls.env["stablecoin.sanctions.address"]

    def import_file(self, name, comments=None, content=None):
        wizard = (
            self.env["stablecoin.sanctions.import"]
            .with_user(self.admin)
            .create(
                {
                    "file": base64.b64encode(content or (DATA / name).read_bytes()),
                    "file_name": name,
                    "comments_file": comments and base64.b64encode((DATA / comments).read_bytes()),
                }
            )
        )
        action = wizard.action_import()
        return self.env["stablecoin.sanctions.list"].browse(action["res_id"])

    def listed(self):
        return set(self.Addresses.search([]).mapped("address"))

    def screen(self, address):
        return self.Addresses.with_user(self.billing)._screen(address)["result"]

    def test_import_reimport_and_newer_list(self):
        first = self.import_file("sdn_advanced_old.xml")
        self.assertEqual(
            (first.file_format, str(first.published), first.source, first.file_name),
            ("xml", "2025-03-04", "upload", "sdn_advanced_old.xml"),
        )
        self.assertEqual(len(first.sha256), 64)
        self.assertEqual((first.address_count, first.added_count, first.removed_count), (4, 4, 0))
        self.assertEqual(
            self.listed(),
            {LISTED_ETH.lower(), LISTED_USDT.lower(), DELISTED.lower(), TRON},
        )
        self.assertEqual(first.create_uid, self.admin)
        for address in (LISTED_ETH, LISTED_ETH.lower(), LISTED_ETH.upper().replace("0X", "0x")):
            self.assertEqual(self.screen(address), "hit", address)
        self.assertEqual(self.screen(LISTED_USDT), "hit")
        self.assertEqual(self.screen(TRON), "hit")
        self.assertEqual(self.screen(TRON.lower()), "clear", "base58 is case-sensitive")
        self.assertEqual(self.screen(CLEAN), "clear")
        rows = self.Addresses.search([])
        snapshot = [(r.id, r.address, r.tickers, r.list_id.id, r.write_date) for r in rows]

        again = self.import_file("sdn_advanced_old.xml")
        self.assertEqual(again, first, "the same file: no new import")
        self.assertEqual(self.Lists.search_count([]), 1)
        rows = self.Addresses.search([])
        self.assertEqual(
            [(r.id, r.address, r.tickers, r.list_id.id, r.write_date) for r in rows], snapshot
        )

        newer = self.import_file("sdn_advanced_new.xml")
        self.assertNotEqual(newer, first)
        # One of four delisted at once: applied once a compliance officer confirms it.
        self.assertEqual((newer.state, newer.removed_count), ("pending", 1))
        self.assertEqual(self.screen(DELISTED), "hit", "the current list screens meanwhile")
        newer.with_user(self.officer).action_confirm()
        self.assertEqual((newer.state, newer.confirmed_by_id), ("done", self.officer))
        self.assertEqual((newer.added_count, newer.removed_count), (1, 1))
        self.assertEqual(
            self.listed(),
            {LISTED_ETH.lower(), LISTED_USDT.lower(), NEWLY_LISTED.lower(), TRON},
        )
        self.assertEqual(self.screen(DELISTED), "clear")
        self.assertEqual(self.screen(NEWLY_LISTED), "hit")
        gone = self.Addresses.with_context(active_test=False).search(
            [("address", "=", DELISTED.lower())]
        )
        self.assertEqual((gone.active, gone.delisted_list_id), (False, newer))

    def test_csv_import_with_comments(self):
        record = self.import_file("sdn.csv", "sdn_comments.csv")
        self.assertEqual(record.file_format, "csv")
        self.assertIn("TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf", self.listed())
        row = self.Addresses.search([("address", "=", LISTED_USDT.lower())])
        self.assertEqual(
            (row.tickers, row.name, row.uid), ("USDT", "EXAMPLE EXCHANGE LLC", "90002")
        )

    def test_only_administrators_import_and_bad_files_are_refused(self):
        with self.assertRaises(AccessError):
            self.env["stablecoin.sanctions.import"].with_user(self.billing).create({})
        with self.assertRaisesRegex(UserError, "SDN file"):
            self.Lists._import_file(b"<html><body>Maintenance</body></html>")
        self.assertFalse(self.Lists.search([]))

    def test_scheduled_refresh_needs_a_url(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "stablecoin_wallet.sanctions_list_url", False
        )
        self.assertFalse(self.env["stablecoin.sanctions.list"]._cron_refresh())
        self.assertFalse(self.Lists.search([]))

    def test_scheduled_refresh_downloads_the_configured_list(self):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(DATA))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/sdn_advanced_new.xml"
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("stablecoin_wallet.sanctions_list_url", url)
        # Plain http: refused, unless to this machine with the development switch on.
        with self.assertLogs("odoo.addons.stablecoin_compliance", level="WARNING") as logs:
            self.assertFalse(self.env["stablecoin.sanctions.list"]._cron_refresh())
        self.assertIn("https", logs.output[0])
        params.set_param("stablecoin_compliance.sanctions_list_loopback_http", "1")
        # Bigger than the size cap: refused, as it streams.
        params.set_param("stablecoin_compliance.sanctions_list_max_bytes", "1000")
        with self.assertLogs("odoo.addons.stablecoin_compliance", level="WARNING") as logs:
            self.assertFalse(self.env["stablecoin.sanctions.list"]._cron_refresh())
        self.assertIn("larger than", logs.output[0])
        self.assertFalse(self.Lists.search([]))
        params.set_param("stablecoin_compliance.sanctions_list_max_bytes", False)
        record = self.env["stablecoin.sanctions.list"]._cron_refresh()
        self.assertEqual(
            (record.source, record.url, str(record.published)), ("download", url, "2025-06-17")
        )
        self.assertIn(NEWLY_LISTED.lower(), self.listed())
        # A failed download keeps the list as it was.
        params.set_param("stablecoin_wallet.sanctions_list_url", url.replace("new", "missing"))
        with self.assertLogs("odoo.addons.stablecoin_compliance", level="WARNING"):
            self.assertFalse(self.env["stablecoin.sanctions.list"]._cron_refresh())
        self.assertIn(NEWLY_LISTED.lower(), self.listed())

    def test_chainalysis_provider(self):
        with ChainalysisStub(listed=[CLEAN]) as stub:
            stub.configure(self.env)
            hit = self.Addresses.with_user(self.billing)._screen(CLEAN)
            self.assertEqual((hit["result"], hit["source"]), ("hit", "chainalysis"))
            self.assertIn("OFAC SDN Test Entity", hit["detail"])
            self.assertEqual(stub.requests[-1], (f"/api/v1/address/{CLEAN}", "test-key"))
            self.assertEqual(self.screen(NEWLY_LISTED), "clear")
            stub.failing = True
            failed = self.Addresses.with_user(self.billing)._screen(NEWLY_LISTED)
            self.assertEqual(failed["result"], "unavailable", "an error never reads as clear")
            self.assertIn("503", failed["detail"])
            stub.failing = False
            stub.configure(self.env, api_key="wrong")
            self.assertEqual(self.screen(NEWLY_LISTED), "unavailable")

    def test_plain_http_elsewhere_is_refused_even_with_the_switch(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("stablecoin_compliance.sanctions_list_loopback_http", "1")
        for url in ("http://example.com/sdn_advanced.xml", "ftp://127.0.0.1/sdn.xml"):
            params.set_param("stablecoin_wallet.sanctions_list_url", url)
            with self.assertLogs("odoo.addons.stablecoin_compliance", level="WARNING") as logs:
                self.assertFalse(self.env["stablecoin.sanctions.list"]._cron_refresh())
            self.assertIn("https", logs.output[0])
        settings = self.env["res.config.settings"].with_user(self.admin)
        with self.assertRaisesRegex(UserError, "Sanctions List URL"):
            settings.create(
                {"stablecoin_sanctions_list_url": "http://example.com/sdn.xml"}
            ).execute()

    def test_an_older_list_is_refused(self):
        self.import_file("sdn_advanced_new.xml")
        before = self.listed()
        with self.assertRaisesRegex(UserError, "older than"):
            self.import_file("sdn_advanced_old.xml")
        self.assertEqual(self.listed(), before)
        self.assertEqual(self.Lists.search_count([]), 1)

    def test_a_list_delisting_many_waits_for_a_compliance_officer(self):
        """A near-empty list (its date newer, its addresses gone) delists nothing until a
        compliance officer confirms it; the confirmation is logged in every company."""
        first = self.import_file("sdn_advanced_old.xml")
        content = (DATA / "sdn_advanced_old.xml").read_bytes()
        emptied = re.sub(rb"<DistinctParty .*?</DistinctParty>", b"", content, flags=re.DOTALL)
        emptied = emptied.replace(b"<Month>3</Month>", b"<Month>4</Month>")
        pending = self.import_file("emptied.xml", content=emptied)
        self.assertNotEqual(pending, first)
        self.assertEqual((pending.state, pending.removed_count), ("pending", 4))
        self.assertEqual(len(self.listed()), 4, "nothing delisted yet")
        self.assertEqual(self.screen(LISTED_ETH), "hit")
        for user in (self.billing, self.admin):
            with self.assertRaises(AccessError):
                pending.with_user(user).action_confirm()
        self.assertEqual(pending.state, "pending")
        pending.with_user(self.officer).action_confirm()
        self.assertEqual(pending.state, "done")
        self.assertFalse(self.listed())
        self.assertEqual(self.screen(LISTED_ETH), "clear")
        logs = self.env["stablecoin.compliance.log"].search([("event", "=", "sanctions_list")])
        self.assertEqual(set(logs.company_id), set(self.env["res.company"].search([])))
        self.assertEqual(logs.user_id, self.officer)
        self.assertIn("4 delisted", logs[0].detail)
