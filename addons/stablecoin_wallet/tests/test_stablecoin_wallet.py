# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import ANVIL_XPUB, StablecoinChainMixin


@tagged("post_install", "-at_install")
class TestStablecoinWallet(StablecoinChainMixin, TransactionCase):
    def test_fixed_address_wallet_is_watched_with_a_journal_per_token(self):
        self.assertEqual(self.wallet.address_ids.address, self.merchant)
        self.assertEqual(self.wallet.address_ids.derivation_index, -1)
        journals = self.wallet.journal_ids
        self.assertEqual(len(journals), 2)
        self.assertEqual(set(journals.mapped("type")), {"bank"})
        self.assertEqual(self.wallet._journal_for(self.token_usdt).currency_id, self.usdt_currency)

    def test_lowercase_address_is_stored_checksummed(self):
        wallet = self.env["stablecoin.wallet"].create(
            {"name": "Lower", "address": self.chain.accounts[3].lower()}
        )
        self.assertEqual(wallet.address, self.chain.accounts[3])

    def test_bad_addresses_are_refused(self):
        i = max(i for i, c in enumerate(self.merchant) if c.isalpha() and i > 1)
        typo = self.merchant[:i] + self.merchant[i].swapcase() + self.merchant[i + 1 :]
        for bad, message in [
            (typo, "checksum"),
            ("0x1234", "not an address"),
            ("merchant.eth", "not an address"),
        ]:
            with self.subTest(bad=bad), self.assertRaisesRegex(ValidationError, message):
                self.env["stablecoin.wallet"].create({"name": "Bad", "address": bad})

    def test_missing_address_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "enter the receiving address"):
            self.env["stablecoin.wallet"].create({"name": "Empty", "kind": "address"})

    def test_xpub_derives_a_fresh_address_per_request(self):
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "HD",
                "kind": "xpub",
                "xpub": ANVIL_XPUB,
                "token_ids": [(4, self.token_usdc.id)],
            }
        )
        first = wallet._new_receiving_address()
        second = wallet._new_receiving_address()
        accounts = self.chain.accounts
        self.assertEqual((first.address, first.derivation_index), (accounts[0], 0))
        # Child 1 is the shop wallet's fixed address (the same key): skipped, never shared.
        self.assertEqual((second.address, second.derivation_index), (accounts[2], 2))
        self.assertEqual(wallet.next_index, 3)

    def test_bad_xpubs_are_refused(self):
        xprv = (
            "xprv9yf7rH8aDnVwS8aXHGakGrVVx4HT9ysjJE6DhW9TEx2rVNjcXhXoKxkxUbmvLHeYj5Sd7cwg7U1Pb"
            "BnBqMZR94MWuqRVbLvfG2Pa7qUKrGY"
        )
        for bad, message in [
            ("xpub-not-a-key", "not a valid extended public key"),
            (ANVIL_XPUB[:-3], "not a valid extended public key"),
            (xprv, "PRIVATE key"),
        ]:
            with self.subTest(bad=bad[:12]), self.assertRaisesRegex(ValidationError, message):
                self.env["stablecoin.wallet"].create({"name": "Bad", "kind": "xpub", "xpub": bad})

    def test_xpub_of_another_depth_is_refused(self):
        from bip_utils import Bip32Secp256k1

        # The key of the external chain (m/44'/60'/0'/0): one level too deep.
        deeper = Bip32Secp256k1.FromExtendedKey(ANVIL_XPUB).ChildKey(0).PublicKey().ToExtended()
        with self.assertRaisesRegex(ValidationError, "at depth 4"):
            self.env["stablecoin.wallet"].create({"name": "Deep", "kind": "xpub", "xpub": deeper})

    def test_bad_token_contract_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Token contract"):
            self.env["stablecoin.token"].create(
                {
                    "name": "Bad",
                    "symbol": "BAD",
                    "network_id": self.network.id,
                    "contract_address": "0xdeadbeef",
                    "currency_id": self.usdc_currency.id,
                }
            )

    def test_token_decimals_are_checked_against_the_contract(self):
        self.assertTrue(self.token_usdc.action_check_contract())
        self.token_usdc.decimals = 18
        with self.assertRaisesRegex(UserError, "the contract says 6 decimals, not 18"):
            self.token_usdc.action_check_contract()

    def test_mainnet_data_is_checksummed(self):
        usdc_base = self.env.ref("stablecoin_wallet.stablecoin_token_usdc_base")
        self.assertEqual(usdc_base.contract_address, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        self.assertEqual(usdc_base.network_id.chain_id, 8453)
        tokens = self.env["stablecoin.token"].search([("network_id.chain_id", "!=", 31337)])
        self.assertGreaterEqual(len(tokens), 9)
        self.assertEqual(set(tokens.mapped("decimals")), {6})

    def test_a_wallet_with_receipts_stays_with_its_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.pay(1_000_000)
        self.scan()
        with self.assertRaisesRegex(ValidationError, "stays with its company"):
            self.wallet.company_id = other

    def test_a_new_wallet_moved_gets_journals_in_its_new_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        wallet = self.env["stablecoin.wallet"].create(
            {
                "name": "Moving",
                "address": self.chain.accounts[4],
                "token_ids": [(6, 0, self.token_usdc.ids)],
            }
        )
        wallet.company_id = other
        self.assertEqual(wallet._journal_for(self.token_usdc).company_id, other)


@tagged("post_install", "-at_install")
class TestStablecoinPeg(TransactionCase):
    def test_stablecoins_follow_usd_until_given_rates(self):
        eur, usd = self.env.ref("base.EUR"), self.env.ref("base.USD")
        usdc = self.env.ref("stablecoin_wallet.currency_usdc")
        eur.active = True
        company = self.env["res.company"].create({"name": "EU Shop", "currency_id": eur.id})
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "currency_id": usd.id, "rate": 1.08, "company_id": company.id}
        )
        date = "2026-06-01"
        self.assertEqual(usdc._get_rates(company, date)[usdc.id], 1.08)
        self.assertAlmostEqual(usdc._convert(108.0, eur, company, date), 100.0)
        # A rate of its own overrides the peg (a de-peg, or a different source).
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "currency_id": usdc.id, "rate": 1.10, "company_id": company.id}
        )
        self.assertEqual(usdc._get_rates(company, date)[usdc.id], 1.10)


@tagged("post_install", "-at_install")
class TestPrivateKeyAsAddress(HttpCase):
    """An accounting administrator pastes the wallet's private key (or recovery phrase) as its
    address: refused, with an error naming the field that does not repeat it, and the key is
    nowhere in the server's log."""

    KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    PHRASE = "test test test test test test test test test test test junk"

    def call_create(self, vals):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "stablecoin.wallet",
                "method": "create",
                "args": [vals],
                "kwargs": {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw/stablecoin.wallet/create",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_a_private_key_is_refused_and_never_logged(self):
        new_test_user(self.env, login="scoin_key_admin", groups="account.group_account_manager")
        self.authenticate("scoin_key_admin", "scoin_key_admin")
        for secret, vals in (
            (self.KEY, {"name": "Pasted key", "address": self.KEY}),
            ("0x" + self.KEY, {"name": "Pasted key", "display_address": "0x" + self.KEY}),
            (self.PHRASE, {"name": "Pasted phrase", "address": self.PHRASE}),
        ):
            # At the server's log level (info; at debug, Odoo logs every call's arguments, a
            # password as well).
            with self.assertLogs("odoo", level="INFO") as logs:
                answer = self.call_create(vals)
            error = answer["error"]["data"]
            self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
            self.assertIn("Receiving address", error["message"])
            self.assertNotIn(secret, json.dumps(answer))
            self.assertNotIn(self.KEY[:16], json.dumps(answer))
            self.assertIn("Receiving address", "\n".join(logs.output), "the refusal is logged")
            self.assertNotIn(self.KEY[:16], "\n".join(logs.output))
            self.assertNotIn("test test test", "\n".join(logs.output))
        self.assertFalse(self.env["stablecoin.wallet"].search([("name", "like", "Pasted")]))
        # The public address is taken as before.
        answer = self.call_create(
            {"name": "Public", "address": "0x000000000000000000000000000000000000dead"}
        )
        self.assertIn("result", answer, answer.get("error", {}).get("data", {}).get("message"))
        wallet = self.env["stablecoin.wallet"].browse(answer["result"])
        self.assertEqual(wallet.address, "0x000000000000000000000000000000000000dEaD")
